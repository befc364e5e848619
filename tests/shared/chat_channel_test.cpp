#include "shared/chat_channel.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "test_util.hpp"

using namespace tessera;
using tessera_test::bytes;
using tessera_test::make_pair;

namespace {
ChatError open_error(ChatReceiver& r, ByteSpan m) {
  auto o = chat_open(r, m);
  REQUIRE_FALSE(o);
  return o.error();
}
}  // namespace

TEST_CASE("chat frames round trip both ways, padded to buckets", "[chat]") {
  auto p = make_pair(110);
  auto g_tx = chat_sender(p.guest_keys);
  auto p_rx = chat_receiver(p.provider_keys);
  auto p_tx = chat_sender(p.provider_keys);
  auto g_rx = chat_receiver(p.guest_keys);
  for (std::size_t n : {std::size_t{0}, std::size_t{1}, std::size_t{62}, std::size_t{63}, std::size_t{500},
                        kChatMaxBody}) {
    const std::string text(n, 'h');
    auto f = chat_seal(g_tx, ChatKind::text, bytes(text));
    REQUIRE(f);
    const std::size_t padded = f->size() - kChatHeaderBytes - kAeadTagBytes;
    CHECK(padded >= n + 2);
    CHECK((padded & (padded - 1)) == 0);
    auto m = chat_open(p_rx, *f);
    REQUIRE(m);
    CHECK(m->kind == ChatKind::text);
    CHECK(m->body.text() == text);
  }
  // Two texts of different lengths in one bucket look the same size.
  CHECK(chat_seal(p_tx, ChatKind::text, bytes("hi"))->size() ==
        chat_seal(p_tx, ChatKind::text, bytes("how are you feeling today?"))->size());
  auto reply = chat_seal(p_tx, ChatKind::text, bytes("Hello"));
  CHECK(open_error(g_rx, *reply) == ChatError::gap);  // two frames were not delivered
  g_rx.next_seq = 2;
  CHECK(chat_open(g_rx, *reply)->body.text() == "Hello");
  CHECK(chat_seal(g_tx, ChatKind::text, std::vector<std::uint8_t>(kChatMaxBody + 1)).error() ==
        ChatError::body_too_long);
  CHECK(chat_seal(g_tx, ChatKind::text, bytes("\xff\xfe")).error() == ChatError::bad_text);
}

TEST_CASE("chat: flipped bytes, wrong key, replay, reorder, truncation and oversize are rejected", "[chat]") {
  auto p = make_pair(111);
  auto tx = chat_sender(p.guest_keys);
  const auto f0 = *chat_seal(tx, ChatKind::text, bytes("first"));
  const auto f1 = *chat_seal(tx, ChatKind::text, bytes("second"));

  for (std::size_t i = 0; i < f0.size(); ++i) {
    auto rx = chat_receiver(p.provider_keys);
    auto m = f0;
    m[i] ^= 0x02;
    const ChatError e = open_error(rx, m);
    CAPTURE(i);
    if (i == 0) CHECK(e == ChatError::bad_version);
    else if (i < kChatHeaderBytes) CHECK(e == ChatError::gap);  // seq changed; would fail auth anyway
    else CHECK(e == ChatError::forged);
  }
  auto rx = chat_receiver(p.provider_keys);
  CHECK(open_error(rx, f1) == ChatError::gap);  // reordered
  REQUIRE(chat_open(rx, f0));
  CHECK(open_error(rx, f0) == ChatError::replayed);
  CHECK(open_error(rx, ByteSpan(f1).first(f1.size() - 1)) == ChatError::bad_size);
  CHECK(open_error(rx, ByteSpan(f1).first(8)) == ChatError::bad_size);
  auto longer = f1;
  longer.push_back(0);
  CHECK(open_error(rx, longer) == ChatError::bad_size);
  CHECK(open_error(rx, std::vector<std::uint8_t>(kChatMaxBytes + 1)) == ChatError::bad_size);
  REQUIRE(chat_open(rx, f1));

  // The provider's own receive key does not open the guest's frames of
  // another session (earlier page load) or another visit.
  auto q = make_pair(112);
  auto other = chat_receiver(q.provider_keys);
  CHECK(open_error(other, f0) == ChatError::forged);
  // Nor does the other direction's key.
  auto reflected = chat_receiver(p.guest_keys);
  CHECK(open_error(reflected, f0) == ChatError::forged);
}

