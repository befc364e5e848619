#include "shared/base64url.hpp"

#include <catch2/catch.hpp>

#include <optional>
#include <string>
#include <vector>

using tessera::base64url_decode;
using tessera::base64url_encode;

namespace {
std::vector<std::uint8_t> bytes_of(const std::string& s) { return {s.begin(), s.end()}; }
}  // namespace

TEST_CASE("base64url matches the RFC 4648 test vectors without padding", "[base64url]") {
  // RFC 4648 §10, with the '=' padding removed.
  const std::pair<const char*, const char*> vectors[] = {
      {"", ""},           {"f", "Zg"},         {"fo", "Zm8"},         {"foo", "Zm9v"},
      {"foob", "Zm9vYg"}, {"fooba", "Zm9vYmE"}, {"foobar", "Zm9vYmFy"},
  };
  for (const auto& [plain, encoded] : vectors) {
    CHECK(base64url_encode(bytes_of(plain)) == encoded);
    const auto decoded = base64url_decode(encoded);
    REQUIRE(decoded);
    CHECK(*decoded == bytes_of(plain));
  }
}

TEST_CASE("base64url uses the URL-safe alphabet", "[base64url]") {
  const std::vector<std::uint8_t> data{0xfb, 0xff, 0xbf};
  CHECK(base64url_encode(data) == "-_-_");
  CHECK(base64url_decode("-_-_") == data);
}

TEST_CASE("base64url rejects padding, other alphabets and non-canonical input", "[base64url]") {
  CHECK_FALSE(base64url_decode("Zg=="));
  CHECK_FALSE(base64url_decode("Zm9v+/"));
  CHECK_FALSE(base64url_decode("Zm 9v"));
  CHECK_FALSE(base64url_decode("Z"));    // a length no byte count encodes to
  CHECK_FALSE(base64url_decode("Zh"));   // trailing bits not zero: 'Zg' is the canonical form
  CHECK_FALSE(base64url_decode(std::string("Zg\0", 3)));
}

TEST_CASE("base64url_decode_exact requires the exact length", "[base64url]") {
  std::uint8_t out[3] = {};
  CHECK(tessera::base64url_decode_exact("Zm9v", out));
  CHECK(out[0] == 'f');
  CHECK_FALSE(tessera::base64url_decode_exact("Zm9vYg", out));
  CHECK_FALSE(tessera::base64url_decode_exact("Zm8", out));
}

TEST_CASE("base64url_decode_exact zeroes its output on failure", "[base64url]") {
  std::uint8_t out[3] = {1, 2, 3};
  CHECK_FALSE(tessera::base64url_decode_exact("Zm9+", out));
  CHECK((out[0] == 0 && out[1] == 0 && out[2] == 0));
  std::uint8_t two[2] = {9, 9};
  CHECK_FALSE(tessera::base64url_decode_exact("Zm9", two));  // 'Zm9' has non-zero trailing bits
  CHECK((two[0] == 0 && two[1] == 0));
}

TEST_CASE("base64url_encode_to matches base64url_encode", "[base64url]") {
  std::vector<std::uint8_t> data;
  for (int n = 0; n < 70; ++n) {
    std::string out(tessera::base64url_encoded_size(data.size()), '?');
    tessera::base64url_encode_to(data, out);
    CHECK(out == base64url_encode(data));
    data.push_back(static_cast<std::uint8_t>(n * 53 + 1));
  }
}

namespace {
// The definition, one bit at a time: what the block-wise code must agree with.
std::optional<std::vector<std::uint8_t>> reference_decode(const std::string& text) {
  const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  if (text.size() % 4 == 1) return std::nullopt;
  std::vector<std::uint8_t> out;
  std::uint32_t acc = 0;
  int bits = 0;
  for (const char c : text) {
    const auto v = alphabet.find(c);
    if (v == std::string::npos) return std::nullopt;
    acc = (acc << 6) | static_cast<std::uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<std::uint8_t>(acc >> bits));
    }
  }
  if (bits > 0 && (acc & ((1u << bits) - 1)) != 0) return std::nullopt;
  return out;
}
}  // namespace

TEST_CASE("base64url decoding agrees with the definition for every character at every place", "[base64url]") {
  // Lengths across the 16-character blocks the alphabet check works in, and
  // every byte value at every position (the tail and block edges included).
  std::vector<std::uint8_t> data;
  for (std::size_t n = 0; n <= 50; ++n) {
    const std::string good = base64url_encode(data);
    for (std::size_t i = 0; i < good.size(); ++i) {
      for (int b = 0; b < 256; ++b) {
        std::string text = good;
        text[i] = static_cast<char>(b);
        const auto expected = reference_decode(text);
        const auto decoded = base64url_decode(text);
        REQUIRE(decoded.has_value() == expected.has_value());
        if (expected) REQUIRE(*decoded == *expected);
        const auto size = tessera::base64url_decoded_size(text);
        REQUIRE(size.has_value() == expected.has_value());
        if (expected) REQUIRE(*size == expected->size());
      }
    }
    data.push_back(static_cast<std::uint8_t>(n * 97 + 13));
  }
}
