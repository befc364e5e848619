#pragma once
// Helpers shared by the libFuzzer targets in tests/fuzz/ and by the seed
// generator (make_seeds.cpp): fixed keys and identities, so that seeds made
// by the generator are inputs the targets can open, and a reference UTF-8
// checker for differential tests of shared/text.hpp.
//
// Every fixture is derived with randombytes_buf_deterministic from a one-byte
// tag, so the generator and the targets agree without sharing files.
#include <sodium.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <string_view>

#include "shared/protocol.hpp"

// A property of the code under test does not hold: report and stop, so
// libFuzzer saves the input as a crash artifact.
#define FUZZ_CHECK(cond)                                                          \
  do {                                                                            \
    if (!(cond)) {                                                                \
      std::fprintf(stderr, "%s:%d: property violated: %s\n", __FILE__, __LINE__, #cond); \
      __builtin_trap();                                                           \
    }                                                                             \
  } while (0)

namespace tessera::fuzz {

inline void init() {
  if (sodium_init() < 0) {
    std::fprintf(stderr, "sodium_init failed\n");
    std::abort();
  }
}

// Fixed pseudo-random bytes for fixture `tag`.
template <std::size_t N>
std::array<std::uint8_t, N> fixed_bytes(std::uint8_t tag) {
  std::array<std::uint8_t, randombytes_SEEDBYTES> seed{};
  seed[0] = tag;
  std::array<std::uint8_t, N> out{};
  randombytes_buf_deterministic(out.data(), N, seed.data());
  return out;
}

inline Key fixed_key(std::uint8_t tag) {
  const auto b = fixed_bytes<kKeyBytes>(tag);
  return Key(std::span<const std::uint8_t, kKeyBytes>(b));
}

// Fixture tags, one per use.
namespace tag {
inline constexpr std::uint8_t visit_seed = 1;        // ProviderVisit
inline constexpr std::uint8_t guest_session = 2;     // guest Session seed
inline constexpr std::uint8_t provider_session = 3;  // provider Session seed
inline constexpr std::uint8_t name_seal = 4;         // seal seed of the guest's name
inline constexpr std::uint8_t note_seal = 5;         // seal seed of notes
inline constexpr std::uint8_t envelope_key = 6;
inline constexpr std::uint8_t chat_key = 7;
inline constexpr std::uint8_t file_key = 8;
inline constexpr std::uint8_t file_id = 9;
inline constexpr std::uint8_t safety = 10;
inline constexpr std::uint8_t visit_id = 11;
inline constexpr std::uint8_t sender_session = 12;
inline constexpr std::uint8_t recipient_session = 13;
inline constexpr std::uint8_t share_secret = 14;      // a share link's secret
inline constexpr std::uint8_t share_id = 15;
}  // namespace tag

inline std::string_view as_text(std::span<const std::uint8_t> b) {
  return {reinterpret_cast<const char*>(b.data()), b.size()};
}

// Reference UTF-8 check, written from the Unicode Standard's table of
// well-formed byte sequences (Table 3-7), independently of shared/text.cpp.
inline bool reference_utf8(std::span<const std::uint8_t> s, bool printable) {
  std::size_t i = 0;
  while (i < s.size()) {
    const std::uint8_t c = s[i];
    std::size_t n = 0;
    std::uint8_t lo = 0x80, hi = 0xBF;  // range of the second byte
    if (c <= 0x7F) n = 1;
    else if (c >= 0xC2 && c <= 0xDF) n = 2;
    else if (c == 0xE0) n = 3, lo = 0xA0;
    else if ((c >= 0xE1 && c <= 0xEC) || c == 0xEE || c == 0xEF) n = 3;
    else if (c == 0xED) n = 3, hi = 0x9F;
    else if (c == 0xF0) n = 4, lo = 0x90;
    else if (c >= 0xF1 && c <= 0xF3) n = 4;
    else if (c == 0xF4) n = 4, hi = 0x8F;
    else return false;
    if (s.size() - i < n) return false;
    if (n > 1 && (s[i + 1] < lo || s[i + 1] > hi)) return false;
    for (std::size_t k = 2; k < n; ++k)
      if (s[i + k] < 0x80 || s[i + k] > 0xBF) return false;
    if (printable) {
      if (n == 1 && (c < 0x20 || c == 0x7F)) return false;
      if (n == 2 && c == 0xC2 && s[i + 1] <= 0x9F) return false;  // C1: U+0080..U+009F
    }
    i += n;
  }
  return true;
}

}  // namespace tessera::fuzz
