#include "wasm/kiosk_flow.hpp"

#include <emscripten/eventloop.h>
#include <emscripten/html5.h>
#include <sodium.h>

#include <chrono>
#include <nlohmann/json.hpp>

#include "shared/base64url.hpp"
#include "wasm/api_request.hpp"
#include "wasm/bridge.hpp"
#include "wasm/wiped_memory.hpp"

namespace tessera::client {
namespace {

constexpr const char* kVaultKiosk = "kiosk";  // the tablet's secret key, sealed, on this device
constexpr const char* kKioskPage = "/kiosk";
constexpr double kRetryMs = 5000;  // the enrolment check, when the server cannot be reached

VisitTime now() { return std::chrono::steady_clock::now(); }

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void set_poll(KioskCycle& cycle, const nlohmann::json& reply) {
  if (reply.is_object() && reply.contains("poll_seconds") && reply["poll_seconds"].is_number_integer()) {
    cycle.set_poll_interval(std::chrono::seconds(reply["poll_seconds"].get<std::int64_t>()));
  }
}

}  // namespace

KioskFlow::KioskFlow(std::string host, std::function<void()> redraw, std::function<void()> wipe_page)
    : host_(std::move(host)), redraw_(std::move(redraw)), wipe_page_(std::move(wipe_page)) {
  tessera_page_set_title("Tessera kiosk");
  tessera_vault_load(kVaultKiosk, tessera_vault_device, this, [](void* user, const std::uint8_t* bytes, int size) {
    auto* self = static_cast<KioskFlow*>(user);
    if (bytes && size == static_cast<int>(kKioskKeyBytes)) {
      self->keys_ = KioskKeyPair::from_secret(std::span<const std::uint8_t, kKioskKeyBytes>(bytes, kKioskKeyBytes));
      return self->check_enrolment();
    }
    self->checking_ = false;
    self->redraw_();
  });
}

KioskFlow::~KioskFlow() {
  if (timer_) emscripten_clear_timeout(timer_);
  sodium_memzero(code_.data(), code_.size());
}

// ---------------------------------------------------------------------------
// enrolment

// A key from an earlier load: does the gateway still know this tablet?
void KioskFlow::check_enrolment() {
  checking_ = true;
  api_request("GET", "/api/kiosk/me", "", "", [this](int status, std::string_view body) {
    if (status == 200) return on_enrolled(body);
    if (status == 401) return on_not_enrolled("This tablet is no longer enrolled. Ask your clinic's administrator for "
                                              "a new enrolment code, then type it here.");
    message_ = "The clinic's server cannot be reached. Trying again...";
    emscripten_set_timeout([](void* user) { static_cast<KioskFlow*>(user)->check_enrolment(); }, kRetryMs, this);
    redraw_();
  });
}

void KioskFlow::enrol() {
  tessera_page_fullscreen();
  keys_ = KioskKeyPair::generate();
  busy_ = true;
  message_ = nullptr;
  const nlohmann::json body = {{"code", code_}, {"public_key", base64url_encode(keys_->public_key)}};
  std::string text = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  api_request("POST", "/api/kiosk/enrol", text, "", [this](int status, std::string_view reply) {
    busy_ = false;
    if (status == 201) {
      sodium_memzero(code_.data(), code_.size());
      code_.clear();
      tessera_vault_store(kVaultKiosk, tessera_vault_device, keys_->secret_key.data(),
                          static_cast<int>(keys_->secret_key.size()));
      tessera_page_announce("This tablet is enrolled.");
      return on_enrolled(reply);
    }
    keys_.reset();
    if (status == 401) {
      message_ = "That code did not work. A code works once, for 15 minutes: check it, or ask your clinic's "
                 "administrator for a new one.";
    } else if (status == 429) {
      message_ = "Too many tries from this tablet. Wait a few minutes, then try again.";
    } else if (status == 400) {
      message_ = "That does not look like an enrolment code. Type all of it, as your administrator gave it.";
    } else {
      message_ = "The clinic's server could not be reached. Check the network, then try again.";
    }
    tessera_page_announce(message_);
    redraw_();
  });
  sodium_memzero(text.data(), text.size());
}

void KioskFlow::on_enrolled(std::string_view reply) {
  checking_ = false;
  message_ = nullptr;
  set_poll(cycle_, nlohmann::json::parse(reply, nullptr, false));
  cycle_.enrolled(now());
  schedule_tick();
}

// Revoked, or never known: the key is worthless now, and so is any visit.
void KioskFlow::on_not_enrolled(const char* why) {
  checking_ = false;
  tessera_vault_erase(kVaultKiosk, tessera_vault_device);
  keys_.reset();
  inbox_.clear();
  cycle_.not_enrolled();
  message_ = why;
  tessera_page_announce(why);
  schedule_tick();
}

// ---------------------------------------------------------------------------
// the inbox

void KioskFlow::fetch_inbox() {
  api_request("GET", "/api/kiosk/inbox", "", "", [this](int status, std::string_view body) { on_inbox(status, body); });
}

void KioskFlow::on_inbox(int status, std::string_view body) {
  cycle_.inbox_fetched(now());
  if (status == 401) {
    return on_not_enrolled("This tablet is no longer enrolled. Ask your clinic's administrator for a new enrolment "
                           "code, then type it here.");
  }
  const auto reply = nlohmann::json::parse(body, nullptr, false);
  if (status != 200 || !reply.is_object() || !reply.contains("items") || !reply["items"].is_array()) {
    message_ = "The clinic's server cannot be reached. Trying again...";
    return schedule_tick();
  }
  message_ = nullptr;
  set_poll(cycle_, reply);
  for (const auto& item : reply["items"]) {
    if (!item.is_object() || !item.contains("visit") || !item["visit"].is_string() || !item.contains("sealed") ||
        !item["sealed"].is_string() || !item.contains("expires") || !item["expires"].is_number_integer()) {
      continue;
    }
    const auto visit = visit_id_parse(item["visit"].get_ref<const std::string&>());
    auto sealed = base64url_decode(item["sealed"].get_ref<const std::string&>());
    if (!visit || !sealed) continue;
    inbox_.push_back({visit.value(), std::move(*sealed), item["expires"].get<std::int64_t>()});
  }
  schedule_tick();
}

// The oldest visit in the inbox that opens and has not expired, on the start screen.
void KioskFlow::open_next_item() {
  while (cycle_.screen() == KioskScreen::idle && !inbox_.empty() && keys_) {
    SealedItem item = std::move(inbox_.front());
    inbox_.pop_front();
    if (item.expires <= unix_now()) continue;
    auto link = kiosk_open_link(item.sealed, *keys_, item.visit, host_);
    if (!link) {
      tessera_page_warn("kiosk inbox item", "does not open");  // static words: never content
      continue;
    }
    ready_link_.emplace(std::move(link.value()));
    if (cycle_.visit_arrived(now())) tessera_page_announce("Your visit is ready. Tap to start.");
  }
}

// ---------------------------------------------------------------------------
// the visit

void KioskFlow::start_visit() {
  if (!ready_link_) return;
  tessera_page_fullscreen();
  cycle_.start(now());
  std::string link(ready_link_->view());
  ready_link_.reset();
  patient_ = std::make_unique<PatientFlow>(std::move(link), [this] { on_patient_change(); }, true);
  schedule_tick();
}

// Runs inside PatientFlow's own callbacks: the visit is wiped later, from the tick.
void KioskFlow::on_patient_change() {
  if (patient_ && patient_->over()) {
    if (cycle_.screen() == KioskScreen::journey) ended_ = patient_->end_reason();
    cycle_.visit_over(now());
  } else if (patient_ && patient_->joined()) {
    cycle_.joined();
  }
  schedule_tick();
  redraw_();
}

// Everything of the visit goes; the tablet's key stays.
void KioskFlow::wipe_visit() {
  patient_.reset();  // the visit's keys, the link and the name, wiped as they go; media stopped
  ready_link_.reset();
  if (wipe_page_) wipe_page_();
  tessera_page_forget(kKioskPage);
  wipe_free_stack();
}

// The timer already armed finds the later deadline and waits again.
void KioskFlow::touched() { cycle_.touch(now()); }

void KioskFlow::schedule_tick(double delay_ms) {
  const double at = emscripten_get_now() + std::max(0.0, delay_ms);
  if (timer_ && timer_at_ <= at) return;
  if (timer_) emscripten_clear_timeout(timer_);
  timer_at_ = at;
  timer_ = emscripten_set_timeout(on_tick, std::max(0.0, delay_ms), this);
}

void KioskFlow::on_tick(void* user) {
  auto* self = static_cast<KioskFlow*>(user);
  self->timer_ = 0;
  self->tick();
}

// From a timer, never inside another object's callback: the wipe may
// destroy the patient's page.
void KioskFlow::tick() {
  const VisitTime t = now();
  open_next_item();
  cycle_.handle_timeout(t);
  if (cycle_.take_wipe()) wipe_visit();
  if (cycle_.take_fetch()) fetch_inbox();
  if (const auto at = cycle_.poll_timeout()) {
    schedule_tick(std::chrono::duration<double, std::milli>(*at - t).count());
  }
  redraw_();
}

// ---------------------------------------------------------------------------
// screens

void KioskFlow::draw(ui::Ui& ui) {
  if (checking_) {
    ui::heading(ui, "Tessera kiosk");
    return ui::paragraph(ui, message_ ? message_ : "Checking this tablet's enrolment...");
  }
  switch (cycle_.screen()) {
    case KioskScreen::enrol: return draw_enrol(ui);
    case KioskScreen::idle: return draw_idle(ui);
    case KioskScreen::ready: return draw_ready(ui);
    case KioskScreen::journey: return patient_ ? patient_->draw(ui) : void();
    case KioskScreen::ended: return draw_ended(ui);
  }
}

void KioskFlow::draw_enrol(ui::Ui& ui) {
  ui::heading(ui, "Set up this tablet");
  ui::paragraph(ui, "Type the enrolment code your clinic's administrator gave you. It looks like "
                    "ABCD-EFGH-IJKL-MNOP-QRST-UVWX-YZ23-4567.");
  ui::text_field(ui, "Enrolment code", code_, kEnrolmentCodeMaxBytes);
  if (message_) ui::paragraph(ui, message_);
  if (ui::button(ui, busy_ ? "Enrolling..." : "Enrol this tablet", !busy_ && !ui::is_blank(code_))) enrol();
}

void KioskFlow::draw_idle(ui::Ui& ui) {
  ui::heading(ui, "Waiting for your visit");
  ui::paragraph(ui, "Welcome. Your care team will send your visit to this tablet; it will show here when it "
                    "is ready.");
  if (message_) ui::paragraph(ui, message_);
}

void KioskFlow::draw_ready(ui::Ui& ui) {
  ui::heading(ui, "Your visit is ready");
  ui::paragraph(ui, "Tap the button to start. You will check the camera and microphone, then type your name.");
  if (ui::button(ui, "Tap to start")) start_visit();
}

void KioskFlow::draw_ended(ui::Ui& ui) {
  ui::heading(ui, patient_ended_heading(ended_));
  ui::paragraph(ui, "Thank you. Everything from this visit has been erased from this tablet; it is ready for the "
                    "next person.");
  if (ui::button(ui, "Done")) {
    tessera_page_fullscreen();
    cycle_.dismiss(now());
    schedule_tick();
  }
}

}  // namespace tessera::client
