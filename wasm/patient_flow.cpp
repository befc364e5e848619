#include "wasm/patient_flow.hpp"

#include <emscripten/eventloop.h>
#include <imgui.h>
#include <sodium.h>

#include <chrono>

#include "wasm/bridge.hpp"
#include "wasm/call_view.hpp"

namespace tessera::client {
namespace {

constexpr double kClockMs = 60'000;  // the waiting time is shown in minutes
constexpr double kMeterMs = 100;     // the microphone level moves with speech
constexpr int kMeterStep = 5;        // redraw only when it moves this much

const char* ended_text(EndReason reason) {
  switch (reason) {
    case EndReason::provider_ended: return "Your care team ended the visit. Thank you. You can close this page.";
    case EndReason::self_ended: return "You can close this page, or open the link again to return.";
    case EndReason::denied:
      return "This link did not let you in: your care team turned it away, or the link was changed or cut "
             "short. Open the whole link from your clinic's message again; if it still does not work, contact "
             "your clinic.";
    case EndReason::replaced: return "This visit continues in another tab or window.";
    case EndReason::connection_lost:
      return "The connection was lost for too long. Check your internet connection, then open the link again.";
    case EndReason::no_visit:
      return "Your care team has not opened this visit yet, or it is over. Check the time of your "
             "appointment, then open the link again.";
    case EndReason::visit_full: return "Too many people are waiting. Please open the link again in a few minutes.";
    case EndReason::refused:
    case EndReason::none:
      return "Something went wrong with this visit. Open the link again; if it keeps happening, contact your "
             "clinic.";
  }
  return "";
}

}  // namespace

const char* patient_ended_heading(EndReason reason) {
  switch (reason) {
    case EndReason::denied: return "You were not let in";
    case EndReason::self_ended: return "You left the visit";
    case EndReason::no_visit: return "This visit is not open";
    case EndReason::visit_full: return "The waiting room is full";
    default: return "Your visit has ended";
  }
}

bool PatientFlow::over() const {
  const VisitPhase phase = visit_ ? visit_->visit().phase() : VisitPhase::connecting;
  return phase == VisitPhase::ended || phase == VisitPhase::denied;
}

PatientFlow::PatientFlow(std::string link, std::function<void()> redraw, bool kiosk)
    : redraw_(std::move(redraw)),
      link_(std::move(link)),
      received_(kiosk ? ReceivedFiles::shown_only : ReceivedFiles::download),
      media_(redraw_),
      chat_view_(kiosk) {
  if (!kiosk) title_.emplace();
  const auto parsed = visit_link_parse(link_);
  if (!parsed) {
    step_ = Step::bad_link;
    link_error_ = guest_start_error_text({GuestStartError::Kind::bad_link, parsed.error()});
    sodium_memzero(link_.data(), link_.size());
    return;
  }
  step_ = Step::device_check;
  media_.start();
}

PatientFlow::~PatientFlow() {
  if (clock_) emscripten_clear_timeout(clock_);
  if (meter_) emscripten_clear_timeout(meter_);
  sodium_memzero(link_.data(), link_.size());
  sodium_memzero(name_.data(), name_.size());
}

void PatientFlow::join() {
  std::array<std::uint8_t, kSeedBytes> seed{};
  randombytes_buf(seed.data(), seed.size());
  auto visit = GuestVisit::start(link_, name_, seed);
  sodium_memzero(seed.data(), seed.size());
  if (!visit) {
    name_error_ = guest_start_error_text(visit.error());
    return;
  }
  name_error_ = nullptr;
  // The visit holds what it needs (sealed name, link secret): drop our copies.
  sodium_memzero(link_.data(), link_.size());
  link_.clear();
  step_ = Step::visit;
  visit_ = std::make_unique<VisitDriver<GuestVisit>>(std::move(visit.value()), [this] { on_visit_change(); },
                                                     received_);
  visit_->pump();  // the visit asked for its first socket when it was made
}

void PatientFlow::announce(const char* words) { tessera_page_announce(words); }

void PatientFlow::on_visit_change() {
  const GuestVisit& v = visit_->visit();
  const VisitPhase phase = v.phase();
  if (phase != said_phase_) {
    said_phase_ = phase;
    switch (phase) {
      case VisitPhase::connecting: announce("Connecting to your clinic."); break;
      case VisitPhase::waiting_room: announce("You are in the waiting room. Your care team knows you are here."); break;
      case VisitPhase::admitted: announce("Your care team let you in. Connecting the call."); break;
      case VisitPhase::in_call: announce("Your call has started."); break;
      case VisitPhase::denied:
      case VisitPhase::ended:
        announce(patient_ended_heading(v.end_reason()));
        media_.stop();
        break;
    }
  }
  if (v.reconnecting() != said_reconnecting_) {
    said_reconnecting_ = v.reconnecting();
    if (said_reconnecting_) announce("The connection dropped. Reconnecting.");
    else announce(v.without_gateway() ? "The clinic's server restarted. Your call goes on." : "Connected again.");
  }
  if (title_) title_->show(visit_->unread());
  if (v.notes().size() > said_notes_) {
    said_notes_ = v.notes().size();
    announce("New message from your care team.");
  }
  call_view_.announce(v, care_team());
  if (!said_code_ && v.safety_code()) {
    said_code_ = true;
    announce("A safety code is shown. Read it aloud to your care team.");
  }
  arm_clock();
  redraw_();
}

bool PatientFlow::wants_side_panel() const { return step_ == Step::visit && visit_ && visit_->chat(); }

std::string PatientFlow::care_team() const {
  const std::string_view name = visit_->visit().provider_name();
  return name.empty() ? "Your care team" : std::string(name);
}

void PatientFlow::arm_clock() {
  const bool waiting = visit_ && visit_->visit().phase() == VisitPhase::waiting_room;
  if (waiting && !clock_) clock_ = emscripten_set_timeout(on_clock, kClockMs, this);
}

void PatientFlow::on_clock(void* user) {
  auto* self = static_cast<PatientFlow*>(user);
  self->clock_ = 0;
  self->arm_clock();
  self->redraw_();
}

// Runs only while the device check shows a working microphone.
void PatientFlow::on_meter(void* user) {
  auto* self = static_cast<PatientFlow*>(user);
  self->meter_ = 0;
  if (self->step_ != Step::device_check) return self->media_.stop_level();
  const int level = self->media_.level() / kMeterStep * kMeterStep;
  if (level != self->shown_level_) self->redraw_();
  self->meter_ = emscripten_set_timeout(on_meter, kMeterMs, self);
}

// ---------------------------------------------------------------------------
// screens

void PatientFlow::draw(ui::Ui& ui) {
  switch (step_) {
    case Step::bad_link: return draw_bad_link(ui);
    case Step::device_check: return draw_device_check(ui);
    case Step::name: return draw_name(ui);
    case Step::visit: break;
  }
  switch (visit_->visit().phase()) {
    case VisitPhase::connecting:
    case VisitPhase::waiting_room: return draw_waiting(ui);
    case VisitPhase::admitted:
    case VisitPhase::in_call: return draw_call(ui);
    case VisitPhase::denied:
    case VisitPhase::ended: return draw_ended(ui);
  }
}

void PatientFlow::draw_bad_link(ui::Ui& ui) {
  ui::heading(ui, "This link does not work");
  ui::paragraph(ui, link_error_);
}

void PatientFlow::draw_device_check(ui::Ui& ui) {
  ui::heading(ui, "Check your camera and microphone");
  const LocalMedia::State state = media_.state();
  if (state == LocalMedia::State::asking || state == LocalMedia::State::off) {
    ui::paragraph(ui, "Your browser will ask to use your camera and microphone. Please choose Allow.");
    return;
  }
  if (state != LocalMedia::State::on) {
    ui::paragraph(ui, local_media_help(state));
    if (ui::button(ui, "Try again")) media_.start();
    return;
  }
  ui::paragraph(ui, "You should see yourself below. If not, choose another camera.");
  const float width = ImGui::CalcItemWidth() * 0.6f;
  ui::video(ui, ui::VideoSlot::self, width, width * 0.75f);
  // The microphone level: say something and watch it move.
  const int level = media_.level();
  shown_level_ = level < 0 ? -1 : level / kMeterStep * kMeterStep;
  if (!meter_) meter_ = emscripten_set_timeout(on_meter, kMeterMs, this);
  if (shown_level_ < 0) {
    ui::paragraph(ui, "Microphone level: shown once you tap or click anywhere on the page.");
  } else {
    ImGui::ProgressBar(static_cast<float>(shown_level_) / 100.0f, ImVec2(width, 0), "");
    const std::string words = "Microphone level: " + std::to_string(shown_level_) + " percent. Say something to test it.";
    ui::paragraph(ui, words.c_str());
  }
  draw_device_pickers(ui, media_);
  if (ui::button(ui, "Continue")) step_ = Step::name;
}

void PatientFlow::draw_name(ui::Ui& ui) {
  ui::heading(ui, "Your name");
  ui::paragraph(ui, "Your care team sees this name before they let you in. Only they can read it.");
  ui::text_field(ui, "Your name", name_, kDisplayNameMaxBytes);
  if (name_error_) ui::paragraph(ui, name_error_);
  if (ui::button(ui, "Join the waiting room", !ui::is_blank(name_))) join();
  ImGui::SameLine();
  if (ui::button(ui, "Back")) step_ = Step::device_check;
}

void PatientFlow::draw_waiting(ui::Ui& ui) {
  const GuestVisit& v = visit_->visit();
  ui::heading(ui, "You are in the waiting room");
  if (v.phase() == VisitPhase::connecting || v.reconnecting()) {
    ui::paragraph(ui, v.reconnecting() ? "The connection dropped. Reconnecting..." : "Connecting to your clinic...");
  } else {
    ui::paragraph(ui, "Your care team knows you are here and will let you in soon. Please keep this page open.");
    const auto waited = std::chrono::steady_clock::now() - v.waiting_since();
    ui::paragraph(ui, waited_text("You have", std::chrono::duration_cast<std::chrono::minutes>(waited).count()).c_str());
  }
  if (!v.notes().empty()) {
    ui::heading(ui, "Messages from your care team", 2);
    for (const GuestNote& note : v.notes()) ui::paragraph(ui, std::string(note.text.view()).c_str());
  }
  const float width = ImGui::CalcItemWidth() * 0.4f;
  ui::video(ui, ui::VideoSlot::self, width, width * 0.75f);
  if (ui::button(ui, "Leave")) {
    visit_->visit().leave(std::chrono::steady_clock::now());
    visit_->pump();
  }
}

void PatientFlow::draw_call(ui::Ui& ui) {
  ui::heading(ui, "Your visit");
  GuestVisit& v = visit_->visit();
  if (call_view_.draw(ui, v, visit_->ice_state(), visit_->quality(), media_, "Your care team", care_team())) {
    v.set_local_media(local_media_state(media_), std::chrono::steady_clock::now());
    visit_->pump();
  }
  if (ui::button(ui, "Hang up")) {
    visit_->visit().leave(std::chrono::steady_clock::now());
    visit_->pump();
    return;
  }
  if (VisitChatDriver* chat = visit_->chat()) {
    chat_view_.draw(ui, *chat, care_team());
    if (title_) title_->show(visit_->unread());  // seen now, or not
  } else {
    chat_view_.hide();
  }
}

void PatientFlow::draw_ended(ui::Ui& ui) {
  const EndReason reason = visit_->visit().end_reason();
  ui::heading(ui, patient_ended_heading(reason));
  ui::paragraph(ui, ended_text(reason));
}

}  // namespace tessera::client
