#include "shared/base64url.hpp"

#include <catch2/catch.hpp>

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
