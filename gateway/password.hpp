#pragma once
// Account passwords: Argon2id through libsodium's crypto_pwhash_str, with the
// INTERACTIVE limits (2 passes, 64 MiB), which keep a sign-in well under a
// second on the gateway's small machine; the encoded hash carries its own
// parameters, so raising them later only needs password_needs_rehash() at the
// next sign-in. Passwords are never logged, echoed or put in an error text.
#include <optional>
#include <string>
#include <string_view>

namespace tessera::gateway {

// At least 12 characters (Unicode code points, so a passphrase in any script
// counts what a person typed) and at most 1024 bytes (bounds the hashing cost
// an attacker can ask for). Nothing else: no composition rules.
inline constexpr std::size_t kMinPasswordChars = 12;
inline constexpr std::size_t kMaxPasswordBytes = 1024;

// Why a new password is refused (a fixed sentence, never the password), or
// nullopt when it is acceptable.
[[nodiscard]] std::optional<std::string_view> password_rule_broken(std::string_view password);

// The encoded Argon2id hash ("$argon2id$v=19$m=65536,t=2,p=1$..."); nullopt
// only when the machine cannot allocate the memory.
[[nodiscard]] std::optional<std::string> password_hash(std::string_view password);

// True when password matches the encoded hash; false for any malformed hash.
[[nodiscard]] bool password_verify(std::string_view encoded_hash, std::string_view password);

// True when the hash was made with other limits than password_hash() uses now.
[[nodiscard]] bool password_needs_rehash(std::string_view encoded_hash);

}  // namespace tessera::gateway
