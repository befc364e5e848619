#pragma once
// A clinic tablet's journey at /kiosk (docs/ARCHITECTURE.md, "Kiosks"):
//   enrol (type the administrator's one-time code; this tablet makes its
//   X25519 key pair, kept sealed in the bridge's vault on this device) ─>
//   "Waiting for your visit" (the inbox fetched every poll interval the
//   gateway states) ─a visit arrives─> "Your visit is ready — tap to start"
//   (fullscreen) ─> the patient's journey (PatientFlow: device check, name,
//   waiting room, call) ─> "your visit has ended" ─> the start screen.
// KioskCycle decides when; this class does it. After every visit (ended,
// denied, left, timed out, revoked) it wipes the visit: PatientFlow and the
// visit go (keys and names wiped as they are destroyed, media stopped), the
// page's typed input and ImGui's text state are wiped, the history entry is
// replaced and the tab's storage emptied, and the freed stack is zeroed
// (freed heap blocks are zeroed as they are freed: wasm/wiped_memory). The
// tablet's own key survives: it is the tablet, not the visit.
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "wasm/patient_flow.hpp"
#include "wasm/visit/kiosk_cycle.hpp"
#include "wasm/visit/kiosk_delivery.hpp"
#include "wasm/widgets.hpp"

namespace tessera::client {

// What a typed enrolment code may be: 26 base32 characters in groups of
// four with dashes, and some room for spaces.
inline constexpr std::size_t kEnrolmentCodeMaxBytes = 64;

class KioskFlow {
 public:
  // host: this page's host (and port). redraw: ask for frames. wipe_page:
  // wipes what the page layer holds of typed input (ClientApp's part).
  KioskFlow(std::string host, std::function<void()> redraw, std::function<void()> wipe_page);
  KioskFlow(const KioskFlow&) = delete;
  KioskFlow& operator=(const KioskFlow&) = delete;
  ~KioskFlow();

  void draw(ui::Ui& ui);
  [[nodiscard]] bool wants_side_panel() const { return patient_ && patient_->wants_side_panel(); }
  // Any touch, key or typing on the page: the patient is still there.
  void touched();

 private:
  // One visit the inbox handed over, still sealed.
  struct SealedItem {
    VisitId visit{};
    std::vector<std::uint8_t> sealed;
    std::int64_t expires = 0;  // unix seconds
  };

  void check_enrolment();
  void enrol();
  void on_enrolled(std::string_view reply);
  void on_not_enrolled(const char* why);
  void fetch_inbox();
  void on_inbox(int status, std::string_view body);
  void open_next_item();
  void start_visit();
  void on_patient_change();
  void wipe_visit();
  void schedule_tick(double delay_ms = 0);
  static void on_tick(void* user);
  void tick();

  void draw_enrol(ui::Ui& ui);
  void draw_idle(ui::Ui& ui);
  void draw_ready(ui::Ui& ui);
  void draw_ended(ui::Ui& ui);

  std::string host_;
  std::function<void()> redraw_;
  std::function<void()> wipe_page_;
  KioskCycle cycle_;
  bool checking_ = true;  // the tablet's key and enrolment are being looked up
  bool busy_ = false;
  const char* message_ = nullptr;  // under the current screen: what went wrong and what to do
  std::string code_;
  std::optional<KioskKeyPair> keys_;
  std::deque<SealedItem> inbox_;
  std::optional<LinkText> ready_link_;  // opened, waiting for the tap
  std::unique_ptr<PatientFlow> patient_;
  EndReason ended_ = EndReason::none;
  long timer_ = 0;
  double timer_at_ = 0;  // when timer_ fires, emscripten_get_now() ms
};

}  // namespace tessera::client
