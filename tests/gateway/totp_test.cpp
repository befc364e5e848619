// TOTP (RFC 6238 Appendix B, SHA1 rows), base32 (RFC 4648 §10) and the
// otpauth URI; the replay guard and the ±1 step window.
#include "gateway/totp.hpp"

#include <catch2/catch.hpp>

#include <string>

using namespace tessera::gateway;

namespace {

std::span<const std::uint8_t> bytes_of(std::string_view text) {
  return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

// RFC 6238 Appendix B's SHA1 seed is 20 bytes, exactly our seed size.
TotpSeed rfc_seed() {
  const std::string_view text = "12345678901234567890";
  return TotpSeed(std::span<const std::uint8_t, kTotpSeedBytes>(bytes_of(text).data(), kTotpSeedBytes));
}

}  // namespace

TEST_CASE("hotp_code matches the RFC 6238 Appendix B SHA1 vectors", "[totp]") {
  const auto seed = rfc_seed();
  const std::pair<std::int64_t, std::string_view> rows[] = {
      {59, "94287082"},         {1111111109, "07081804"}, {1111111111, "14050471"},
      {1234567890, "89005924"}, {2000000000, "69279037"}, {20000000000, "65353130"},
  };
  for (const auto& [time, code] : rows) {
    CHECK(hotp_code(seed.span(), totp_step(time), 8) == code);
    // Our 6 digits are the same value mod 10^6.
    CHECK(hotp_code(seed.span(), totp_step(time), kTotpDigits) == code.substr(2));
  }
}

TEST_CASE("base32 matches the RFC 4648 test vectors both ways", "[totp]") {
  const std::pair<std::string_view, std::string_view> rows[] = {
      {"", ""},           {"f", "MY======"},     {"fo", "MZXQ===="},         {"foo", "MZXW6==="},
      {"foob", "MZXW6YQ="}, {"fooba", "MZXW6YTB"}, {"foobar", "MZXW6YTBOI======"},
  };
  for (const auto& [plain, encoded] : rows) {
    CHECK(base32_encode(bytes_of(plain)) == encoded);
    const auto decoded = base32_decode(encoded);
    REQUIRE(decoded);
    CHECK(std::string(decoded->begin(), decoded->end()) == plain);
  }
}

TEST_CASE("base32_decode takes lower case and no padding but refuses bad text", "[totp]") {
  const auto decoded = base32_decode("mzxw6ytboi");
  REQUIRE(decoded);
  CHECK(std::string(decoded->begin(), decoded->end()) == "foobar");
  CHECK_FALSE(base32_decode("MZXW6YTB1"));  // '1' is not in the alphabet
  CHECK_FALSE(base32_decode("M"));          // no whole byte
  CHECK_FALSE(base32_decode("MZ"));         // trailing bits not zero ("MY" is canonical)
  CHECK_FALSE(base32_decode("MZXW 6YTB"));
}

TEST_CASE("totp_verify accepts the code one step either side of now and no further", "[totp]") {
  const auto seed = rfc_seed();
  const std::int64_t now = 1111111111;
  const auto step = totp_step(now);
  for (const std::int64_t delta : {-1, 0, 1}) {
    const auto at = static_cast<std::uint64_t>(static_cast<std::int64_t>(step) + delta);
    CHECK(totp_verify(seed.span(), hotp_code(seed.span(), at, kTotpDigits), now, 0) == at);
  }
  CHECK_FALSE(totp_verify(seed.span(), hotp_code(seed.span(), step - 2, kTotpDigits), now, 0));
  CHECK_FALSE(totp_verify(seed.span(), hotp_code(seed.span(), step + 2, kTotpDigits), now, 0));
  CHECK_FALSE(totp_verify(seed.span(), "", now, 0));
  CHECK_FALSE(totp_verify(seed.span(), "1234567", now, 0));
}

TEST_CASE("totp_verify refuses a code for a step already used (replay)", "[totp]") {
  const auto seed = rfc_seed();
  const std::int64_t now = 1234567890;
  const auto code = hotp_code(seed.span(), totp_step(now), kTotpDigits);
  const auto used = totp_verify(seed.span(), code, now, 0);
  REQUIRE(used == totp_step(now));
  CHECK_FALSE(totp_verify(seed.span(), code, now, *used));
  // Nor an earlier step's code once a later one was used.
  CHECK_FALSE(totp_verify(seed.span(), hotp_code(seed.span(), *used - 1, kTotpDigits), now, *used));
}

TEST_CASE("otpauth_uri names issuer, login and the unpadded secret", "[totp]") {
  const auto seed = rfc_seed();
  CHECK(otpauth_uri("Tessera", "dr.ada", seed.span()) ==
        "otpauth://totp/Tessera:dr.ada?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Tessera"
        "&algorithm=SHA1&digits=6&period=30");
  CHECK(otpauth_uri("My Clinic", "a", seed.span()).starts_with("otpauth://totp/My%20Clinic:a?"));
}
