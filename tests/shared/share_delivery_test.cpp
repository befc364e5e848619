// A live share's content on its data channel (shared/share_delivery.hpp):
// the frames a sender makes put back together byte for byte, held at the
// high water, and every malformed stream refused.
#include "shared/share_delivery.hpp"

#include <catch2/catch.hpp>

#include <vector>

using namespace tessera;

namespace {

std::vector<std::uint8_t> random_bytes(std::size_t n) {
  std::vector<std::uint8_t> v(n);
  randombytes_buf(v.data(), v.size());
  return v;
}

// Every frame a sender makes, with nothing buffered.
std::vector<std::vector<std::uint8_t>> frames_of(std::span<const std::uint8_t> sealed) {
  ShareSender sender(sealed);
  std::vector<std::vector<std::uint8_t>> frames;
  while (auto f = sender.poll_frame(0)) frames.emplace_back(f->begin(), f->end());
  CHECK(sender.done());
  return frames;
}

std::vector<std::uint8_t> header(std::uint8_t version, std::uint32_t total) {
  return {version, static_cast<std::uint8_t>(total >> 24), static_cast<std::uint8_t>(total >> 16),
          static_cast<std::uint8_t>(total >> 8), static_cast<std::uint8_t>(total)};
}

}  // namespace

TEST_CASE("a share's sealed content crosses in chunks and is put back byte for byte", "[shares]") {
  for (const std::size_t size : {kShareSealedMinBytes, kShareSealedOverhead + 131072, kShareSealedMaxBytes}) {
    const auto sealed = random_bytes(size);
    const auto frames = frames_of(sealed);
    REQUIRE(frames.size() == 1 + (size + kShareChunkBytes - 1) / kShareChunkBytes);
    CHECK(frames[0] == header(kShareDeliveryVersion, static_cast<std::uint32_t>(size)));
    ShareReceiver receiver;
    for (std::size_t i = 0; i < frames.size(); ++i) {
      CHECK(!receiver.complete());
      CHECK(frames[i].size() <= kShareChunkBytes);
      REQUIRE(receiver.handle_frame(frames[i]));
    }
    REQUIRE(receiver.complete());
    CHECK(receiver.received() == size);
    CHECK(receiver.total() == size);
    CHECK(std::vector<std::uint8_t>(receiver.sealed().begin(), receiver.sealed().end()) == sealed);
  }
}

TEST_CASE("the sender stops at the high water and goes on below it", "[shares]") {
  const auto sealed = random_bytes(kShareSealedOverhead + (std::size_t{1} << 20));
  ShareSender sender(sealed);
  CHECK(!sender.poll_frame(kShareHighWaterBytes));
  REQUIRE(sender.poll_frame(kShareHighWaterBytes - 1));  // the header
  std::size_t buffered = 0;
  while (auto f = sender.poll_frame(buffered)) buffered += f->size();
  CHECK(!sender.done());
  CHECK(buffered >= kShareHighWaterBytes);
  CHECK(buffered < kShareHighWaterBytes + kShareChunkBytes);
  std::size_t rest = 0;
  while (auto f = sender.poll_frame(kShareLowWaterBytes)) rest += f->size();
  CHECK(sender.done());
  CHECK(buffered + rest == sealed.size());
  CHECK(!sender.poll_frame(0));
}

TEST_CASE("a share stream is refused when its first message is malformed", "[shares]") {
  const auto refused = [](std::vector<std::uint8_t> first) {
    ShareReceiver receiver;
    auto r = receiver.handle_frame(first);
    REQUIRE(!r);
    // Nothing more is taken after an error.
    CHECK(!receiver.handle_frame(header(kShareDeliveryVersion, kShareSealedMinBytes)));
    return r.error();
  };
  CHECK(refused({}) == ShareDeliveryError::bad_header);
  CHECK(refused({kShareDeliveryVersion, 0, 0, 1}) == ShareDeliveryError::bad_header);
  auto six = header(kShareDeliveryVersion, kShareSealedMinBytes);
  six.push_back(0);
  CHECK(refused(six) == ShareDeliveryError::bad_header);
  CHECK(refused(header(0x02, kShareSealedMinBytes)) == ShareDeliveryError::bad_version);
  CHECK(refused(header(0x00, kShareSealedMinBytes)) == ShareDeliveryError::bad_version);
  CHECK(refused(header(kShareDeliveryVersion, kShareSealedMinBytes - 1)) == ShareDeliveryError::bad_length);
  CHECK(refused(header(kShareDeliveryVersion, kShareSealedMaxBytes + 1)) == ShareDeliveryError::bad_length);
  CHECK(refused(header(kShareDeliveryVersion, 0xffffffff)) == ShareDeliveryError::bad_length);
  CHECK(refused(header(kShareDeliveryVersion, 0)) == ShareDeliveryError::bad_length);
}

TEST_CASE("a share stream is refused for an empty or oversized chunk and for bytes past its length", "[shares]") {
  const auto sealed = random_bytes(kShareSealedOverhead + 128);
  const auto started = [&] {
    ShareReceiver receiver;
    REQUIRE(receiver.handle_frame(header(kShareDeliveryVersion, static_cast<std::uint32_t>(sealed.size()))));
    return receiver;
  };
  {
    auto receiver = started();
    auto r = receiver.handle_frame({});
    REQUIRE(!r);
    CHECK(r.error() == ShareDeliveryError::bad_chunk);
    CHECK(!receiver.handle_frame(sealed));  // nothing more after an error
    CHECK(!receiver.complete());
  }
  {
    auto big = random_bytes(kShareChunkBytes + 1);
    ShareReceiver receiver;
    REQUIRE(receiver.handle_frame(header(kShareDeliveryVersion, static_cast<std::uint32_t>(kShareSealedMaxBytes))));
    auto r = receiver.handle_frame(big);
    REQUIRE(!r);
    CHECK(r.error() == ShareDeliveryError::bad_chunk);
  }
  {
    auto receiver = started();
    auto longer = sealed;
    longer.push_back(0);
    auto r = receiver.handle_frame(longer);
    REQUIRE(!r);
    CHECK(r.error() == ShareDeliveryError::too_long);
    CHECK(!receiver.complete());
  }
  {
    auto receiver = started();
    REQUIRE(receiver.handle_frame(sealed));
    REQUIRE(receiver.complete());
    auto r = receiver.handle_frame(std::vector<std::uint8_t>{0});
    REQUIRE(!r);
    CHECK(r.error() == ShareDeliveryError::too_long);
    // A second header after the content is bytes past its end as well.
    CHECK(!receiver.handle_frame(header(kShareDeliveryVersion, static_cast<std::uint32_t>(sealed.size()))));
  }
  CHECK(std::string(share_delivery_error_name(ShareDeliveryError::too_long)) == "too_long");
}
