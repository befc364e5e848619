// The visit's small parts: reconnect backoff, SDP fingerprints, seeds, the
// outbox's hold while offline, which close codes end a session.
#include <catch2/catch.hpp>

#include <set>

#include "visit_net.hpp"
#include "wasm/visit/gateway_connection.hpp"
#include "wasm/visit/media_state.hpp"
#include "wasm/visit/reconnect_backoff.hpp"
#include "wasm/visit/seed_stream.hpp"

namespace tessera::client::testing {

TEST_CASE("reconnect backoff starts at 0.5 s, doubles to 15 s, jitters within [half, full] and resets",
          "[visit][backoff]") {
  ReconnectBackoff b(seeded<kSeedBytes>(1));
  const std::vector<VisitDuration> nominal{500ms, 1s, 2s, 4s, 8s, 15s, 15s, 15s, 15s, 15s};
  std::set<VisitDuration::rep> distinct;
  for (const auto n : nominal) {
    const VisitDuration d = b.next_delay();
    CAPTURE(n.count(), d.count());
    CHECK(d >= n / 2);
    CHECK(d <= n);
    if (n == 15s) distinct.insert(d.count());
  }
  CHECK(distinct.size() > 1);  // jitter: not the same 15 s every time
  CHECK(b.attempts() == nominal.size());
  b.reset();
  const VisitDuration first = b.next_delay();
  CHECK(first >= 250ms);
  CHECK(first <= 500ms);

  // Same seed, same delays; another seed, other delays.
  ReconnectBackoff x(seeded<kSeedBytes>(2)), y(seeded<kSeedBytes>(2)), z(seeded<kSeedBytes>(3));
  bool differ = false;
  for (int i = 0; i < 8; ++i) {
    const auto dx = x.next_delay(), dy = y.next_delay(), dz = z.next_delay();
    CHECK(dx == dy);
    differ = differ || dx != dz;
  }
  CHECK(differ);
}

TEST_CASE("the DTLS fingerprint of an SDP: all its a=fingerprint lines must agree", "[visit][sdp]") {
  const std::string a = fingerprint_text(10), b = fingerprint_text(11);
  struct Row {
    std::string sdp;
    bool ok;
  };
  const std::vector<Row> rows{
      {"v=0\r\na=fingerprint:" + a + "\r\n", true},
      {"v=0\na=fingerprint:" + a + "\nm=video 9 X 96\na=fingerprint:" + a, true},
      {"v=0\r\n", false},
      {"v=0\r\na=fingerprint:" + a + "\r\na=fingerprint:" + b + "\r\n", false},
      {"v=0\r\na=fingerprint:sha-1 00:11\r\n", false},
      {"a=fingerprint:" + a.substr(0, a.size() - 3) + "\r\n", false},
      {"", false},
  };
  for (const auto& r : rows) {
    CAPTURE(r.sdp);
    CHECK(sdp_dtls_fingerprint(r.sdp).has_value() == r.ok);
  }
  const auto fp = sdp_dtls_fingerprint("a=fingerprint:" + a + "\r\n");
  const auto direct = dtls_fingerprint_parse(a);
  REQUIRE(fp);
  REQUIRE(direct);
  CHECK(fp->bytes().size() == 32);
  CHECK(std::equal(fp->digest.begin(), fp->digest.end(), direct->digest.begin()));
}

TEST_CASE("a seed stream never repeats a draw, and children are independent", "[visit][seeds]") {
  SeedStream s(seeded<kSeedBytes>(20));
  SeedStream t(seeded<kSeedBytes>(20));
  const auto a = s.draw<32>(), b = s.draw<32>();
  CHECK_FALSE(secret_equal<32>(a.span(), b.span()));
  CHECK(secret_equal<32>(a.span(), t.draw<32>().span()));  // deterministic
  SeedStream c1 = s.child("one"), c2 = s.child("two");
  CHECK_FALSE(secret_equal<32>(c1.draw<32>().span(), c2.draw<32>().span()));
}

TEST_CASE("signaling written while offline is held until the session is back, and bounded", "[visit][outbox]") {
  VisitOutbox out;
  out.send("one");
  out.send_now("hello");
  CHECK(*out.poll_signaling() == "hello");
  CHECK_FALSE(out.poll_signaling());
  out.set_online(true);
  CHECK(*out.poll_signaling() == "one");
  out.set_online(false);
  for (std::size_t i = 0; i < kMaxHeldSignaling + 1; ++i) out.send("x");
  const auto p = out.poll_problem();
  REQUIRE(p);
  CHECK(std::string_view(p->error) == "held_overflow");
  out.drop_held();
  out.set_online(true);
  CHECK_FALSE(out.poll_signaling());
}

TEST_CASE("close codes that end a session are final; the network and gateway restarts are retried",
          "[visit][backoff]") {
  for (const std::uint16_t code : {1009, 4000, 4001, 4003, 4004, 4005, 4006, 4007, 4009, 4010, 4011, 4013}) {
    CAPTURE(code);
    CHECK(close_code_final(code));
  }
  for (const std::uint16_t code : {1000, 1001, 1006, 1011, 4008, 4012}) {
    CAPTURE(code);
    CHECK_FALSE(close_code_final(code));
  }
}

TEST_CASE("a media state control body round-trips, and nothing else of its shape is taken for one",
          "[visit][media]") {
  for (const MediaState m : {MediaState{true, true}, MediaState{false, true}, MediaState{true, false},
                             MediaState{false, false}}) {
    const auto parsed = media_state_parse(media_state_body(m));
    REQUIRE(parsed);
    CHECK(*parsed == m);
  }
  CHECK(media_state_body({false, true}) == R"({"camera":true,"control":"media","microphone":false})");
  for (const char* bad : {"ice-restart", "", "{}", "[]", "null",
                          R"({"control":"media","microphone":false})",
                          R"({"control":"media","microphone":0,"camera":true})",
                          R"({"control":"media","microphone":false,"camera":"off"})",
                          R"({"control":"other","microphone":false,"camera":true})",
                          R"({"control":"media","microphone":false,"camera":true,"extra":1})",
                          R"({"control":"media","microphone":false,"speaker":true})"}) {
    CAPTURE(bad);
    CHECK_FALSE(media_state_parse(bad));
  }
}

}  // namespace tessera::client::testing
