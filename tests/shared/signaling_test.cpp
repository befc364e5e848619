#include "shared/signaling.hpp"

#include <catch2/catch.hpp>

#include <iterator>
#include <string>
#include <vector>

#include "shared/base64url.hpp"
#include "shared/envelope.hpp"
#include "test_util.hpp"

using namespace tessera;
using tessera_test::bytes;
using tessera_test::make_pair;
using tessera_test::seeded;
using D = SignalingDirection;
using E = SignalingParseError;

namespace {

SignalingParseError error_of(std::string_view text, D d = D::to_gateway) {
  auto r = signaling_parse(text, d);
  REQUIRE_FALSE(r);
  return r.error();
}

SignalingMessage message(SignalingType type, std::size_t payload = 0) {
  SignalingMessage m;
  m.type = type;
  m.visit = seeded<16>(1);
  m.session = seeded<16>(2);
  m.payload.assign(payload, 0x5a);
  return m;
}

}  // namespace

TEST_CASE("every signaling message round trips through JSON", "[signaling]") {
  auto p = make_pair(170);
  auto tx = envelope_sender(p.guest_keys);
  const auto env = *envelope_seal(tx, MessageType::ice_candidate, bytes("candidate"));

  std::vector<std::pair<SignalingMessage, D>> cases;
  auto hello = message(SignalingType::hello, 32);
  hello.role = SignalingRole::provider;
  cases.push_back({std::move(hello), D::to_gateway});
  cases.push_back({message(SignalingType::join, kGuestHelloBytes), D::to_gateway});
  cases.push_back({message(SignalingType::waiting, kGuestHelloBytes), D::from_gateway});
  cases.push_back({message(SignalingType::admit, kProviderAcceptBytes), D::to_gateway});
  cases.push_back({message(SignalingType::admit, kProviderAcceptBytes), D::from_gateway});
  cases.push_back({message(SignalingType::deny, kProviderDenyBytes), D::from_gateway});
  cases.push_back({message(SignalingType::note, kProviderNoteBytes), D::to_gateway});
  auto relay = message(SignalingType::relay);
  relay.visit = p.visit.visit_id;
  relay.session = {};
  relay.payload = env;
  cases.push_back({std::move(relay), D::from_gateway});
  cases.push_back({message(SignalingType::resume, 32), D::to_gateway});
  cases.push_back({message(SignalingType::resumed), D::from_gateway});
  cases.push_back({message(SignalingType::end), D::from_gateway});
  auto err = message(SignalingType::error);
  err.visit = {};
  err.session = {};
  err.code = SignalingErrorCode::visit_full;
  err.detail = "this visit already has two people";
  cases.push_back({std::move(err), D::from_gateway});
  for (const auto code : {SignalingErrorCode::too_large, SignalingErrorCode::room_limit, SignalingErrorCode::timeout}) {
    auto limit = message(SignalingType::error);
    limit.visit = {};
    limit.session = {};
    limit.code = code;
    cases.push_back({std::move(limit), D::from_gateway});
  }

  for (const auto& [m, d] : cases) {
    const std::string text = signaling_serialize(m);
    CAPTURE(text);
    CHECK(text.size() <= kSignalingMaxBytes);
    auto back = signaling_parse(text, d);
    REQUIRE(back);
    CHECK(back->type == m.type);
    CHECK(back->visit == m.visit);
    CHECK(back->session == m.session);
    CHECK(back->payload == m.payload);
    CHECK(back->role == m.role);
    CHECK(back->code == m.code);
    CHECK(back->detail == m.detail);
  }
}

