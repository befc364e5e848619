#pragma once
// Time-based one-time passwords (RFC 6238) for the second factor of provider
// and admin sign-in: HMAC-SHA1 (OpenSSL), 6 digits, 30 s steps, accepted one
// step either side of now for clock drift. Pure: the time is passed in. Also
// base32 (RFC 4648), in which authenticator apps take the seed, and the
// otpauth:// URI they scan.
//
// A code is single-use: totp_verify() only accepts a step after the last one
// this account used, so a code seen over a shoulder or in a log is worthless
// once typed.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "shared/secret.hpp"

namespace tessera::gateway {

inline constexpr std::size_t kTotpSeedBytes = 20;  // 160 bits, RFC 4226's recommendation for SHA1
inline constexpr std::int64_t kTotpStepSeconds = 30;
inline constexpr int kTotpDigits = 6;
inline constexpr std::int64_t kTotpWindowSteps = 1;  // steps accepted either side of now
using TotpSeed = Secret<kTotpSeedBytes>;

// RFC 4648 base32 with '=' padding.
[[nodiscard]] std::string base32_encode(std::span<const std::uint8_t> bytes);
// Accepts upper or lower case, with or without padding; nullopt for anything
// else (bad characters, impossible lengths, non-zero trailing bits).
[[nodiscard]] std::optional<std::vector<std::uint8_t>> base32_decode(std::string_view text);

// HOTP (RFC 4226) of `counter`, as a zero-padded string of `digits` (6..8).
[[nodiscard]] std::string hotp_code(std::span<const std::uint8_t> key, std::uint64_t counter, int digits);

// The step a wall-clock second falls in (unix time / 30); negative times are step 0.
[[nodiscard]] std::uint64_t totp_step(std::int64_t unix_seconds);

// The step the code belongs to if it is right for a step within the window of
// `unix_seconds` and after `last_used_step`; nullopt otherwise. Every step in
// the window is computed and compared in constant time, whatever matches.
[[nodiscard]] std::optional<std::uint64_t> totp_verify(std::span<const std::uint8_t, kTotpSeedBytes> seed,
                                                       std::string_view code, std::int64_t unix_seconds,
                                                       std::uint64_t last_used_step);

// otpauth://totp/ISSUER:LOGIN?secret=BASE32&issuer=ISSUER&algorithm=SHA1&digits=6&period=30
// (label and issuer percent-encoded; the secret without padding).
[[nodiscard]] std::string otpauth_uri(std::string_view issuer, std::string_view login,
                                      std::span<const std::uint8_t> seed);

}  // namespace tessera::gateway
