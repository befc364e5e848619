#pragma once
// The provider's journey in the browser:
//   sign in (login, password, authenticator code; an existing session is
//   found on load) ─> start a visit (this browser makes the visit id, link
//   secret and visit key; the gateway learns the id only) ─> the patient link
//   with a copy button and its QR code ─> waiting room (names opened from sealed hellos;
//   admit, deny, send a note) ─> call ─> end visit.
// Beside visits: "Share a note or file" (ShareDesk), a temporary link to one
// note or file for a patient.
// The visit's secret (the 80-byte seed its id, link secret and key come from)
// is kept sealed in the bridge's vault while the visit is open, so a reload
// of the tab opens the same visit again as a new session (PROTOCOL.md §11.4)
// and still sees who waits; it is erased when the visit ends.
// The visit itself is ProviderVisit, run by a VisitDriver. Arrivals are
// announced from socket callbacks (live region, tab title, chime, system
// notification: ArrivalAlerts), so a background tab still tells.
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "shared/handshake.hpp"
#include "shared/qr_code.hpp"
#include "shared/visit_link.hpp"
#include "wasm/arrival_alerts.hpp"
#include "wasm/call_view.hpp"
#include "wasm/kiosk_sender.hpp"
#include "wasm/link_panel.hpp"
#include "wasm/share_desk.hpp"
#include "wasm/tab_title.hpp"
#include "wasm/local_media.hpp"
#include "wasm/chat_view.hpp"
#include "wasm/visit_driver.hpp"
#include "wasm/visit/provider_visit.hpp"
#include "wasm/widgets.hpp"

namespace tessera::client {

inline constexpr std::size_t kLoginMaxBytes = 64;
inline constexpr std::size_t kPasswordMaxBytes = 1024;  // the gateway's limit
inline constexpr std::size_t kTotpCodeMaxBytes = 6;

class ProviderFlow {
 public:
  // host: this page's host (and port), where the gateway serves /api/ and /signal.
  ProviderFlow(std::string host, std::function<void()> redraw);
  ProviderFlow(const ProviderFlow&) = delete;
  ProviderFlow& operator=(const ProviderFlow&) = delete;
  ~ProviderFlow();

  void draw(ui::Ui& ui);
  // A call with its chat is on: a wide screen gives the chat a column of its own.
  [[nodiscard]] bool wants_side_panel() const;

 private:
  enum class Step { checking, sign_in, start, visit, shares };

  void on_signed_in();
  void sign_in();
  void sign_out();
  void create_visit();
  void open_visit();  // from visit_seed_
  void end_visit();
  void on_visit_change();
  void show_title();

  void draw_sign_in(ui::Ui& ui);
  void draw_start(ui::Ui& ui);
  void draw_visit(ui::Ui& ui);
  void draw_link(ui::Ui& ui);
  void draw_waiting_list(ui::Ui& ui);
  void draw_ended(ui::Ui& ui);

  std::function<void()> redraw_;
  std::string host_;
  Step step_ = Step::checking;
  bool busy_ = false;
  const char* error_ = nullptr;
  std::string login_, password_, code_;
  std::string csrf_;  // the session's CSRF token, for state-changing requests
  LocalMedia media_;
  std::optional<Secret<kVisitSeedBytes>> visit_seed_;  // between "create" (or a reload) and opening
  std::string visit_id_;
  LinkPanel link_;  // the patient link, its QR code and "Copy link"
  KioskSender kiosks_{redraw_};  // "send to a kiosk", beside the link
  std::unique_ptr<VisitDriver<ProviderVisit>> visit_;
  std::map<SessionId, std::string> notes_;  // what the provider is typing to each waiting guest
  std::string in_call_name_;                // the admitted guest's name, for the screen
  std::size_t said_waiting_ = 0;
  std::optional<VisitPhase> said_phase_;
  bool said_reconnecting_ = false;
  CallView call_view_;
  ChatView chat_view_;
  ArrivalAlerts alerts_;
  TabTitle title_;
  ShareDesk shares_{host_, redraw_};  // "Share a note or file"
};

// The host (and port) of an https:// or http:// address, or "" if there is none.
[[nodiscard]] std::string page_host(std::string_view href);

}  // namespace tessera::client
