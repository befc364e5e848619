#include "shared/signaling_relay.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "shared/base64url.hpp"
#include "shared/signaling.hpp"
#include "test_util.hpp"

using namespace tessera;
using tessera_test::bytes;
using tessera_test::make_pair;
using tessera_test::seeded;
using D = SignalingDirection;

namespace {

// The property that makes the fast path safe: whatever it accepts,
// signaling_parse accepts in both directions as the same relay, and it writes
// the text signaling_serialize writes. Returns whether the fast path accepted.
bool agrees(std::string_view text) {
  const auto fast = signaling_parse_relay(text);
  if (!fast) return false;
  for (const D d : {D::to_gateway, D::from_gateway}) {
    const auto general = signaling_parse(text, d);
    REQUIRE(general);
    CHECK(general->type == SignalingType::relay);
    CHECK(general->visit == fast->visit);
    CHECK(base64url_encode(general->payload) == fast->envelope);
    const auto header = envelope_header_parse(general->payload);
    REQUIRE(header);
    CHECK(header->visit_id == fast->header.visit_id);
    CHECK(header->sender == fast->header.sender);
    CHECK(header->recipient == fast->header.recipient);
    CHECK(header->type == fast->header.type);
    CHECK(header->seq == fast->header.seq);
    CHECK(signaling_serialize(*general) == signaling_serialize_relay(fast->visit, fast->envelope));
  }
  return true;
}

struct Relay {
  std::string visit, envelope;
  [[nodiscard]] std::string text() const {
    return R"({"envelope":")" + envelope + R"(","type":"relay","visit":")" + visit + R"("})";
  }
};

Relay a_relay(std::size_t body = 40) {
  auto p = make_pair(181);
  auto tx = envelope_sender(p.guest_keys);
  const auto env = *envelope_seal(tx, MessageType::sdp_offer, std::vector<std::uint8_t>(body, 0x33));
  return {base64url_encode(p.visit.visit_id), base64url_encode(env)};
}

}  // namespace

TEST_CASE("the relay fast path reads what clients send and writes what signaling_serialize writes", "[signaling]") {
  for (const std::size_t body : {0, 40, 900, 5000}) {
    const Relay r = a_relay(body);
    SignalingMessage m;
    m.type = SignalingType::relay;
    REQUIRE(base64url_decode_exact(r.visit, m.visit));
    m.payload = *base64url_decode(r.envelope);
    const std::string sent = signaling_serialize(m);
    CHECK(sent == r.text());
    CHECK(agrees(sent));
    CHECK(signaling_serialize_relay(m.visit, r.envelope) == sent);
  }
}

TEST_CASE("the relay fast path takes members in any order and JSON whitespace", "[signaling]") {
  const Relay r = a_relay();
  const std::string e = R"("envelope":")" + r.envelope + '"';
  const std::string t = R"("type":"relay")";
  const std::string v = R"("visit":")" + r.visit + '"';
  CHECK(agrees("{" + t + "," + v + "," + e + "}"));
  CHECK(agrees("{" + v + "," + e + "," + t + "}"));
  CHECK(agrees(" \t\r\n{ " + e + " ,\n" + t + "\t,\r" + v + " }\n"));
  CHECK(agrees(R"({ "envelope" : ")" + r.envelope + R"(" , "type" : "relay" , "visit" : ")" + r.visit + "\" }"));
}

TEST_CASE("the relay fast path leaves every other text to signaling_parse", "[signaling]") {
  const Relay r = a_relay();
  const std::string good = r.text();
  const std::string head = R"({"envelope":")" + r.envelope + R"(","type":"relay","visit":")" + r.visit;
  const std::string other_visit = base64url_encode(seeded<16>(9));
  auto truncated = *base64url_decode(r.envelope);
  truncated.pop_back();
  std::string bad_version = r.envelope;
  bad_version[0] = 'B';  // the version byte's top bits
  const std::vector<std::string> declined = {
      // not its form, though signaling_parse accepts it: an escape, a BOM
      R"({"envelope":")" + r.envelope + R"(","type":"rel\u0061y","visit":")" + r.visit + R"("})",
      R"({"envelope":")" + r.envelope + R"(","\u0074ype":"relay","visit":")" + r.visit + R"("})",
      "\xEF\xBB\xBF" + good,
      // refused by signaling_parse too
      head + R"(","visit":")" + r.visit + R"("})",
      head + R"(","session":")" + r.visit + R"("})",
      R"({"envelope":")" + r.envelope + R"(","envelope":")" + r.envelope + R"(","visit":")" + r.visit + R"("})",
      R"({"envelope":")" + r.envelope + R"(","type":"relay"})",
      R"({"envelope":")" + r.envelope + R"(","type":"end","visit":")" + r.visit + R"("})",
      R"({"envelope":")" + r.envelope + R"(","type":"relay","visit":")" + other_visit + R"("})",
      R"({"envelope":")" + base64url_encode(truncated) + R"(","type":"relay","visit":")" + r.visit + R"("})",
      R"({"envelope":")" + bad_version + R"(","type":"relay","visit":")" + r.visit + R"("})",
      R"({"envelope":")" + r.envelope + R"(=","type":"relay","visit":")" + r.visit + R"("})",
      R"({"envelope":")" + r.envelope.substr(0, 120) + R"(","type":"relay","visit":")" + r.visit + R"("})",
      R"({"envelope":")" + r.envelope + R"(","type":"relay","visit":")" + r.visit + R"(A"})",
      R"({"envelope":")" + r.envelope + R"(","type":"relay","visit":")" + r.visit + R"("}x)",
      R"({"envelope":")" + r.envelope + R"(","type":"relay","visit":")" + r.visit + R"(",})",
      R"({"envelope":")" + r.envelope + R"(","type":"relay","visit":")" + r.visit + R"("}})",
      R"({"envelope":")" + r.envelope + R"(","type":["relay"],"visit":")" + r.visit + R"("})",
      R"({"envelope":")" + r.envelope + R"(","type":"relay","visit":1})",
      good + std::string(kSignalingMaxBytes, ' '),
      "",
      "{}",
  };
  for (const auto& text : declined) {
    INFO(text.substr(0, 200));
    CHECK_FALSE(agrees(text));
  }
}

TEST_CASE("the relay fast path accepts no mutation that signaling_parse refuses", "[signaling]") {
  // Every byte of a relay text replaced, deleted or doubled: agrees() checks
  // each text the fast path accepts against signaling_parse.
  const Relay r = a_relay();
  const std::string good = r.text();
  std::size_t accepted = 0;
  const auto probe = [&](const std::string& text) { accepted += agrees(text) ? 1 : 0; };
  for (std::size_t i = 0; i < good.size(); ++i) {
    for (const char c :
         {'"', '{', '}', ',', ':', '\\', '\0', ' ', 'A', 'B', 'Q', 'g', '-', '_', '=', '+', '/', '\x80'}) {
      std::string t = good;
      t[i] = c;
      probe(t);
    }
    probe(good.substr(0, i) + good.substr(i + 1));
    probe(good.substr(0, i + 1) + good.substr(i));
    probe(good.substr(0, i));
  }
  // Some changes inside the envelope's body keep it a valid relay (the gateway cannot tell): accepted, and agreed.
  CHECK(accepted > 0);
}
