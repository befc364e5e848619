#pragma once
// A clinic kiosk's life between visits, as pure logic fed the time (no I/O,
// no clock, no globals), so tests drive it on a virtual clock:
//
//   enrol ─enrolled─> idle ("Waiting for your visit"; the inbox is fetched
//   every poll interval the gateway states)
//   idle ─a visit arrived─> ready ("Your visit is ready — tap to start")
//   ready ─tap─> journey (device check, name: idle screens; then the
//   waiting room and the call, which never time out)
//   journey ─visit over (ended, denied, left)─> ended ─tap or
//   kKioskEndedScreen─> idle
//   ready / journey before joining ─kKioskIdleTimeout without a touch─> idle
//   any ─not enrolled (revoked)─> enrol
//
// Every way out of a visit (ended, denied, left, timed out, revoked) asks
// the driver to wipe the visit once (take_wipe): keys and names erased,
// media stopped, visit storage and the history entry cleared. The tablet's
// own enrolment key is not visit data and survives.
#include <chrono>
#include <optional>

#include "wasm/visit/visit_types.hpp"

namespace tessera::client {

// How long a screen that waits for the patient (the ready screen, the device
// check, the name) stays without a touch before the kiosk wipes it and
// shows the start screen again: someone who walked away leaves nothing behind.
inline constexpr std::chrono::seconds kKioskIdleTimeout{120};
// How long "your visit has ended" shows before the start screen returns.
inline constexpr std::chrono::seconds kKioskEndedScreen{20};
// The inbox poll interval until the gateway states one (it sends poll_seconds).
inline constexpr std::chrono::seconds kKioskDefaultPoll{5};

enum class KioskScreen { enrol, idle, ready, journey, ended };

class KioskCycle {
 public:
  [[nodiscard]] KioskScreen screen() const { return screen_; }
  // In the journey: the patient has joined (waiting room or call).
  [[nodiscard]] bool in_visit() const { return in_visit_; }

  // ---- events
  // The gateway knows this tablet (enrolment done, or its key found on load).
  void enrolled(VisitTime now);
  // The gateway no longer knows it (revoked, never enrolled): enrol again.
  void not_enrolled();
  // The gateway's poll interval, from any inbox or enrolment answer.
  void set_poll_interval(std::chrono::seconds interval);
  // An inbox fetch answered (whatever it held).
  void inbox_fetched(VisitTime now);
  // A visit opened from the inbox. False unless the start screen shows: the
  // caller keeps it for later.
  [[nodiscard]] bool visit_arrived(VisitTime now);
  // The patient tapped "start" on the ready screen.
  void start(VisitTime now);
  // Any touch, key or typing: the patient is still there.
  void touch(VisitTime now);
  // The patient joined the waiting room (no idle timeout from here on).
  void joined();
  // The visit is over: ended, denied or left.
  void visit_over(VisitTime now);
  // "Done" on the ended screen.
  void dismiss(VisitTime now);
  void handle_timeout(VisitTime now);

  // ---- what to do
  // When to call handle_timeout next; nullopt: nothing is timed.
  [[nodiscard]] std::optional<VisitTime> poll_timeout() const;
  // True once after each way out of a visit: wipe it now.
  [[nodiscard]] bool take_wipe();
  // True once when the inbox is due: fetch it, then inbox_fetched().
  [[nodiscard]] bool take_fetch();

 private:
  void back_to_idle(VisitTime now);

  KioskScreen screen_ = KioskScreen::enrol;
  bool in_visit_ = false;
  bool wipe_ = false;
  bool fetch_ = false;
  bool fetching_ = false;
  std::chrono::seconds poll_interval_ = kKioskDefaultPoll;
  VisitTime next_fetch_{};
  VisitTime deadline_{};  // of the idle or ended screen
};

}  // namespace tessera::client
