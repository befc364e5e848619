// shared/qr_code against libqrencode (Debian's, native only: the gateway's
// terminal QR codes use it): for many inputs of many lengths, the same
// version, and the same dark and light module everywhere, which also means
// the same mask chosen by the same penalty.
#include <catch2/catch.hpp>
#include <qrencode.h>
#include <sodium.h>

#include <memory>
#include <string>
#include <vector>

#include "shared/qr_code.hpp"

namespace tessera {
namespace {

struct QrFree {
  void operator()(QRcode* c) const { QRcode_free(c); }
};

// Deterministic bytes of a given length from a tag.
std::vector<std::uint8_t> sample(std::size_t size, std::uint32_t tag) {
  std::array<std::uint8_t, randombytes_SEEDBYTES> seed{};
  for (int i = 0; i < 4; ++i) seed[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(tag >> (8 * i));
  std::vector<std::uint8_t> out(size);
  randombytes_buf_deterministic(out.data(), out.size(), seed.data());
  return out;
}

void require_same_as_libqrencode(const std::vector<std::uint8_t>& data) {
  CAPTURE(data.size());
  auto ours = qr_encode(data);
  REQUIRE(ours);
  std::unique_ptr<QRcode, QrFree> theirs(
      QRcode_encodeData(static_cast<int>(data.size()), data.data(), 0, QR_ECLEVEL_M));
  REQUIRE(theirs);
  REQUIRE(ours->version() == theirs->version);
  REQUIRE(ours->size() == theirs->width);
  int differing = 0;
  for (int y = 0; y < ours->size(); ++y)
    for (int x = 0; x < ours->size(); ++x)
      if (ours->dark(x, y) != ((theirs->data[y * theirs->width + x] & 1) != 0)) ++differing;
  CAPTURE(ours->version(), ours->mask());
  CHECK(differing == 0);
}

}  // namespace

TEST_CASE("every length from 1 to 400 bytes encodes module for module as libqrencode does", "[qr][differential]") {
  REQUIRE(sodium_init() >= 0);
  for (std::size_t n = 1; n <= 400; ++n) require_same_as_libqrencode(sample(n, static_cast<std::uint32_t>(n)));
}

TEST_CASE("longer inputs up to version 40, and every version's capacity, encode as libqrencode does", "[qr][differential]") {
  REQUIRE(sodium_init() >= 0);
  for (std::size_t n = 401; n <= 2331; n += 97) require_same_as_libqrencode(sample(n, static_cast<std::uint32_t>(n)));
  require_same_as_libqrencode(sample(2331, 1));
  // Each version full, and one byte more (the next version): the capacities are exact.
  for (int version = 1; version <= kQrMaxVersion; ++version) {
    const std::size_t full = qr_byte_capacity(version);
    require_same_as_libqrencode(sample(full, 7000u + static_cast<std::uint32_t>(version)));
    if (version < kQrMaxVersion) require_same_as_libqrencode(sample(full + 1, 8000u + static_cast<std::uint32_t>(version)));
  }
}

TEST_CASE("visit links and plain text encode as libqrencode does", "[qr][differential]") {
  REQUIRE(sodium_init() >= 0);
  for (std::uint32_t tag = 0; tag < 200; ++tag) {
    const auto secret = sample(65, 90000 + tag);
    std::string link = "https://clinic" + std::to_string(tag) + ".example:8443/v/";
    for (std::size_t i = 0; i < 22 + (tag % 90); ++i) link += "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"[secret[i % secret.size()] % 64];
    require_same_as_libqrencode(std::vector<std::uint8_t>(link.begin(), link.end()));
  }
  const std::string uniform(300, 'A');  // long runs: the penalty rules matter
  for (std::size_t n = 1; n <= uniform.size(); n += 7)
    require_same_as_libqrencode(std::vector<std::uint8_t>(uniform.begin(), uniform.begin() + static_cast<long>(n)));
}

}  // namespace tessera
