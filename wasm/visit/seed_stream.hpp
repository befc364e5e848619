#pragma once
// Deterministic randomness from one seed. A visit is given one 32-byte seed
// (randombytes_buf in the browser, a fixed value in tests) and draws every
// random value it needs from it: session ids and keys, sealed-box seeds,
// resume secrets, safety nonces, reconnect jitter. Each draw is
//   randombytes_buf_deterministic(KDF(seed, "tessera/client/draw", u64(n)))
// for a counter n that never repeats, so no two draws share output.
#include <cstdint>
#include <span>
#include <string_view>

#include "shared/protocol.hpp"
#include "shared/secret.hpp"

namespace tessera::client {

class SeedStream {
 public:
  explicit SeedStream(std::span<const std::uint8_t, kSeedBytes> seed);

  void fill(std::span<std::uint8_t> out);
  template <std::size_t N>
  [[nodiscard]] Secret<N> draw() {
    Secret<N> s;
    fill(s.span());
    return s;
  }
  // An independent stream for one consumer, named by label (use each label once).
  [[nodiscard]] SeedStream child(std::string_view label);

 private:
  Key key_;
  std::uint64_t counter_ = 0;
};

}  // namespace tessera::client
