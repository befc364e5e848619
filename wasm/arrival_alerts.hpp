#pragma once
// How the provider learns that a patient is waiting while looking at another
// tab: a short chime (once a button press has let the page make sound), a
// system notification where the provider allowed them, and (TabTitle) the
// count in the tab title. The notification says only "A patient is
// waiting": it may show on a lock screen, so never a name. Everything runs
// from the visit's socket callbacks, which a background tab still gets.
#include <cstddef>
#include <functional>

namespace tessera::client {

inline constexpr const char* kArrivalNotice = "A patient is waiting";

class ArrivalAlerts {
 public:
  explicit ArrivalAlerts(std::function<void()> on_change) : on_change_(std::move(on_change)) {}
  ArrivalAlerts(const ArrivalAlerts&) = delete;
  ArrivalAlerts& operator=(const ArrivalAlerts&) = delete;

  // From a button press: the page may make sound from now on.
  void unlock_sound();
  // From a button press: ask the browser for notifications (and unlock sound).
  void ask_permission();
  // The number waiting changed; more than before is an arrival.
  void waiting_changed(std::size_t before, std::size_t now);

  // Whether to offer the "Alert me" button, and what to say instead.
  [[nodiscard]] bool can_ask() const;
  [[nodiscard]] const char* status_words() const;

 private:
  static void on_permission(void* user, int permission);

  std::function<void()> on_change_;
  bool asking_ = false;
};

}  // namespace tessera::client
