#pragma once
// The tab's title counts what waits for this person while they look at
// another tab ("(2) Tessera"): for a provider, the patients in the waiting
// room; for both sides of a call, the chat messages not seen yet (a hidden
// tab sees none). Updated from the visit's callbacks, which a background tab
// still gets, and written only when the count changes. Not on a kiosk,
// whose title is its own (KioskFlow).
#include <cstddef>
#include <optional>

namespace tessera::client {

class TabTitle {
 public:
  void show(std::size_t waiting_for_you);

 private:
  std::optional<std::size_t> shown_;
};

}  // namespace tessera::client
