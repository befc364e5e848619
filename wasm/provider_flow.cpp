#include "wasm/provider_flow.hpp"

#include <imgui.h>
#include <sodium.h>

#include <chrono>
#include <nlohmann/json.hpp>

#include "wasm/api_request.hpp"
#include "wasm/bridge.hpp"
#include "wasm/call_view.hpp"

namespace tessera::client {
namespace {

VisitTime now() { return std::chrono::steady_clock::now(); }

constexpr const char* kVaultVisit = "visit";

void wipe(std::string& s) {
  sodium_memzero(s.data(), s.size());
  s.clear();
}

// The string member `name` of a JSON object text, or "".
std::string json_string(std::string_view body, const char* name) {
  const auto j = nlohmann::json::parse(body, nullptr, false);
  if (!j.is_object() || !j.contains(name) || !j[name].is_string()) return "";
  return j[name].get<std::string>();
}

std::string session_label(const SessionId& s) {
  std::string out;
  for (auto b : s) out += static_cast<char>('a' + (b & 0x0F));
  return out;
}

}  // namespace

std::string page_host(std::string_view href) {
  const auto scheme = href.find("://");
  if (scheme == std::string_view::npos) return "";
  href.remove_prefix(scheme + 3);
  return std::string(href.substr(0, href.find_first_of("/?#")));
}

ProviderFlow::ProviderFlow(std::string host, std::function<void()> redraw)
    : redraw_(std::move(redraw)), host_(std::move(host)), media_(redraw_), alerts_(redraw_) {
  // Already signed in (a reload): the session answers with its CSRF token.
  api_request("GET", "/api/session", "", "", [this](int status, std::string_view body) {
    csrf_ = status == 200 && json_string(body, "role") == "provider" ? json_string(body, "csrf") : "";
    if (!csrf_.empty()) login_ = json_string(body, "login");
    if (csrf_.empty()) {
      step_ = Step::sign_in;
      return redraw_();
    }
    on_signed_in();
  });
}

// A visit this tab had open before a reload comes back from the vault.
void ProviderFlow::on_signed_in() {
  step_ = Step::checking;
  tessera_vault_load(kVaultVisit, tessera_vault_tab, this, [](void* user, const std::uint8_t* bytes, int size) {
    auto* self = static_cast<ProviderFlow*>(user);
    if (bytes && size == static_cast<int>(kVisitSeedBytes)) {
      self->visit_seed_.emplace(std::span<const std::uint8_t, kVisitSeedBytes>(bytes, kVisitSeedBytes));
      return self->open_visit();
    }
    self->step_ = Step::start;
    self->redraw_();
  });
}

ProviderFlow::~ProviderFlow() {
  wipe(password_);
  wipe(code_);
  wipe(in_call_name_);
}

// ---------------------------------------------------------------------------
// actions

void ProviderFlow::sign_in() {
  busy_ = true;
  error_ = nullptr;
  nlohmann::json body = {{"login", login_}, {"password", password_}, {"code", code_}};
  std::string text = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  wipe(password_);
  wipe(code_);
  api_request("POST", "/api/session", text, "", [this](int status, std::string_view reply) {
    busy_ = false;
    if (status == 200 && json_string(reply, "role") == "provider") {
      csrf_ = json_string(reply, "csrf");
      tessera_page_announce("Signed in.");
      on_signed_in();
    } else if (status == 200) {
      error_ = "This account is not a provider's. Sign in with a provider account to hold visits.";
    } else if (status == 429) {
      error_ = "Too many attempts from this device. Wait a few minutes, then try again.";
    } else if (status == 404 || status == 405) {  // a gateway without accounts (no --data)
      error_ = "This server does not offer sign-in. Ask your clinic's administrator to set up accounts.";
    } else if (status == 0) {
      error_ = "The clinic's server could not be reached. Check your connection and try again.";
    } else {
      error_ = "Sign-in failed. Check your login, password and the current code from your authenticator app.";
    }
    if (error_) tessera_page_announce(error_);
    redraw_();
  });
  sodium_memzero(text.data(), text.size());
}

void ProviderFlow::sign_out() {
  api_request("DELETE", "/api/session", "", csrf_, [](int, std::string_view) {});
  csrf_.clear();
  tessera_vault_erase(kVaultVisit, tessera_vault_tab);
  shares_.forget();  // a live share's content goes with the session
  step_ = Step::sign_in;
}

void ProviderFlow::create_visit() {
  alerts_.unlock_sound();  // a button press: arrival chimes may play from now on
  visit_seed_.emplace();
  randombytes_buf(visit_seed_->data(), visit_seed_->size());
  const std::string id = visit_id_format(provider_visit_from_seed(visit_seed_->span()).visit_id);
  busy_ = true;
  error_ = nullptr;
  const nlohmann::json body = {{"visit", id}};
  api_request("POST", "/api/visits", body.dump(), csrf_, [this](int status, std::string_view) {
    busy_ = false;
    if (status == 201) {
      tessera_vault_store(kVaultVisit, tessera_vault_tab, visit_seed_->data(), static_cast<int>(visit_seed_->size()));
      return open_visit();
    }
    visit_seed_.reset();
    if (status == 401) {
      step_ = Step::sign_in;
      error_ = "You were signed out. Please sign in again.";
    } else {
      error_ = "The visit could not be created. Try again; if it keeps failing, ask your clinic's administrator.";
    }
    tessera_page_announce(error_);
    redraw_();
  });
}

void ProviderFlow::open_visit() {
  VisitKeys keys = provider_visit_from_seed(visit_seed_->span());
  visit_seed_.reset();
  auto link = visit_link_format(provider_visit_link(keys, host_));
  if (!link) {
    tessera_vault_erase(kVaultVisit, tessera_vault_tab);
    step_ = Step::start;
    error_ = "This page's address cannot be used in a visit link. Open Tessera at its https:// address.";
    return redraw_();
  }
  link_.set(std::move(link.value()));
  visit_id_ = visit_id_format(keys.visit_id);
  said_waiting_ = 0;
  said_phase_.reset();
  std::array<std::uint8_t, kSeedBytes> seed{};
  randombytes_buf(seed.data(), seed.size());
  ProviderVisit visit(std::move(keys), "wss://" + host_ + kSignalingPath, "", seed);
  sodium_memzero(seed.data(), seed.size());
  step_ = Step::visit;
  visit_ = std::make_unique<VisitDriver<ProviderVisit>>(std::move(visit), [this] { on_visit_change(); });
  visit_->visit().set_local_media(local_media_state(media_), now());  // muted in an earlier visit
  visit_->pump();
  media_.start();  // the camera is ready before anyone is admitted
  kiosks_.refresh();
}

void ProviderFlow::end_visit() {
  visit_->visit().end_visit(now());
  visit_->pump();
  api_request("POST", "/api/visits/" + visit_id_ + "/end", "", csrf_, [](int, std::string_view) {});
}

// Patients waiting and chat messages not seen yet.
void ProviderFlow::show_title() { title_.show(visit_->visit().waiting().size() + visit_->unread()); }

void ProviderFlow::on_visit_change() {
  const ProviderVisit& v = visit_->visit();
  const std::size_t waiting = v.waiting().size();
  if (waiting != said_waiting_) {
    alerts_.waiting_changed(said_waiting_, waiting);
    said_waiting_ = waiting;
  }
  show_title();
  call_view_.announce(v, in_call_name_);
  const VisitPhase phase = v.phase();
  if (phase != said_phase_) {
    const bool first = !said_phase_;
    said_phase_ = phase;
    switch (phase) {
      case VisitPhase::waiting_room:
        if (!first) tessera_page_announce(v.guest_left() ? "The patient left the call." : "Waiting room open.");
        break;
      case VisitPhase::in_call: tessera_page_announce("The call has started."); break;
      case VisitPhase::ended:
        tessera_vault_erase(kVaultVisit, tessera_vault_tab);  // the visit's secrets go with it
        tessera_page_announce("The visit has ended.");
        media_.stop();
        notes_.clear();
        wipe(in_call_name_);
        break;
      default: break;
    }
  }
  if (v.reconnecting() != said_reconnecting_) {
    said_reconnecting_ = v.reconnecting();
    if (said_reconnecting_) tessera_page_announce("The connection to the server dropped. Reconnecting.");
    else tessera_page_announce(v.without_gateway() ? "The server restarted. The call goes on." : "Connected again.");
  }
  redraw_();
}

// ---------------------------------------------------------------------------
// screens

void ProviderFlow::draw(ui::Ui& ui) {
  switch (step_) {
    case Step::checking: ui::heading(ui, "Tessera"); return ui::paragraph(ui, "Checking your sign-in...");
    case Step::sign_in: return draw_sign_in(ui);
    case Step::start: return draw_start(ui);
    case Step::visit: return visit_->visit().phase() == VisitPhase::ended ? draw_ended(ui) : draw_visit(ui);
    case Step::shares:
      if (!shares_.draw(ui)) step_ = Step::start;
      return;
  }
}

void ProviderFlow::draw_sign_in(ui::Ui& ui) {
  ui::heading(ui, "Sign in to Tessera");
  ui::paragraph(ui, "For clinic staff. Patients join from the link their clinic sent them.");
  ui::text_field(ui, "Login", login_, kLoginMaxBytes, ui::FieldKind::username);
  ui::text_field(ui, "Password", password_, kPasswordMaxBytes, ui::FieldKind::password);
  ui::text_field(ui, "Code from your authenticator app", code_, kTotpCodeMaxBytes, ui::FieldKind::one_time_code);
  if (error_) ui::paragraph(ui, error_);
  const bool ready = !busy_ && !ui::is_blank(login_) && !password_.empty() && code_.size() == kTotpCodeMaxBytes;
  if (ui::button(ui, busy_ ? "Signing in..." : "Sign in", ready)) sign_in();
}

void ProviderFlow::draw_start(ui::Ui& ui) {
  ui::heading(ui, "Start a visit");
  ui::paragraph(ui, "Create a visit, then send its link to your patient. The link's secret part is made in this "
                    "browser and never reaches the server.");
  if (error_) ui::paragraph(ui, error_);
  if (ui::button(ui, busy_ ? "Creating..." : "Create a visit", !busy_)) create_visit();
  ImGui::SameLine();
  if (ui::button(ui, "Share a note or file", !busy_)) {
    shares_.enter(csrf_, login_);
    step_ = Step::shares;
  }
  ImGui::SameLine();
  if (ui::button(ui, "Sign out", !busy_)) sign_out();
}

void ProviderFlow::draw_link(ui::Ui& ui) {
  ui::paragraph(ui, "Send this link to your patient, or let them scan the code with their phone's camera:");
  link_.draw(ui, "QR code of the patient link");
  kiosks_.draw(ui, link_.link(), visit_id_, csrf_);
}

void ProviderFlow::draw_waiting_list(ui::Ui& ui) {
  ProviderVisit& v = visit_->visit();
  if (v.waiting().empty()) {
    if (!v.in_call_with()) ui::paragraph(ui, v.guest_left() ? "The patient left the call. Nobody is waiting." :
                                                                  "Nobody is waiting yet.");
    return;
  }
  ui::heading(ui, "Waiting", 2);
  // Actions change the list: act after drawing it.
  std::optional<SessionId> admit, deny, note;
  for (const WaitingEntry& e : v.waiting()) {
    const std::string name(e.guest.name.view());
    const std::string tag = "##" + session_label(e.guest.session);
    const auto minutes = std::chrono::duration_cast<std::chrono::minutes>(now() - e.arrived).count();
    ui::paragraph(ui, (name + ": " + waited_text("has", minutes)).c_str());
    if (ui::button(ui, ("Admit " + name + tag).c_str(), !v.in_call_with())) admit = e.guest.session;
    ImGui::SameLine();
    if (ui::button(ui, ("Deny " + name + tag).c_str())) deny = e.guest.session;
    std::string& text = notes_[e.guest.session];
    ui::text_field(ui, ("Note for " + name + tag).c_str(), text, kNoteMaxBytes);
    if (ui::button(ui, ("Send note to " + name + tag).c_str(), !ui::is_blank(text))) note = e.guest.session;
  }
  if (admit) {
    for (const WaitingEntry& e : v.waiting())
      if (e.guest.session == *admit) in_call_name_ = std::string(e.guest.name.view());
    if (v.admit(*admit, now())) notes_.erase(*admit);
  }
  if (deny && v.deny(*deny, now())) notes_.erase(*deny);
  if (note) {
    if (v.send_note(*note, notes_[*note], now())) {
      notes_[*note].clear();
      tessera_page_announce("Note sent.");
    } else {
      tessera_page_announce("The note could not be sent. Use up to 280 letters, without special symbols.");
    }
  }
  if (admit || deny || note) visit_->pump();
}

void ProviderFlow::draw_visit(ui::Ui& ui) {
  ProviderVisit& v = visit_->visit();
  if (v.in_call_with()) {
    ui::heading(ui, ("Visit with " + in_call_name_).c_str());
    if (call_view_.draw(ui, v, visit_->ice_state(), visit_->quality(), media_, "Your patient", in_call_name_)) {
      v.set_local_media(local_media_state(media_), now());
      visit_->pump();
    }
    if (VisitChatDriver* chat = visit_->chat()) {
      chat_view_.draw(ui, *chat, in_call_name_);
      show_title();  // seen now, or not
    } else {
      chat_view_.hide();
    }
  } else {
    chat_view_.hide();
    ui::heading(ui, "Waiting room");
    if (v.reconnecting()) ui::paragraph(ui, "The connection to the server dropped. Reconnecting...");
    draw_link(ui);
    ui::paragraph(ui, alerts_.status_words());
    if (alerts_.can_ask() && ui::button(ui, "Alert me when a patient arrives")) alerts_.ask_permission();
  }
  if (ui::button(ui, "End visit")) end_visit();
  draw_waiting_list(ui);
}

bool ProviderFlow::wants_side_panel() const { return step_ == Step::visit && visit_ && visit_->chat(); }

void ProviderFlow::draw_ended(ui::Ui& ui) {
  ui::heading(ui, "The visit has ended");
  ui::paragraph(ui, "The link no longer works. Everything about this visit was erased from this page.");
  if (ui::button(ui, "Start another visit")) {
    visit_.reset();
    link_.clear();
    visit_id_.clear();
    step_ = Step::start;
  }
}

}  // namespace tessera::client