TEST_CASE("signaling rejects malformed JSON, wrong shapes and wrong directions", "[signaling]") {
  const std::string id = base64url_encode(seeded<16>(1));
  const std::string end = R"({"type":"end","visit":")" + id + R"(","session":")" + id + R"("})";
  REQUIRE(signaling_parse(end, D::to_gateway));

  CHECK(error_of(std::string(kSignalingMaxBytes + 1, ' ')) == E::too_large);
  CHECK(error_of("") == E::not_json);
  CHECK(error_of("{") == E::not_json);
  CHECK(error_of("{\"type\":\"end\"\xff}") == E::not_json);
  CHECK(error_of("\"\xc3\x28\"") == E::not_json);
  CHECK(error_of("[]") == E::not_object);
  CHECK(error_of("42") == E::not_object);
  CHECK(error_of("null") == E::not_object);
  CHECK(error_of(R"({"type":"end","visit":{"a":1},"session":")" + id + R"("})") == E::nested);
  CHECK(error_of(R"({"type":"end","visit":[1],"session":")" + id + R"("})") == E::nested);
  CHECK(error_of(std::string(10000, '[')) == E::nested);
  CHECK(error_of(R"({"type":"end","type":"end","visit":")" + id + R"(","session":")" + id + R"("})") ==
        E::duplicate_member);
  CHECK(error_of(R"({"visit":")" + id + R"("})") == E::unknown_type);
  CHECK(error_of(R"({"type":7})") == E::unknown_type);
  CHECK(error_of(R"({"type":"teleport"})") == E::unknown_type);
  CHECK(error_of(R"({"type":"waiting","visit":")" + id + R"("})", D::to_gateway) == E::wrong_direction);
  CHECK(error_of(R"({"type":"join","visit":")" + id + R"("})", D::from_gateway) == E::wrong_direction);
  CHECK(error_of(R"({"type":"end","visit":")" + id + R"("})") == E::missing_member);
  CHECK(error_of(R"({"type":"end","visit":")" + id + R"(","session":")" + id + R"(","x":"1"})") ==
        E::unknown_member);
  CHECK(error_of(R"({"type":"end","visit":")" + id + R"(","session":5})") == E::wrong_json_type);
  CHECK(error_of(R"({"type":"end","visit":")" + id + R"(","session":null})") == E::wrong_json_type);
  CHECK(error_of(R"({"type":"end","visit":")" + id.substr(1) + R"(","session":")" + id + R"("})") ==
        E::bad_value);
  CHECK(error_of(R"({"type":"end","visit":")" + id + R"(=","session":")" + id + R"("})") == E::bad_value);
  CHECK(error_of(R"({"type":"hello","role":"admin","visit":")" + id + R"(","session":")" + id +
                 R"(","resume_hash":")" + base64url_encode(seeded<32>(3)) + R"("})") == E::bad_value);
  CHECK(error_of(R"({"type":"hello","role":"guest","visit":")" + id + R"(","session":")" + id +
                 R"(","resume_hash":")" + base64url_encode(seeded<31>(3)) + R"("})") == E::bad_value);
  CHECK(error_of(R"({"type":"error","code":"oops"})", D::from_gateway) == E::bad_value);
  CHECK(error_of(R"({"type":"error","code":"internal","detail":"a\nb"})", D::from_gateway) == E::bad_value);
  CHECK(error_of(R"({"type":"error","code":"internal","detail":1})", D::from_gateway) == E::wrong_json_type);
  CHECK(signaling_parse(R"({"type":"error","code":"internal"})", D::from_gateway));
}

TEST_CASE("signaling relay checks the envelope header against the visit", "[signaling]") {
  auto p = make_pair(171);
  auto tx = envelope_sender(p.guest_keys);
  const auto env = *envelope_seal(tx, MessageType::sdp_offer, bytes("v=0"));
  const std::string good = R"({"type":"relay","visit":")" + base64url_encode(p.visit.visit_id) +
                           R"(","envelope":")" + base64url_encode(env) + R"("})";
  CHECK(signaling_parse(good, D::to_gateway));
  const std::string other_visit = R"({"type":"relay","visit":")" + base64url_encode(seeded<16>(9)) +
                                  R"(","envelope":")" + base64url_encode(env) + R"("})";
  CHECK(error_of(other_visit) == E::bad_value);
  auto truncated = env;
  truncated.pop_back();
  CHECK(error_of(R"({"type":"relay","visit":")" + base64url_encode(p.visit.visit_id) + R"(","envelope":")" +
                 base64url_encode(truncated) + R"("})") == E::bad_value);
}

