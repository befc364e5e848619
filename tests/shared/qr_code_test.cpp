// The QR encoder's own properties (built natively and to WebAssembly); the
// module-by-module comparison with libqrencode is qr_code_differential_test.cpp.
#include <catch2/catch.hpp>

#include <string>

#include "shared/qr_code.hpp"

namespace tessera {
namespace {

ByteSpan bytes_of(const std::string& s) { return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()}; }

}  // namespace

TEST_CASE("QR byte capacities at level M follow ISO/IEC 18004 Table 7", "[qr]") {
  CHECK(qr_byte_capacity(1) == 14);
  CHECK(qr_byte_capacity(2) == 26);
  CHECK(qr_byte_capacity(9) == 180);
  CHECK(qr_byte_capacity(10) == 213);
  CHECK(qr_byte_capacity(27) == 1125);
  CHECK(qr_byte_capacity(40) == 2331);
  CHECK(qr_byte_capacity(0) == 0);
  CHECK(qr_byte_capacity(41) == 0);
}

TEST_CASE("a QR code takes the smallest version that holds the data", "[qr]") {
  for (const int version : {1, 2, 6, 7, 9, 10, 26, 27, 40}) {
    const std::string fits(qr_byte_capacity(version), 'a');
    auto code = qr_encode(bytes_of(fits));
    REQUIRE(code);
    CHECK(code->version() == version);
    CHECK(code->size() == 17 + 4 * version);
    if (version < kQrMaxVersion) {
      auto bigger = qr_encode(bytes_of(fits + "a"));
      REQUIRE(bigger);
      CHECK(bigger->version() == version + 1);
    }
  }
  auto too_long = qr_encode(bytes_of(std::string(2332, 'a')));
  REQUIRE_FALSE(too_long);
  CHECK(too_long.error() == QrError::too_long);
}

TEST_CASE("a visit link fits a QR code a phone reads from a screen", "[qr]") {
  const std::string link =
      "https://clinic.example.org:8443/v/AAAAAAAAAAAAAAAAAAAAAA#"
      "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
  auto code = qr_encode(bytes_of(link));
  REQUIRE(code);
  CHECK(code->version() <= 9);
}

TEST_CASE("the chosen mask has the lowest penalty of the eight, and finder patterns stand", "[qr]") {
  const std::string text = "https://127.0.0.1:8443/v/abc#def";
  auto best = qr_encode(bytes_of(text));
  REQUIRE(best);
  for (int mask = 0; mask < kQrMaskCount; ++mask) {
    auto other = qr_encode_with_mask(bytes_of(text), mask);
    REQUIRE(other);
    CHECK(other->mask() == mask);
    CHECK(qr_penalty(*best) <= qr_penalty(*other));
    if (mask < best->mask()) CHECK(qr_penalty(*best) < qr_penalty(*other));  // the first of equals
  }
  // The top-left finder: a dark 7x7 ring, light ring, dark 3x3 centre, light separator.
  for (int i = 0; i < 7; ++i) {
    CHECK(best->dark(i, 0));
    CHECK(best->dark(0, i));
    CHECK(best->dark(i, 6));
    CHECK_FALSE(best->dark(i, 7));
  }
  CHECK(best->dark(3, 3));
  CHECK_FALSE(best->dark(1, 1));
  CHECK(best->dark(8, best->size() - 8));  // the dark module
  CHECK_FALSE(qr_encode_with_mask(bytes_of(text), 8));
}

}  // namespace tessera