TEST_CASE("chat: a frame already taken and sent again is recognised; a changed or new one is not", "[chat]") {
  auto p = make_pair(113);
  auto tx = chat_sender(p.guest_keys);
  const auto f0 = *chat_seal(tx, ChatKind::text, bytes("first"));
  const auto f1 = *chat_seal(tx, ChatKind::text, bytes("second"));
  auto rx = chat_receiver(p.provider_keys);
  CHECK_FALSE(chat_already_taken(rx, f0));  // not taken yet
  REQUIRE(chat_open(rx, f0));
  CHECK(chat_already_taken(rx, f0));
  CHECK_FALSE(chat_already_taken(rx, f1));  // the next one: new
  CHECK(rx.next_seq == 1);                  // the receiver does not change
  for (std::size_t i = 0; i < f0.size(); ++i) {
    auto m = f0;
    m[i] ^= 0x02;
    CAPTURE(i);
    CHECK_FALSE(chat_already_taken(rx, m));
  }
  CHECK_FALSE(chat_already_taken(rx, ByteSpan(f0).first(f0.size() - 1)));
  CHECK_FALSE(chat_already_taken(rx, ByteSpan(f0).first(8)));
  auto other = chat_receiver(make_pair(114).provider_keys);  // another session's key
  other.next_seq = 1;
  CHECK_FALSE(chat_already_taken(other, f0));
}

TEST_CASE("chat: a receiver that skips gaps jumps to an authentic frame ahead, never to a forged one", "[chat]") {
  auto p = make_pair(115);
  auto tx = chat_sender(p.guest_keys);
  std::vector<std::vector<std::uint8_t>> f;
  for (int i = 0; i < 5; ++i) f.push_back(*chat_seal(tx, ChatKind::text, bytes("m" + std::to_string(i))));
  auto rx = chat_receiver(p.provider_keys);
  REQUIRE(chat_open(rx, f[0], ChatGaps::skip));
  CHECK(rx.next_seq == 1);  // no gap: as the strict rule

  // Frames 1 and 2 never arrive. Any changed byte of frame 3 is refused, and the receiver stays.
  for (std::size_t i = 1; i < f[3].size(); ++i) {
    auto m = f[3];
    m[i] ^= 0x02;
    CAPTURE(i);
    auto o = chat_open(rx, m, ChatGaps::skip);
    REQUIRE_FALSE(o);
    CHECK((o.error() == ChatError::forged || o.error() == ChatError::replayed));
    CHECK(rx.next_seq == 1);
  }
  auto other = chat_receiver(make_pair(116).provider_keys);  // another session's frame ahead
  CHECK(chat_open(other, f[3], ChatGaps::skip).error() == ChatError::forged);
  CHECK(other.next_seq == 0);

  auto m3 = chat_open(rx, f[3], ChatGaps::skip);
  REQUIRE(m3);
  CHECK(m3->body.text() == "m3");
  CHECK(rx.next_seq == 4);  // 1 and 2 skipped: they can no longer be taken
  CHECK(open_error(rx, f[1]) == ChatError::replayed);
  CHECK(chat_open(rx, f[2], ChatGaps::skip).error() == ChatError::replayed);
  CHECK(chat_open(rx, f[4], ChatGaps::skip)->body.text() == "m4");
}

TEST_CASE("chat: authentic frames with bad content are consumed and reported", "[chat]") {
  auto p = make_pair(113);
  // Seal a frame by hand with a kind byte this version does not know.
  auto tx = chat_sender(p.guest_keys);
  std::vector<std::uint8_t> frame(kChatHeaderBytes + 64 + kAeadTagBytes);
  frame[0] = kProtocolVersion;
  std::uint8_t plain[64] = {0x09, 'x', 0x80};
  const auto nonce = counter_nonce(0);
  crypto_aead_xchacha20poly1305_ietf_encrypt(frame.data() + kChatHeaderBytes, nullptr, plain, sizeof plain,
                                             frame.data(), kChatHeaderBytes, nullptr, nonce.data(), tx.key.data());
  auto rx = chat_receiver(p.provider_keys);
  CHECK(open_error(rx, frame) == ChatError::unknown_kind);
  CHECK(rx.next_seq == 1);
  // And one with no padding marker.
  std::uint8_t unpadded[64] = {0x01, 'x'};
  const auto nonce1 = counter_nonce(1);
  store_be64(&frame[1], 1);
  crypto_aead_xchacha20poly1305_ietf_encrypt(frame.data() + kChatHeaderBytes, nullptr, unpadded, sizeof unpadded,
                                             frame.data(), kChatHeaderBytes, nullptr, nonce1.data(), tx.key.data());
  CHECK(open_error(rx, frame) == ChatError::bad_padding);
}

TEST_CASE("chat: sequence numbers run out loudly", "[chat]") {
  auto p = make_pair(114);
  auto tx = chat_sender(p.guest_keys);
  tx.next_seq = UINT64_MAX;
  CHECK(chat_seal(tx, ChatKind::text, bytes("x")).error() == ChatError::exhausted);
}