TEST_CASE("signaling parsing is total over mutated messages", "[signaling]") {
  auto m = message(SignalingType::join, kGuestHelloBytes);
  const std::string text = signaling_serialize(m);
  for (std::size_t i = 0; i < text.size(); ++i) {
    for (const char c : {'"', '{', '}', ',', ':', '\\', '\0', 'A', '\x80'}) {
      std::string t = text;
      t[i] = c;
      (void)signaling_parse(t, D::to_gateway);
    }
    (void)signaling_parse(text.substr(0, i), D::to_gateway);
  }
  const auto secret = seeded<kResumeSecretBytes>(4);
  CHECK(signaling_resume_hash(secret) == signaling_resume_hash(secret));
  CHECK(signaling_resume_hash(secret) != signaling_resume_hash(seeded<kResumeSecretBytes>(5)));
}

TEST_CASE("each signaling type parses in its directions only (PROTOCOL.md §11 table)", "[signaling]") {
  auto p = make_pair(172);
  auto tx = envelope_sender(p.guest_keys);
  const auto env = *envelope_seal(tx, MessageType::ice_candidate, bytes("candidate"));
  struct Row {
    SignalingType type;
    std::size_t payload;
    bool to_gateway, from_gateway;
  };
  const Row rows[] = {
      {SignalingType::hello, kHashBytes, true, false},
      {SignalingType::join, kGuestHelloBytes, true, false},
      {SignalingType::waiting, kGuestHelloBytes, false, true},
      {SignalingType::admit, kProviderAcceptBytes, true, true},
      {SignalingType::deny, kProviderDenyBytes, true, true},
      {SignalingType::note, kProviderNoteBytes, true, true},
      {SignalingType::relay, 0, true, true},
      {SignalingType::resume, kResumeSecretBytes, true, false},
      {SignalingType::resumed, 0, false, true},
      {SignalingType::end, 0, true, true},
      {SignalingType::error, 0, false, true},
      {SignalingType::turn, 0, false, true},
  };
  for (const auto& row : rows) {
    auto m = message(row.type, row.payload);
    if (row.type == SignalingType::relay) {
      m.visit = p.visit.visit_id;
      m.session = {};
      m.payload = env;
    }
    if (row.type == SignalingType::error || row.type == SignalingType::turn) m.visit = {}, m.session = {};
    if (row.type == SignalingType::turn) m.turn = {"turn:turn.example:3478", "1700000000:a1", "c2VjcmV0"};
    const std::string text = signaling_serialize(m);
    CAPTURE(text);
    const auto to = signaling_parse(text, D::to_gateway);
    const auto from = signaling_parse(text, D::from_gateway);
    CHECK(to.ok() == row.to_gateway);
    CHECK(from.ok() == row.from_gateway);
    if (!row.to_gateway) CHECK(to.error() == E::wrong_direction);
    if (!row.from_gateway) CHECK(from.error() == E::wrong_direction);
  }
}

