// libFuzzer target: sealed envelopes (shared/envelope.hpp).
// Each input is used four ways:
//   1. as an envelope: envelope_header_parse must be total and agree with the
//      bytes; envelope_open (fixed key, routing taken from the input so the
//      decryption is reached) must be total, leave the window alone on
//      failure, and anything it accepts must re-seal to the same bytes and
//      then be rejected as a replay;
//   2. as a body: seal then open returns the same type and body;
//   3. as an authenticated but arbitrary padded plaintext (sealed with raw
//      libsodium under the right key and header): open must accept exactly
//      when libsodium's sodium_unpad does, with the same length;
//   4. as a sequence of sequence numbers: the replay window must match a
//      reference model (accepted set, newest, kEnvelopeWindow).
#include <algorithm>
#include <cstring>
#include <set>
#include <vector>

#include "shared/envelope.hpp"
#include "shared/padding.hpp"
#include "tests/fuzz/fuzz_fixtures.hpp"

using namespace tessera;

namespace {

using fuzz::Route;

EnvelopeSender sender_for(const Route& r, std::uint64_t seq) { return fuzz::envelope_sender_for(r, seq); }
EnvelopeReceiver receiver_for(const Route& r) { return fuzz::envelope_receiver_for(r); }

MessageType type_from(std::uint8_t b) {
  return static_cast<MessageType>(kMessageTypeFirst + b % (kMessageTypeLast - kMessageTypeFirst + 1));
}

std::array<std::uint8_t, kEnvelopeHeaderBytes> header_bytes(const Route& r, MessageType type, std::uint64_t seq) {
  std::array<std::uint8_t, kEnvelopeHeaderBytes> h{};
  h[0] = kProtocolVersion;
  std::memcpy(&h[1], r.visit.data(), kVisitIdBytes);
  std::memcpy(&h[17], r.sender.data(), kSessionIdBytes);
  std::memcpy(&h[33], r.recipient.data(), kSessionIdBytes);
  h[49] = static_cast<std::uint8_t>(type);
  store_be64(&h[50], seq);
  return h;
}

void as_envelope(ByteSpan in) {
  auto header = envelope_header_parse(in);
  Route route;
  if (header) {
    route = Route{header->visit_id, header->sender, header->recipient};
    const auto h = header_bytes(route, header->type, header->seq);
    FUZZ_CHECK(std::equal(h.begin(), h.end(), in.begin()));
  }
  auto r = receiver_for(route);
  auto opened = envelope_open(r, in);
  if (!opened) {
    FUZZ_CHECK(!r.any && r.highest == 0 && r.seen == 0);
    return;
  }
  FUZZ_CHECK(header.ok() && opened->seq == header->seq && opened->type == header->type);
  FUZZ_CHECK(r.any && r.highest == opened->seq && r.seen == 1);
  auto s = sender_for(route, opened->seq);
  auto again = envelope_seal(s, opened->type, opened->body.span());
  FUZZ_CHECK(again.ok());
  // Same key, nonce, header and plaintext: the same bytes (unless the input
  // used a larger bucket than needed, which open accepts).
  if (again->size() == in.size()) FUZZ_CHECK(std::equal(again->begin(), again->end(), in.begin()));
  auto replay = envelope_open(r, in);
  FUZZ_CHECK(!replay && replay.error() == EnvelopeError::replayed);
}

void as_body(ByteSpan in) {
  const Route route;
  const MessageType type = in.empty() ? MessageType::control : type_from(in[0]);
  auto s = sender_for(route, 7);
  auto sealed = envelope_seal(s, type, in);
  if (in.size() > kEnvelopeMaxBody) {
    FUZZ_CHECK(!sealed && sealed.error() == EnvelopeError::body_too_long && s.next_seq == 7);
    return;
  }
  FUZZ_CHECK(sealed.ok() && s.next_seq == 8);
  FUZZ_CHECK(sealed->size() >= kEnvelopeMinBytes && sealed->size() <= kEnvelopeMaxBytes);
  auto r = receiver_for(route);
  // A type the caller does not expect is refused without touching the window.
  const TypeSet others = kAnyMessageType & ~type_set({type});
  auto refused = envelope_open(r, *sealed, others);
  FUZZ_CHECK(!refused && refused.error() == EnvelopeError::unexpected_type && !r.any);
  auto opened = envelope_open(r, *sealed, type_set({type}));
  FUZZ_CHECK(opened.ok() && opened->type == type && opened->seq == 7);
  FUZZ_CHECK(opened->body.size() == in.size() && std::equal(in.begin(), in.end(), opened->body.data()));
  // The same envelope for another visit, sender or recipient is refused.
  Route other = route;
  other.visit[0] ^= 1;
  auto r2 = receiver_for(other);
  auto wrong = envelope_open(r2, *sealed);
  FUZZ_CHECK(!wrong && wrong.error() == EnvelopeError::wrong_visit);
  // One flipped bit anywhere (the position picked by the input) is refused.
  std::vector<std::uint8_t> flipped = *sealed;
  const std::size_t at = in.empty() ? 0 : (std::size_t{in[in.size() - 1]} * 131) % flipped.size();
  flipped[at] ^= 0x01;
  auto r3 = receiver_for(route);
  FUZZ_CHECK(!envelope_open(r3, flipped).ok());
}

void as_plaintext(ByteSpan in) {
  if (in.empty()) return;
  std::size_t bucket = kPadMinBucket << (in[0] % 10);  // 64 .. 32768
  if (bucket > kEnvelopeMaxBucket) bucket = kEnvelopeMaxBucket;
  std::vector<std::uint8_t> plain(bucket, 0);
  const ByteSpan rest = in.subspan(1);
  std::copy_n(rest.begin(), std::min(rest.size(), bucket), plain.begin());

  const Route route;
  const MessageType type = type_from(in[0] >> 4);
  const auto header = header_bytes(route, type, 3);
  std::vector<std::uint8_t> m(kEnvelopeHeaderBytes + bucket + kAeadTagBytes);
  std::copy(header.begin(), header.end(), m.begin());
  const Key key = fuzz::fixed_key(fuzz::tag::envelope_key);
  const auto nonce = counter_nonce(3);
  crypto_aead_xchacha20poly1305_ietf_encrypt(m.data() + kEnvelopeHeaderBytes, nullptr, plain.data(), bucket,
                                             header.data(), header.size(), nullptr, nonce.data(), key.data());
  std::size_t expected = 0;
  const bool pad_ok = sodium_unpad(&expected, plain.data(), bucket, bucket) == 0;
  auto r = receiver_for(route);
  auto opened = envelope_open(r, m);
  if (pad_ok) {
    FUZZ_CHECK(opened.ok() && opened->body.size() == expected);
    FUZZ_CHECK(std::equal(plain.begin(), plain.begin() + static_cast<std::ptrdiff_t>(expected), opened->body.data()));
  } else {
    FUZZ_CHECK(!opened && opened.error() == EnvelopeError::bad_padding && !r.any);
  }
}

void as_sequence(ByteSpan in) {
  const Route route;
  auto r = receiver_for(route);
  std::set<std::uint64_t> accepted;
  std::uint64_t highest = 0;
  const std::size_t n = std::min<std::size_t>(in.size(), 48);
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint64_t seq = 300 + static_cast<std::int8_t>(in[i]) * 2;  // 44 .. 554
    auto s = sender_for(route, seq);
    auto sealed = envelope_seal(s, MessageType::ice_candidate, ByteSpan());
    FUZZ_CHECK(sealed.ok());
    auto opened = envelope_open(r, *sealed);
    // Reference model.
    bool ok = true;
    EnvelopeError why{};
    if (!accepted.empty() && seq <= highest) {
      if (highest - seq >= kEnvelopeWindow) ok = false, why = EnvelopeError::too_old;
      else if (accepted.count(seq)) ok = false, why = EnvelopeError::replayed;
    }
    FUZZ_CHECK(opened.ok() == ok);
    if (ok) {
      accepted.insert(seq);
      highest = std::max(highest, seq);
    } else {
      FUZZ_CHECK(opened.error() == why);
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  fuzz::init();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const ByteSpan in(data, size);
  as_envelope(in);
  as_body(in);
  as_plaintext(in);
  as_sequence(in);
  return 0;
}
