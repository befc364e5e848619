#pragma once
// When a quiet signaling connection is pinged and when it is given up, counted
// in sweeps rather than timed per read: the hub sweeps every connection every
// idle_timeout / 4 (SignalingHub), and a read only sets a flag. Beast's own
// idle timer re-arms on every read, a timer cancel and a completion per
// relayed message; this costs a store.
//   silent for 2 sweeps (at least idle_timeout / 2): ping (browsers answer by themselves)
//   silent for 4 sweeps (at least idle_timeout):     drop the connection
// Anything read counts as heard: a message, a ping, a pong.
#include <cstdint>

namespace tessera::gateway {

enum class KeepAliveStep : std::uint8_t { nothing, ping, drop };

class KeepAlive {
 public:
  static constexpr std::uint8_t kSweepsBeforePing = 2;
  static constexpr std::uint8_t kSweepsBeforeDrop = 4;
  static constexpr int kSweepsPerIdleTimeout = kSweepsBeforeDrop;

  void heard() { heard_ = true; }

  // One sweep: what to do to this connection now.
  [[nodiscard]] KeepAliveStep sweep() {
    if (heard_) {
      heard_ = false;
      silent_sweeps_ = 0;
      return KeepAliveStep::nothing;
    }
    if (silent_sweeps_ < kSweepsBeforeDrop) ++silent_sweeps_;
    if (silent_sweeps_ == kSweepsBeforePing) return KeepAliveStep::ping;
    if (silent_sweeps_ == kSweepsBeforeDrop) return KeepAliveStep::drop;
    return KeepAliveStep::nothing;
  }

 private:
  bool heard_ = false;
  std::uint8_t silent_sweeps_ = 0;
};

}  // namespace tessera::gateway