TEST_CASE("admit from the gateway carries the accept; resumed has visit and session only", "[signaling]") {
  const std::string id = base64url_encode(seeded<16>(1));
  const std::string accept = base64url_encode(std::vector<std::uint8_t>(kProviderAcceptBytes, 0x17));
  const auto admit = signaling_parse(
      R"({"type":"admit","visit":")" + id + R"(","session":")" + id + R"(","accept":")" + accept + R"("})",
      D::from_gateway);
  REQUIRE(admit);
  CHECK(admit->payload == std::vector<std::uint8_t>(kProviderAcceptBytes, 0x17));
  CHECK(error_of(R"({"type":"admit","visit":")" + id + R"(","session":")" + id + R"("})", D::from_gateway) ==
        E::missing_member);

  const std::string resumed = R"({"type":"resumed","visit":")" + id + R"(","session":")" + id + R"("})";
  const auto r = signaling_parse(resumed, D::from_gateway);
  REQUIRE(r);
  CHECK(r->type == SignalingType::resumed);
  CHECK(r->visit == seeded<16>(1));
  CHECK(r->session == seeded<16>(1));
  CHECK(error_of(resumed, D::to_gateway) == E::wrong_direction);
  CHECK(error_of(R"({"type":"resumed","visit":")" + id + R"("})", D::from_gateway) == E::missing_member);
  CHECK(error_of(R"({"type":"resumed","visit":")" + id + R"(","session":")" + id + R"(","resume_secret":"AA"})",
                 D::from_gateway) == E::unknown_member);
}

TEST_CASE("signaling error codes: every name round trips, unknown names are rejected", "[signaling]") {
  const char* names[] = {"bad_message",  "unknown_visit", "visit_full", "not_allowed", "expired",
                         "rate_limited", "internal",      "too_large",  "room_limit",  "timeout"};
  for (std::size_t i = 0; i < std::size(names); ++i) {
    const auto code = static_cast<SignalingErrorCode>(i);
    CHECK(std::string(signaling_error_code_name(code)) == names[i]);
    const auto m = signaling_parse(std::string(R"({"type":"error","code":")") + names[i] + R"("})", D::from_gateway);
    REQUIRE(m);
    CHECK(m->code == code);
  }
  CHECK(error_of(R"({"type":"error","code":"Timeout"})", D::from_gateway) == E::bad_value);
  CHECK(error_of(R"({"type":"error","code":"room_limit"})", D::to_gateway) == E::wrong_direction);
}

TEST_CASE("turn carries urls, username and credential and nothing else", "[signaling]") {
  const auto ok = signaling_parse(
      R"({"type":"turn","urls":"turn:t.example:3478?transport=udp turns:t.example:5349","username":"1700000000:0a1b","credential":"q83vEjRWeJq83vEjRWeJq83vEjQ="})",
      D::from_gateway);
  REQUIRE(ok);
  CHECK(ok->turn.urls == "turn:t.example:3478?transport=udp turns:t.example:5349");
  CHECK(ok->turn.username == "1700000000:0a1b");
  CHECK(ok->turn.credential == "q83vEjRWeJq83vEjRWeJq83vEjQ=");
  CHECK(signaling_parse(signaling_serialize(*ok), D::from_gateway)->turn.credential == ok->turn.credential);

  const std::string tail = R"(,"username":"1:a","credential":"c"})";
  CHECK(error_of(R"({"type":"turn","urls":"http://t.example")" + tail, D::from_gateway) == E::bad_value);
  CHECK(error_of(R"({"type":"turn","urls":"turn:")" + tail, D::from_gateway) == E::bad_value);
  CHECK(error_of(R"({"type":"turn","urls":"turn:a  turn:b")" + tail, D::from_gateway) == E::bad_value);
  CHECK(error_of(R"({"type":"turn","urls":"")" + tail, D::from_gateway) == E::bad_value);
  CHECK(error_of(R"({"type":"turn","urls":"turn:a","username":"1 a","credential":"c"})", D::from_gateway) ==
        E::bad_value);
  CHECK(error_of(R"({"type":"turn","urls":"turn:a","username":"1:a"})", D::from_gateway) == E::missing_member);
  CHECK(error_of(R"({"type":"turn","urls":"turn:a","visit":"x")" + tail, D::from_gateway) == E::unknown_member);
  CHECK(error_of(R"({"type":"turn","urls":"turn:a")" + tail, D::to_gateway) == E::wrong_direction);
  const std::string long_urls = "turn:" + std::string(kTurnUrlsMaxBytes, 'a');
  CHECK(error_of(R"({"type":"turn","urls":")" + long_urls + "\"" + tail, D::from_gateway) == E::bad_value);
}
