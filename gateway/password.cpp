// Argon2id password hashes: see password.hpp.
#include "gateway/password.hpp"

#include <sodium.h>

#include <array>

namespace tessera::gateway {
namespace {

constexpr auto kOpsLimit = crypto_pwhash_OPSLIMIT_INTERACTIVE;
constexpr auto kMemLimit = crypto_pwhash_MEMLIMIT_INTERACTIVE;

// UTF-8 code points: every byte that does not continue a sequence.
std::size_t code_points(std::string_view text) {
  std::size_t n = 0;
  for (const char c : text) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

}  // namespace

std::optional<std::string_view> password_rule_broken(std::string_view password) {
  if (password.size() > kMaxPasswordBytes) return "the password is longer than 1024 bytes";
  if (code_points(password) < kMinPasswordChars) return "the password is shorter than 12 characters";
  return std::nullopt;
}

std::optional<std::string> password_hash(std::string_view password) {
  std::array<char, crypto_pwhash_STRBYTES> out{};
  if (crypto_pwhash_str_alg(out.data(), password.data(), password.size(), kOpsLimit, kMemLimit,
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return std::nullopt;
  }
  return std::string(out.data());
}

bool password_verify(std::string_view encoded_hash, std::string_view password) {
  // libsodium wants a NUL-terminated hash; a hash is never longer than STRBYTES.
  if (encoded_hash.size() >= crypto_pwhash_STRBYTES || password.size() > kMaxPasswordBytes) return false;
  std::array<char, crypto_pwhash_STRBYTES> hash{};
  encoded_hash.copy(hash.data(), encoded_hash.size());
  return crypto_pwhash_str_verify(hash.data(), password.data(), password.size()) == 0;
}

bool password_needs_rehash(std::string_view encoded_hash) {
  if (encoded_hash.size() >= crypto_pwhash_STRBYTES) return true;
  std::array<char, crypto_pwhash_STRBYTES> hash{};
  encoded_hash.copy(hash.data(), encoded_hash.size());
  return crypto_pwhash_str_needs_rehash(hash.data(), kOpsLimit, kMemLimit) != 0;
}

}  // namespace tessera::gateway
