#include "shared/base64url.hpp"

#include <array>

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

}  // namespace

std::string base64url_encode(std::span<const std::uint8_t> bytes) {
  std::string out;
  out.reserve((bytes.size() * 4 + 2) / 3);
  std::size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const std::uint32_t v = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
  }
  const std::size_t rest = bytes.size() - i;
  if (rest == 1) {
    const std::uint32_t v = bytes[i] << 16;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
  } else if (rest == 2) {
    const std::uint32_t v = (bytes[i] << 16) | (bytes[i + 1] << 8);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
  }
  return out;
}

std::optional<std::vector<std::uint8_t>> base64url_decode(std::string_view text) {
  if (text.size() % 4 == 1) return std::nullopt;  // no byte count encodes to this length
  std::vector<std::uint8_t> out;
  out.reserve(text.size() * 3 / 4);
  std::uint32_t acc = 0;
  int bits = 0;
  for (const char c : text) {
    const std::int8_t v = kReverse[static_cast<unsigned char>(c)];
    if (v < 0) return std::nullopt;
    acc = (acc << 6) | static_cast<std::uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<std::uint8_t>((acc >> bits) & 0xff));
    }
  }
  // Leftover bits must be zero, or two strings would decode to the same bytes.
  if (bits > 0 && (acc & ((1u << bits) - 1)) != 0) return std::nullopt;
  return out;
}

std::optional<std::size_t> base64url_decoded_size(std::string_view text) {
  if (text.size() % 4 == 1) return std::nullopt;
  for (const char c : text)
    if (kReverse[static_cast<unsigned char>(c)] < 0) return std::nullopt;
  // The last character's low bits past the final byte must be zero (see base64url_decode).
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
  if (text.size() != (out.size() * 4 + 2) / 3) return fail();
  std::uint32_t acc = 0;
  int bits = 0;
  std::size_t n = 0;
  for (const char c : text) {
    const std::int8_t v = kReverse[static_cast<unsigned char>(c)];
    if (v < 0) return fail();
    acc = (acc << 6) | static_cast<std::uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[n++] = static_cast<std::uint8_t>((acc >> bits) & 0xff);
    }
  }
  const bool canonical = bits == 0 || (acc & ((1u << bits) - 1)) == 0;
  acc = 0;
  if (!canonical || n != out.size()) return fail();
  return true;
}

void base64url_encode_to(std::span<const std::uint8_t> bytes, std::span<char> out) {
  std::size_t o = 0;
  std::uint32_t acc = 0;
  int bits = 0;
  for (const std::uint8_t b : bytes) {
    acc = (acc << 8) | b;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out[o++] = kAlphabet[(acc >> bits) & 63];
    }
  }
  if (bits > 0) out[o++] = kAlphabet[(acc << (6 - bits)) & 63];
  acc = 0;
}

}  // namespace tessera
