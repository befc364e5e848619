#include "shared/envelope.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "test_util.hpp"

using namespace tessera;
using tessera_test::bytes;
using tessera_test::make_pair;

namespace {

EnvelopeError open_error(EnvelopeReceiver& r, ByteSpan m, TypeSet allowed = kAnyMessageType) {
  auto o = envelope_open(r, m, allowed);
  REQUIRE_FALSE(o);
  return o.error();
}

}  // namespace

TEST_CASE("envelopes round trip in both directions with padding to buckets", "[envelope]") {
  auto p = make_pair(40);
  auto g2p = envelope_sender(p.guest_keys);
  auto at_provider = envelope_receiver(p.provider_keys);
  auto p2g = envelope_sender(p.provider_keys);
  auto at_guest = envelope_receiver(p.guest_keys);

  for (std::size_t n : {0, 1, 63, 64, 200, 5000, static_cast<int>(kEnvelopeMaxBody)}) {
    std::vector<std::uint8_t> body(n, static_cast<std::uint8_t>(n));
    auto sealed = envelope_seal(g2p, MessageType::sdp_offer, body);
    REQUIRE(sealed);
    const std::size_t padded = sealed->size() - kEnvelopeHeaderBytes - kAeadTagBytes;
    CHECK(padded > n);
    CHECK((padded & (padded - 1)) == 0);  // a power of two
    auto header = envelope_header_parse(*sealed);
    REQUIRE(header);
    CHECK(header->sender == p.guest_keys.self_session);
    CHECK(header->recipient == p.provider_keys.self_session);
    CHECK(header->type == MessageType::sdp_offer);
    auto opened = envelope_open(at_provider, *sealed);
    REQUIRE(opened);
    CHECK(opened->type == MessageType::sdp_offer);
    CHECK(std::vector<std::uint8_t>(opened->body.span().begin(), opened->body.span().end()) == body);
  }
  auto back = envelope_seal(p2g, MessageType::sdp_answer, bytes("v=0"));
  REQUIRE(back);
  auto opened = envelope_open(at_guest, *back);
  REQUIRE(opened);
  CHECK(opened->body.text() == "v=0");
  // A sender's envelope does not open with its own receive key (keys are per direction).
  auto own = envelope_receiver(p.guest_keys);
  own.peer = p.guest_keys.self_session;
  own.self = p.provider_keys.self_session;
  CHECK(open_error(own, *envelope_seal(g2p, MessageType::control, bytes("x"))) == EnvelopeError::forged);
}

TEST_CASE("envelope: a flipped byte anywhere is rejected", "[envelope]") {
  auto p = make_pair(41);
  auto tx = envelope_sender(p.guest_keys);
  auto sealed = envelope_seal(tx, MessageType::ice_candidate, bytes("candidate:1 1 udp 2122260223 10.0.0.2 5000 typ host"));
  REQUIRE(sealed);
  for (std::size_t i = 0; i < sealed->size(); ++i) {
    auto rx = envelope_receiver(p.provider_keys);
    auto m = *sealed;
    m[i] ^= 0x01;
    const EnvelopeError e = open_error(rx, m);
    CAPTURE(i);
    if (i == 0) CHECK(e == EnvelopeError::bad_version);
    else if (i < 17) CHECK(e == EnvelopeError::wrong_visit);
    else if (i < 33) CHECK(e == EnvelopeError::wrong_sender);
    else if (i < 49) CHECK(e == EnvelopeError::wrong_recipient);
    else if (i == 49) CHECK(e == EnvelopeError::forged);  // 0x12 ^ 1 = 0x13, another known type
    else CHECK(e == EnvelopeError::forged);
  }
  auto rx = envelope_receiver(p.provider_keys);
  CHECK(envelope_open(rx, *sealed));  // the original still opens
}

TEST_CASE("envelope: wrong key, truncation, oversize, bad version and wrong types", "[envelope]") {
  auto p = make_pair(42);
  auto q = make_pair(43);
  auto tx = envelope_sender(p.guest_keys);
  auto sealed = *envelope_seal(tx, MessageType::safety_commit, bytes("commit"));

  auto rx = envelope_receiver(p.provider_keys);
  rx.key = q.provider_keys.signal_recv.clone();
  CHECK(open_error(rx, sealed) == EnvelopeError::forged);

  rx = envelope_receiver(p.provider_keys);
  for (std::size_t n : {std::size_t{0}, std::size_t{57}, kEnvelopeMinBytes - 1, sealed.size() - 1})
    CHECK(open_error(rx, ByteSpan(sealed).first(n)) == EnvelopeError::bad_size);
  auto longer = sealed;
  longer.push_back(0);
  CHECK(open_error(rx, longer) == EnvelopeError::bad_size);
  std::vector<std::uint8_t> huge(kEnvelopeMaxBytes * 2, 0);
  CHECK(open_error(rx, huge) == EnvelopeError::bad_size);
  std::vector<std::uint8_t> too_big(kEnvelopeMaxBody + 1, 0);
  CHECK(envelope_seal(tx, MessageType::control, too_big).error() == EnvelopeError::body_too_long);

  auto v2 = sealed;
  v2[0] = 0x02;
  CHECK(open_error(rx, v2) == EnvelopeError::bad_version);
  for (std::uint8_t t : {0x00, 0x0f, 0x17, 0xff}) {
    auto m = sealed;
    m[49] = t;
    CHECK(open_error(rx, m) == EnvelopeError::unknown_type);
  }
  // A known type the state machine does not expect now.
  CHECK(open_error(rx, sealed, type_set({MessageType::sdp_answer, MessageType::ice_candidate})) ==
        EnvelopeError::unexpected_type);
  // The type is under the AD: relabelling a commit as a reveal fails.
  auto relabelled = sealed;
  relabelled[49] = static_cast<std::uint8_t>(MessageType::safety_reveal);
  CHECK(open_error(rx, relabelled) == EnvelopeError::forged);
  CHECK(envelope_open(rx, sealed, type_set({MessageType::safety_commit})));
}

