// TOTP, base32 and otpauth URIs: see totp.hpp.
#include "gateway/totp.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sodium.h>

#include <array>

namespace tessera::gateway {
namespace {

constexpr std::string_view kBase32Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

int base32_value(char c) {
  if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  const auto at = kBase32Alphabet.find(c);
  return at == std::string_view::npos ? -1 : static_cast<int>(at);
}

// RFC 3986 unreserved characters pass; everything else is %XX.
std::string percent_encode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
        c == '_' || c == '~') {
      out.push_back(ch);
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xF]);
    }
  }
  return out;
}

}  // namespace

std::string base32_encode(std::span<const std::uint8_t> bytes) {
  std::string out;
  std::uint32_t buffer = 0;
  int bits = 0;
  for (const auto b : bytes) {
    buffer = (buffer << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out.push_back(kBase32Alphabet[(buffer >> (bits - 5)) & 0x1F]);
      bits -= 5;
    }
  }
  if (bits > 0) out.push_back(kBase32Alphabet[(buffer << (5 - bits)) & 0x1F]);
  while (out.size() % 8 != 0) out.push_back('=');
  return out;
}

std::optional<std::vector<std::uint8_t>> base32_decode(std::string_view text) {
  while (!text.empty() && text.back() == '=') text.remove_suffix(1);
  // Lengths mod 8 that a whole number of bytes can produce.
  const auto rest = text.size() % 8;
  if (rest == 1 || rest == 3 || rest == 6) return std::nullopt;
  std::vector<std::uint8_t> out;
  std::uint32_t buffer = 0;
  int bits = 0;
  for (const char c : text) {
    const int v = base32_value(c);
    if (v < 0) return std::nullopt;
    buffer = (buffer << 5) | static_cast<std::uint32_t>(v);
    bits += 5;
    if (bits >= 8) {
      out.push_back(static_cast<std::uint8_t>(buffer >> (bits - 8)));
      bits -= 8;
    }
  }
  if ((buffer & ((1u << bits) - 1)) != 0) return std::nullopt;  // a canonical encoding only
  return out;
}

std::string hotp_code(std::span<const std::uint8_t> key, std::uint64_t counter, int digits) {
  std::array<std::uint8_t, 8> message{};
  for (int i = 7; i >= 0; --i) {
    message[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(counter & 0xFF);
    counter >>= 8;
  }
  std::array<std::uint8_t, EVP_MAX_MD_SIZE> mac{};
  unsigned int mac_len = 0;
  if (HMAC(EVP_sha1(), key.data(), static_cast<int>(key.size()), message.data(), message.size(), mac.data(),
           &mac_len) == nullptr ||
      mac_len != 20) {
    std::abort();  // SHA1 HMAC cannot fail with valid arguments
  }
  const auto offset = static_cast<std::size_t>(mac[19] & 0x0F);
  std::uint32_t value = (static_cast<std::uint32_t>(mac[offset] & 0x7F) << 24) |
                        (static_cast<std::uint32_t>(mac[offset + 1]) << 16) |
                        (static_cast<std::uint32_t>(mac[offset + 2]) << 8) | mac[offset + 3];
  sodium_memzero(mac.data(), mac.size());
  std::string code(static_cast<std::size_t>(digits), '0');
  for (int i = digits - 1; i >= 0; --i) {
    code[static_cast<std::size_t>(i)] = static_cast<char>('0' + value % 10);
    value /= 10;
  }
  return code;
}

std::uint64_t totp_step(std::int64_t unix_seconds) {
  return unix_seconds < 0 ? 0 : static_cast<std::uint64_t>(unix_seconds / kTotpStepSeconds);
}

std::optional<std::uint64_t> totp_verify(std::span<const std::uint8_t, kTotpSeedBytes> seed, std::string_view code,
                                         std::int64_t unix_seconds, std::uint64_t last_used_step) {
  const bool well_formed = code.size() == static_cast<std::size_t>(kTotpDigits);
  const auto now = totp_step(unix_seconds);
  std::optional<std::uint64_t> matched;
  for (auto delta = -kTotpWindowSteps; delta <= kTotpWindowSteps; ++delta) {
    if (delta < 0 && now < static_cast<std::uint64_t>(-delta)) continue;
    const auto step = static_cast<std::uint64_t>(static_cast<std::int64_t>(now) + delta);
    auto expected = hotp_code(seed, step, kTotpDigits);
    const bool same = well_formed && sodium_memcmp(expected.data(), code.data(), expected.size()) == 0;
    sodium_memzero(expected.data(), expected.size());
    if (same && step > last_used_step) matched = step;
  }
  return matched;
}

std::string otpauth_uri(std::string_view issuer, std::string_view login, std::span<const std::uint8_t> seed) {
  auto secret = base32_encode(seed);
  while (!secret.empty() && secret.back() == '=') secret.pop_back();
  const auto iss = percent_encode(issuer);
  return "otpauth://totp/" + iss + ":" + percent_encode(login) + "?secret=" + secret + "&issuer=" + iss +
         "&algorithm=SHA1&digits=" + std::to_string(kTotpDigits) + "&period=" + std::to_string(kTotpStepSeconds);
}

}  // namespace tessera::gateway
