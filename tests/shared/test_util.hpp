#pragma once
// Helpers for the shared/ suites: deterministic randomness and a ready-made
// visit, provider and guest with an established session.
#include <sodium.h>

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "shared/handshake.hpp"

namespace tessera_test {

// libsodium must be initialised once before use; any test may be first.
inline const int kSodiumReady = sodium_init();

// Bytes from randombytes_buf_deterministic with a seed made from a tag.
template <std::size_t N>
std::array<std::uint8_t, N> seeded(std::uint32_t tag) {
  std::array<std::uint8_t, randombytes_SEEDBYTES> seed{};
  for (int i = 0; i < 4; ++i) seed[i] = static_cast<std::uint8_t>(tag >> (8 * i));
  std::array<std::uint8_t, N> out{};
  randombytes_buf_deterministic(out.data(), N, seed.data());
  return out;
}

inline std::vector<std::uint8_t> bytes(std::string_view s) { return {s.begin(), s.end()}; }

// A provider visit, a guest and a provider session, handshake done.
struct Pair {
  tessera::ProviderVisit visit;
  tessera::Session provider;
  tessera::GuestHandshake guest;
  tessera::SessionKeys guest_keys;
  tessera::SessionKeys provider_keys;
  std::array<std::uint8_t, tessera::kProviderAcceptBytes> accept{};
};

inline Pair make_pair(std::uint32_t tag = 1, std::string_view name = "Ada") {
  using namespace tessera;
  Pair p{provider_visit_from_seed(seeded<kVisitSeedBytes>(tag * 10 + 1)),
         session_from_seed(seeded<kSessionSeedBytes>(tag * 10 + 2)),
         {}, {}, {}, {}};
  const VisitLink link = provider_visit_link(p.visit, "tessera.example");
  auto g = handshake_guest_start(link, session_from_seed(seeded<kSessionSeedBytes>(tag * 10 + 3)), name,
                                 seeded<kSeedBytes>(tag * 10 + 4));
  p.guest = std::move(g.value());
  auto waiting = handshake_provider_read_hello(p.visit, p.guest.hello);
  auto accepted = handshake_provider_accept(p.visit, p.provider, waiting.value());
  p.accept = accepted->accept;
  p.provider_keys = std::move(accepted->keys);
  p.guest_keys = std::move(handshake_guest_finish(p.guest, p.accept).value());
  return p;
}

}  // namespace tessera_test
