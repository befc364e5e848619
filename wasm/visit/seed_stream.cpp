#include "wasm/visit/seed_stream.hpp"

#include <sodium.h>

#include <array>

namespace tessera::client {

SeedStream::SeedStream(std::span<const std::uint8_t, kSeedBytes> seed) : key_(seed) {}

void SeedStream::fill(std::span<std::uint8_t> out) {
  std::array<std::uint8_t, 8> n{};
  store_be64(n.data(), counter_++);
  const Key draw = protocol_kdf(key_.span(), "tessera/client/draw", {n});
  randombytes_buf_deterministic(out.data(), out.size(), draw.data());
}

SeedStream SeedStream::child(std::string_view label) {
  const Key seed = protocol_kdf(key_.span(), label, {});
  return SeedStream(seed.span());
}

}  // namespace tessera::client
