#pragma once
// When to try the signaling WebSocket again after it dropped: 0.5 s, then
// doubling up to 15 s, each delay drawn uniformly from [nominal/2, nominal]
// ("equal jitter") so that a gateway restart is not met by every client at
// the same instant. Pure: the jitter comes from a seed, the caller adds the
// delay to its own clock.
#include <chrono>
#include <cstdint>
#include <span>

#include "shared/protocol.hpp"
#include "shared/secret.hpp"
#include "wasm/visit/visit_types.hpp"

namespace tessera::client {

inline constexpr VisitDuration kReconnectFirstDelay = std::chrono::milliseconds(500);
inline constexpr VisitDuration kReconnectMaxDelay = std::chrono::seconds(15);

class ReconnectBackoff {
 public:
  explicit ReconnectBackoff(std::span<const std::uint8_t, kSeedBytes> jitter_seed);

  // The delay before the next attempt; each call counts one attempt.
  [[nodiscard]] VisitDuration next_delay();
  // Connected again: the next drop starts from the first delay.
  void reset() { attempt_ = 0; }
  [[nodiscard]] std::uint32_t attempts() const { return attempt_; }

 private:
  Key seed_;
  std::uint32_t attempt_ = 0;
  std::uint64_t draws_ = 0;  // never repeats, so no two delays share jitter
};

}  // namespace tessera::client