TEST_CASE("envelope: replays within a page load, reordering inside the window, too old beyond it",
          "[envelope]") {
  auto p = make_pair(44);
  auto tx = envelope_sender(p.guest_keys);
  auto rx = envelope_receiver(p.provider_keys);
  std::vector<std::vector<std::uint8_t>> sent;
  for (int i = 0; i < 100; ++i) sent.push_back(*envelope_seal(tx, MessageType::ice_candidate, bytes("c")));

  REQUIRE(envelope_open(rx, sent[0]));
  CHECK(open_error(rx, sent[0]) == EnvelopeError::replayed);
  REQUIRE(envelope_open(rx, sent[5]));   // 1..4 overtaken: fine, still in the window
  REQUIRE(envelope_open(rx, sent[3]));
  CHECK(open_error(rx, sent[3]) == EnvelopeError::replayed);
  CHECK(open_error(rx, sent[5]) == EnvelopeError::replayed);
  REQUIRE(envelope_open(rx, sent[1]));
  REQUIRE(envelope_open(rx, sent[80]));
  CHECK(open_error(rx, sent[2]) == EnvelopeError::too_old);       // 78 behind
  CHECK(open_error(rx, sent[16]) == EnvelopeError::too_old);      // exactly 64 behind
  REQUIRE(envelope_open(rx, sent[17]));                           // 63 behind: accepted once
  CHECK(open_error(rx, sent[17]) == EnvelopeError::replayed);
  for (int i = 81; i < 100; ++i) REQUIRE(envelope_open(rx, sent[static_cast<std::size_t>(i)]));
  CHECK(open_error(rx, sent[99]) == EnvelopeError::replayed);

  // A forged envelope does not move the window.
  auto rx2 = envelope_receiver(p.provider_keys);
  auto forged = sent[90];
  forged.back() ^= 1;
  CHECK(open_error(rx2, forged) == EnvelopeError::forged);
  CHECK(envelope_open(rx2, sent[10]));
}

TEST_CASE("envelope: replays from an earlier page load and into another visit are rejected", "[envelope]") {
  auto visit_a = make_pair(45);
  auto tx = envelope_sender(visit_a.guest_keys);
  const auto old = *envelope_seal(tx, MessageType::sdp_offer, bytes("old offer"));

  // After a reload both sides hold new sessions (and new keys).
  auto rx_reloaded = envelope_receiver(make_pair(46).provider_keys);
  rx_reloaded.visit_id = visit_a.visit.visit_id;  // same visit, other sessions
  CHECK(open_error(rx_reloaded, old) == EnvelopeError::wrong_sender);
  // Even if a relay rewrites the routing header to the new sessions, the AD
  // and the key differ.
  auto rewritten = old;
  std::copy(rx_reloaded.peer.begin(), rx_reloaded.peer.end(), rewritten.begin() + 17);
  std::copy(rx_reloaded.self.begin(), rx_reloaded.self.end(), rewritten.begin() + 33);
  CHECK(open_error(rx_reloaded, rewritten) == EnvelopeError::forged);

  // Into another visit.
  auto visit_b = make_pair(47);
  auto rx_b = envelope_receiver(visit_b.provider_keys);
  CHECK(open_error(rx_b, old) == EnvelopeError::wrong_visit);
  auto moved = old;
  std::copy(visit_b.visit.visit_id.begin(), visit_b.visit.visit_id.end(), moved.begin() + 1);
  std::copy(rx_b.peer.begin(), rx_b.peer.end(), moved.begin() + 17);
  std::copy(rx_b.self.begin(), rx_b.self.end(), moved.begin() + 33);
  CHECK(open_error(rx_b, moved) == EnvelopeError::forged);
}

TEST_CASE("envelope: sequence numbers are never reused and run out loudly", "[envelope]") {
  auto p = make_pair(48);
  auto tx = envelope_sender(p.guest_keys);
  auto a = *envelope_seal(tx, MessageType::control, bytes("a"));
  auto b = *envelope_seal(tx, MessageType::control, bytes("a"));
  CHECK(envelope_header_parse(a)->seq == 0);
  CHECK(envelope_header_parse(b)->seq == 1);
  CHECK(a != b);
  tx.next_seq = UINT64_MAX;
  CHECK(envelope_seal(tx, MessageType::control, bytes("x")).error() == EnvelopeError::exhausted);
}

TEST_CASE("envelope header parsing is total", "[envelope]") {
  std::vector<std::uint8_t> m;
  for (std::size_t n = 0; n < 300; ++n) {
    m.push_back(static_cast<std::uint8_t>(n * 37));
    (void)envelope_header_parse(m);
  }
  std::vector<std::uint8_t> ok(kEnvelopeHeaderBytes + 64 + kAeadTagBytes, 0);
  ok[0] = kProtocolVersion;
  ok[49] = 0x10;
  CHECK(envelope_header_parse(ok));
}
