// libFuzzer target: chat frames (shared/chat_channel.hpp), and the UTF-8
// checks of shared/text.hpp they rely on.
// Each input is used four ways:
//   1. as a frame: chat_open (fixed key) is total, does not advance on
//      failure, and whatever it accepts re-seals to the same bytes and is then
//      refused as a replay;
//   2. as kind byte + body: seal then open returns the same kind and body;
//      seal refuses exactly the bodies that are too long or (kind text) not
//      UTF-8 by a reference checker written from the Unicode table;
//   3. as an authenticated but arbitrary padded plaintext (sealed with raw
//      libsodium): open's verdict matches sodium_unpad, the kind byte and the
//      reference UTF-8 check, and any authentic frame consumes its number;
//   4. as text: text_is_utf8 / text_is_printable_utf8 agree with the reference.
#include <algorithm>
#include <vector>

#include "shared/chat_channel.hpp"
#include "shared/padding.hpp"
#include "shared/text.hpp"
#include "tests/fuzz/fuzz_fixtures.hpp"

using namespace tessera;

namespace {

ChatSender sender_at(std::uint64_t seq) { return fuzz::chat_sender_at(seq); }
ChatReceiver receiver_at(std::uint64_t seq) { return fuzz::chat_receiver_at(seq); }

void as_frame(ByteSpan in) {
  // Expect the input's own number, so the decryption is reached.
  const std::uint64_t seq = in.size() >= kChatHeaderBytes ? load_be64(in.data() + 1) : 0;
  auto r = receiver_at(seq);
  auto opened = chat_open(r, in);
  if (!opened) {
    // Only an authentic frame consumes its number (even with a bad kind or text).
    const auto e = opened.error();
    const bool authentic = e == ChatError::unknown_kind || e == ChatError::bad_text;
    FUZZ_CHECK(r.next_seq == (authentic ? seq + 1 : seq));
    return;
  }
  FUZZ_CHECK(r.next_seq == seq + 1);
  auto s = sender_at(seq);
  auto again = chat_seal(s, opened->kind, opened->body.span());
  FUZZ_CHECK(again.ok());
  if (again->size() == in.size()) FUZZ_CHECK(std::equal(again->begin(), again->end(), in.begin()));
  auto replay = chat_open(r, in);
  FUZZ_CHECK(!replay && replay.error() == ChatError::replayed);
}

void as_message(ByteSpan in) {
  if (in.empty()) return;
  const auto kind = static_cast<ChatKind>(1 + in[0] % 4);
  const ByteSpan body = in.subspan(1);
  auto s = sender_at(41);
  auto sealed = chat_seal(s, kind, body);
  const bool valid = body.size() <= kChatMaxBody && (kind != ChatKind::text || fuzz::reference_utf8(body, false));
  FUZZ_CHECK(sealed.ok() == valid);
  if (!valid) {
    FUZZ_CHECK(s.next_seq == 41);
    return;
  }
  FUZZ_CHECK(s.next_seq == 42 && sealed->size() >= kChatMinBytes && sealed->size() <= kChatMaxBytes);
  auto early = receiver_at(40);
  auto gap = chat_open(early, *sealed);
  FUZZ_CHECK(!gap && gap.error() == ChatError::gap && early.next_seq == 40);
  auto r = receiver_at(41);
  auto opened = chat_open(r, *sealed);
  FUZZ_CHECK(opened.ok() && opened->kind == kind && opened->body.size() == body.size());
  FUZZ_CHECK(std::equal(body.begin(), body.end(), opened->body.data()));
  auto replay = chat_open(r, *sealed);
  FUZZ_CHECK(!replay && replay.error() == ChatError::replayed);
  // Another key (the other direction, another session) is a forgery.
  ChatReceiver other{fuzz::fixed_key(fuzz::tag::envelope_key), 41};
  auto forged = chat_open(other, *sealed);
  FUZZ_CHECK(!forged && forged.error() == ChatError::forged && other.next_seq == 41);
}

void as_plaintext(ByteSpan in) {
  if (in.empty()) return;
  std::size_t bucket = kPadMinBucket << (in[0] % 9);  // 64 .. 16384
  if (bucket > kChatMaxBucket) bucket = kChatMaxBucket;
  std::vector<std::uint8_t> plain(bucket, 0);
  const ByteSpan rest = in.subspan(1);
  std::copy_n(rest.begin(), std::min(rest.size(), bucket), plain.begin());

  const std::uint64_t seq = 5;
  std::vector<std::uint8_t> m(kChatHeaderBytes + bucket + kAeadTagBytes);
  m[0] = kProtocolVersion;
  store_be64(&m[1], seq);
  const Key key = fuzz::fixed_key(fuzz::tag::chat_key);
  const auto nonce = counter_nonce(seq);
  crypto_aead_xchacha20poly1305_ietf_encrypt(m.data() + kChatHeaderBytes, nullptr, plain.data(), bucket, m.data(),
                                             kChatHeaderBytes, nullptr, nonce.data(), key.data());
  std::size_t content = 0;
  const bool pad_ok = sodium_unpad(&content, plain.data(), bucket, bucket) == 0 && content > 0;
  auto r = receiver_at(seq);
  auto opened = chat_open(r, m);
  if (!pad_ok) {
    FUZZ_CHECK(!opened && opened.error() == ChatError::bad_padding && r.next_seq == seq);
    return;
  }
  FUZZ_CHECK(r.next_seq == seq + 1);
  const std::uint8_t kind = plain[0];
  const ByteSpan body(plain.data() + 1, content - 1);
  if (kind < 1 || kind > 5) {
    FUZZ_CHECK(!opened && opened.error() == ChatError::unknown_kind);
  } else if (kind == static_cast<std::uint8_t>(ChatKind::text) && !fuzz::reference_utf8(body, false)) {
    FUZZ_CHECK(!opened && opened.error() == ChatError::bad_text);
  } else {
    FUZZ_CHECK(opened.ok() && static_cast<std::uint8_t>(opened->kind) == kind);
    FUZZ_CHECK(opened->body.size() == body.size() && std::equal(body.begin(), body.end(), opened->body.data()));
  }
}

void as_text(ByteSpan in) {
  const std::string_view t = fuzz::as_text(in);
  FUZZ_CHECK(text_is_utf8(t) == fuzz::reference_utf8(in, false));
  FUZZ_CHECK(text_is_printable_utf8(t) == fuzz::reference_utf8(in, true));
  if (text_is_file_name(t)) FUZZ_CHECK(text_is_printable_utf8(t));
  (void)text_is_media_type(t);
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  fuzz::init();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const ByteSpan in(data, size);
  as_frame(in);
  as_message(in);
  as_plaintext(in);
  as_text(in);
  return 0;
}
