#include "shared/base64url.hpp"

#include <array>
#include <cstring>

namespace tessera {
namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

constexpr std::array<std::int8_t, 256> make_reverse() {
  std::array<std::int8_t, 256> table{};
  for (auto& v : table) v = -1;
  for (int i = 0; i < 64; ++i) table[static_cast<unsigned char>(kAlphabet[i])] = static_cast<std::int8_t>(i);
  return table;
}
constexpr auto kReverse = make_reverse();

// Whether every character is in the alphabet, 16 at a time: the gateway
// checks every relayed envelope (~1.5 KB) with this. GCC/Clang vector
// extensions (SSE2 on x86-64; plain scalar code where a target has no SIMD).
bool all_in_alphabet(std::string_view text) {
  using Bytes = unsigned char __attribute__((vector_size(16)));
  constexpr std::size_t kLanes = sizeof(Bytes);
  std::size_t i = 0;
  for (; i + kLanes <= text.size(); i += kLanes) {
    Bytes c;
    std::memcpy(&c, text.data() + i, kLanes);
    // c | 0x20 folds A-Z onto a-z and nothing else onto a-z. Each lane of
    // `in` is all ones when its character is in the alphabet.
    const auto in = (((c | 0x20) - 'a') < 26) | ((c - '0') < 10) | (c == '-') | (c == '_');
    std::array<std::uint64_t, 2> words{};
    std::memcpy(words.data(), &in, kLanes);
    if ((words[0] & words[1]) != ~std::uint64_t{0}) return false;
  }
  for (; i < text.size(); ++i)
    if (kReverse[static_cast<unsigned char>(text[i])] < 0) return false;
  return true;
}

}  // namespace

std::string base64url_encode(std::span<const std::uint8_t> bytes) {
  std::string out(base64url_encoded_size(bytes.size()), '\0');
  base64url_encode_to(bytes, out);
  return out;
}

std::optional<std::vector<std::uint8_t>> base64url_decode(std::string_view text) {
  const auto size = base64url_decoded_size(text);
  if (!size) return std::nullopt;
  std::vector<std::uint8_t> out(*size);
  if (!base64url_decode_exact(text, out)) return std::nullopt;
  return out;
}

std::optional<std::size_t> base64url_decoded_size(std::string_view text) {
  if (text.size() % 4 == 1 || !all_in_alphabet(text)) return std::nullopt;  // no byte count encodes to 4k+1
  // Leftover bits in the last character must be zero, or two strings would decode to the same bytes.
  const std::size_t rest = text.size() % 4;
  if (rest != 0) {
    const auto last = static_cast<std::uint32_t>(kReverse[static_cast<unsigned char>(text.back())]);
    if ((last & (rest == 2 ? 0x0fu : 0x03u)) != 0) return std::nullopt;
  }
  return text.size() / 4 * 3 + (rest == 0 ? 0 : rest - 1);
}

bool base64url_decode_exact(std::string_view text, std::span<std::uint8_t> out) {
  // Decodes straight into out (no heap copy: out may be a secret). On failure
  // out is zeroed, so no partial secret is left behind.
  const auto fail = [&] {
    std::fill(out.begin(), out.end(), std::uint8_t{0});
    return false;
  };
  if (text.size() != base64url_encoded_size(out.size())) return fail();
  // Four characters to three bytes at a time; any character outside the
  // alphabet (-1 in kReverse) sets the top bit of `bad`. Plain pointers: the
  // byte stores could alias anything, so members would be reloaded each time.
  const auto* in = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t size = text.size();
  std::uint8_t* to = out.data();
  const auto value = [in](std::size_t i) { return static_cast<std::uint32_t>(kReverse[in[i]]); };
  std::uint32_t bad = 0, v = 0;
  std::size_t i = 0;
  for (; i + 4 <= size; i += 4, to += 3) {
    const std::uint32_t a = value(i), b = value(i + 1), c = value(i + 2), d = value(i + 3);
    bad |= a | b | c | d;
    v = (a << 18) | (b << 12) | (c << 6) | d;
    to[0] = static_cast<std::uint8_t>(v >> 16);
    to[1] = static_cast<std::uint8_t>(v >> 8);
    to[2] = static_cast<std::uint8_t>(v);
  }
  const std::size_t rest = size - i;  // 0, 2 or 3 (the size check excludes 1)
  if (rest >= 2) {
    const std::uint32_t a = value(i), b = value(i + 1), c = rest == 3 ? value(i + 2) : 0;
    bad |= a | b | c;
    v = (a << 18) | (b << 12) | (c << 6);
    // Leftover bits must be zero: the canonical encoding only.
    bad |= (rest == 2 ? (v & 0xffffu) : (v & 0xffu)) != 0 ? 0x80000000u : 0u;
    to[0] = static_cast<std::uint8_t>(v >> 16);
    if (rest == 3) to[1] = static_cast<std::uint8_t>(v >> 8);
  }
  v = 0;
  if ((bad & 0x80000000u) != 0) return fail();
  return true;
}

void base64url_encode_to(std::span<const std::uint8_t> bytes, std::span<char> out) {
  // Plain pointers, as in base64url_decode_exact.
  const std::uint8_t* in = bytes.data();
  const std::size_t size = bytes.size();
  char* to = out.data();
  std::uint32_t v = 0;
  std::size_t i = 0;
  for (; i + 3 <= size; i += 3, to += 4) {
    v = (std::uint32_t{in[i]} << 16) | (std::uint32_t{in[i + 1]} << 8) | in[i + 2];
    to[0] = kAlphabet[(v >> 18) & 63];
    to[1] = kAlphabet[(v >> 12) & 63];
    to[2] = kAlphabet[(v >> 6) & 63];
    to[3] = kAlphabet[v & 63];
  }
  const std::size_t rest = size - i;
  if (rest > 0) {
    v = (std::uint32_t{in[i]} << 16) | (rest == 2 ? std::uint32_t{in[i + 1]} << 8 : 0);
    to[0] = kAlphabet[(v >> 18) & 63];
    to[1] = kAlphabet[(v >> 12) & 63];
    if (rest == 2) to[2] = kAlphabet[(v >> 6) & 63];
  }
  v = 0;
}

}  // namespace tessera
