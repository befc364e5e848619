#include "wasm/visit/reconnect_backoff.hpp"

#include <algorithm>
#include <array>

namespace tessera::client {

ReconnectBackoff::ReconnectBackoff(std::span<const std::uint8_t, kSeedBytes> jitter_seed) : seed_(jitter_seed) {}

VisitDuration ReconnectBackoff::next_delay() {
  // Doubling stops at the cap; 2^5 x 0.5 s already exceeds 15 s.
  const std::uint32_t doublings = std::min<std::uint32_t>(attempt_, 5);
  ++attempt_;
  const VisitDuration nominal = std::min(kReconnectMaxDelay, kReconnectFirstDelay * (1 << doublings));

  std::array<std::uint8_t, 8> n{};
  store_be64(n.data(), draws_++);
  const Key r = protocol_kdf(seed_.span(), "tessera/client/backoff", {n});
  // 53 bits of the draw as a fraction in [0, 1).
  const double u = static_cast<double>(load_be64(r.data()) >> 11) / static_cast<double>(std::uint64_t{1} << 53);
  const auto half = nominal / 2;
  return half + std::chrono::duration_cast<VisitDuration>(half * u);
}

}  // namespace tessera::client
