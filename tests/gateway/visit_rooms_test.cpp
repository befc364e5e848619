// The signaling core: visit rooms, the waiting room, resume and limits, driven
// by a virtual clock and opaque connection ids (no sockets, no real time).
#include "gateway/visit_rooms.hpp"

#include <catch2/catch.hpp>
#include <sodium.h>

#include <array>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "shared/envelope.hpp"
#include "shared/handshake.hpp"
#include "shared/signaling_relay.hpp"

using namespace tessera;
using namespace tessera::gateway;
using namespace std::chrono_literals;

namespace {

const int kSodiumReady = sodium_init();

template <std::size_t N>
std::array<std::uint8_t, N> filled(std::uint8_t tag) {
  std::array<std::uint8_t, N> a{};
  for (std::size_t i = 0; i < N; ++i) a[i] = static_cast<std::uint8_t>(tag + i * 7);
  return a;
}

VisitId visit_id(std::uint8_t n) { return filled<kVisitIdBytes>(static_cast<std::uint8_t>(0x10 + n)); }
SessionId session_id(std::uint8_t n) { return filled<kSessionIdBytes>(static_cast<std::uint8_t>(0x80 + n)); }
std::array<std::uint8_t, kResumeSecretBytes> secret(std::uint8_t n) {
  return filled<kResumeSecretBytes>(static_cast<std::uint8_t>(0x40 + n));
}
std::vector<std::uint8_t> opaque(std::size_t size, std::uint8_t tag) {
  std::vector<std::uint8_t> v(size);
  for (std::size_t i = 0; i < size; ++i) v[i] = static_cast<std::uint8_t>(tag ^ (i * 13));
  return v;
}

ConnectionId conn(std::uint64_t n) { return ConnectionId{n}; }

SignalingMessage make(SignalingType type, const VisitId& v, const SessionId& s, std::vector<std::uint8_t> payload = {}) {
  SignalingMessage m;
  m.type = type;
  m.visit = v;
  m.session = s;
  m.payload = std::move(payload);
  return m;
}

std::string hello(SignalingRole role, const VisitId& v, const SessionId& s, std::uint8_t secret_tag) {
  const auto sec = secret(secret_tag);
  const Hash h = signaling_resume_hash(sec);
  auto m = make(SignalingType::hello, v, s, {h.begin(), h.end()});
  m.role = role;
  return signaling_serialize(m);
}
std::string resume(const VisitId& v, const SessionId& s, std::uint8_t secret_tag) {
  const auto sec = secret(secret_tag);
  return signaling_serialize(make(SignalingType::resume, v, s, {sec.begin(), sec.end()}));
}
std::string join(const VisitId& v, const SessionId& s, const std::vector<std::uint8_t>& guest_hello) {
  return signaling_serialize(make(SignalingType::join, v, s, guest_hello));
}
std::string to_guest(SignalingType type, const VisitId& v, const SessionId& guest, std::size_t size) {
  return signaling_serialize(make(type, v, guest, opaque(size, static_cast<std::uint8_t>(type))));
}
std::string end(const VisitId& v, const SessionId& who) { return signaling_serialize(make(SignalingType::end, v, who)); }

// A sealed envelope as the gateway sees it: a real header, then bytes it cannot read.
std::vector<std::uint8_t> envelope(const VisitId& v, const SessionId& from, const SessionId& to, std::uint64_t seq) {
  std::vector<std::uint8_t> e(kEnvelopeMinBytes, 0xee);
  e[0] = kProtocolVersion;
  std::copy(v.begin(), v.end(), e.begin() + 1);
  std::copy(from.begin(), from.end(), e.begin() + 17);
  std::copy(to.begin(), to.end(), e.begin() + 33);
  e[49] = 0x12;  // ice_candidate
  store_be64(e.data() + 50, seq);
  return e;
}
std::string relay(const VisitId& v, const SessionId& from, const SessionId& to, std::uint64_t seq = 0) {
  SignalingMessage m;
  m.type = SignalingType::relay;
  m.visit = v;
  m.payload = envelope(v, from, to, seq);
  return signaling_serialize(m);
}

// What one connection was sent, parsed as a client would.
SignalingMessage parse_sent(const std::string& text) {
  auto r = signaling_parse(text, SignalingDirection::from_gateway);
  REQUIRE(r);
  return *r;
}
std::vector<SignalingMessage> sent_to(const std::vector<Outbound>& out, ConnectionId c) {
  std::vector<SignalingMessage> v;
  for (const auto& o : out)
    if (o.connection == c && o.kind == Outbound::Kind::send) v.push_back(parse_sent(o.text));
  return v;
}
std::optional<std::uint16_t> closed(const std::vector<Outbound>& out, ConnectionId c) {
  for (const auto& o : out)
    if (o.connection == c && o.kind == Outbound::Kind::close) return o.close_code;
  return std::nullopt;
}
bool touches(const std::vector<Outbound>& out, ConnectionId c) {
  for (const auto& o : out)
    if (o.connection == c) return true;
  return false;
}
bool granted_turn(const std::vector<Outbound>& out, ConnectionId c) {
  for (const auto& o : out)
    if (o.connection == c && o.kind == Outbound::Kind::grant_turn) return true;
  return false;
}
SignalingErrorCode only_error(const std::vector<Outbound>& out, ConnectionId c) {
  const auto msgs = sent_to(out, c);
  REQUIRE(msgs.size() == 1);
  REQUIRE(msgs[0].type == SignalingType::error);
  return msgs[0].code;
}

// A provider with an open room and a guest in its waiting room, on a virtual clock.
struct Clinic {
  VisitRooms rooms;
  Time now{};
  explicit Clinic(Limits limits = {}, VisitLookup lookup = {}) : rooms(limits, std::move(lookup)) {}

  std::vector<Outbound> on(ConnectionId c, const std::string& text) { return rooms.on_message(c, text, now); }

  void open(ConnectionId c, ProviderId p, const VisitId& v, const SessionId& s, std::uint8_t secret_tag) {
    rooms.on_provider_connected(c, p, now);
    const auto out = on(c, hello(SignalingRole::provider, v, s, secret_tag));
    REQUIRE(out.size() == 1);
    REQUIRE(granted_turn(out, c));  // a signed-in provider may use TURN at once
  }
  // The guest says hello and joins; returns what the gateway sent.
  std::vector<Outbound> arrive(ConnectionId c, const VisitId& v, const SessionId& s, std::uint8_t secret_tag,
                               const std::vector<std::uint8_t>& guest_hello) {
    REQUIRE(on(c, hello(SignalingRole::guest, v, s, secret_tag)).empty());
    return on(c, join(v, s, guest_hello));
  }
  void admit(ConnectionId provider, const VisitId& v, const SessionId& guest, ConnectionId guest_conn) {
    const auto out = on(provider, to_guest(SignalingType::admit, v, guest, kProviderAcceptBytes));
    const auto msgs = sent_to(out, guest_conn);
    REQUIRE(msgs.size() == 1);
    REQUIRE(msgs[0].type == SignalingType::admit);
  }
};

const ProviderId kAlice{1};
const ProviderId kBob{2};
const ConnectionId P = conn(1), G = conn(2), G2 = conn(3), P2 = conn(4), G3 = conn(5), X = conn(6);

// Provider `P` (Alice) in visit 1 with guest `G` admitted: a relaying room.
void admitted_room(Clinic& c) {
  c.open(P, kAlice, visit_id(1), session_id(1), 1);
  c.arrive(G, visit_id(1), session_id(2), 2, opaque(kGuestHelloBytes, 2));
  c.admit(P, visit_id(1), session_id(2), G);
}
bool relays(Clinic& c, ConnectionId from, const VisitId& v, const SessionId& s, const SessionId& to_session,
            ConnectionId to) {
  const auto out = c.on(from, relay(v, s, to_session));
  const auto msgs = sent_to(out, to);
  return msgs.size() == 1 && msgs[0].type == SignalingType::relay && msgs[0].payload == envelope(v, s, to_session, 0);
}

}  // namespace

// ---------------------------------------------------------------------------
// the visit flow

TEST_CASE("a guest waits, the provider sees the sealed name, admits, both relay, and ending closes all",
          "[gateway][rooms]") {
  REQUIRE(kSodiumReady >= 0);
  Clinic c;
  const VisitId v = visit_id(1);
  c.open(P, kAlice, v, session_id(1), 1);
  CHECK(c.rooms.room_count() == 1);

  // Hello alone tells the provider nothing; join puts the guest in the waiting room.
  CHECK(c.on(G, hello(SignalingRole::guest, v, session_id(2), 2)).empty());
  const auto sealed_name = opaque(kGuestHelloBytes, 0x5a);
  auto out = c.on(G, join(v, session_id(2), sealed_name));
  auto to_provider = sent_to(out, P);
  REQUIRE(to_provider.size() == 1);
  CHECK(to_provider[0].type == SignalingType::waiting);
  CHECK(to_provider[0].session == session_id(2));
  CHECK(to_provider[0].payload == sealed_name);  // passed on byte for byte, never opened
  CHECK_FALSE(touches(out, G));
  CHECK(c.rooms.room(v)->waiting_count() == 1);

  const auto accept = opaque(kProviderAcceptBytes, 0x33);
  out = c.on(P, signaling_serialize(make(SignalingType::admit, v, session_id(2), accept)));
  auto to_guest_msgs = sent_to(out, G);
  REQUIRE(to_guest_msgs.size() == 1);
  CHECK(to_guest_msgs[0].type == SignalingType::admit);  // parsed from_gateway (PROTOCOL.md §11)
  CHECK(to_guest_msgs[0].visit == v);
  CHECK(to_guest_msgs[0].session == session_id(2));
  CHECK(to_guest_msgs[0].payload == accept);
  CHECK_FALSE(touches(out, P));
  CHECK(c.rooms.room(v)->admitted_count() == 2);

  CHECK(relays(c, G, v, session_id(2), session_id(1), P));
  CHECK(relays(c, P, v, session_id(1), session_id(2), G));

  out = c.on(P, end(v, session_id(1)));
  to_guest_msgs = sent_to(out, G);
  REQUIRE(to_guest_msgs.size() == 1);
  CHECK(to_guest_msgs[0].type == SignalingType::end);
  CHECK(to_guest_msgs[0].session == session_id(1));
  CHECK(closed(out, G) == close_code::kVisitEnded);
  CHECK(closed(out, P) == close_code::kVisitEnded);
  CHECK(c.rooms.room_count() == 0);
  CHECK(c.rooms.connection_count() == 0);
  CHECK_FALSE(c.rooms.next_wakeup());
}

TEST_CASE("ending a visit closes waiting guests and guests that only said hello", "[gateway][rooms]") {
  Clinic c;
  admitted_room(c);
  c.arrive(G2, visit_id(1), session_id(3), 3, opaque(kGuestHelloBytes, 3));
  REQUIRE(c.on(G3, hello(SignalingRole::guest, visit_id(1), session_id(4), 4)).empty());
  const auto out = c.on(P, end(visit_id(1), session_id(1)));
  for (const auto who : {G, G2, G3}) CHECK(closed(out, who) == close_code::kVisitEnded);
  CHECK(c.rooms.connection_count() == 0);
}

TEST_CASE("a visit ended from outside closes everyone in its room and frees the provider's room slot",
          "[gateway][rooms]") {
  Clinic c;
  admitted_room(c);
  c.arrive(G2, visit_id(1), session_id(3), 3, opaque(kGuestHelloBytes, 3));
  c.open(P2, kAlice, visit_id(2), session_id(5), 5);  // another of Alice's rooms stays open
  c.now += 1s;
  const auto out = c.rooms.end_visit(visit_id(1));
  CHECK(closed(out, P) == close_code::kVisitEnded);
  for (const auto who : {G, G2}) {
    CHECK(closed(out, who) == close_code::kVisitEnded);
    const auto msgs = sent_to(out, who);
    REQUIRE(msgs.size() == 1);
    CHECK(msgs[0].type == SignalingType::end);
  }
  CHECK_FALSE(touches(out, P2));
  CHECK(c.rooms.room(visit_id(1)) == nullptr);
  CHECK(c.rooms.room(visit_id(2)) != nullptr);
  CHECK(c.rooms.room_count() == 1);
  CHECK(c.rooms.connection_count() == 1);
  // Ending it again, or a visit that never had a room, does nothing.
  CHECK(c.rooms.end_visit(visit_id(1)).empty());
  CHECK(c.rooms.end_visit(visit_id(9)).empty());
  // The room's deadlines went with it: a later timeout touches nobody.
  c.now += 1h;
  CHECK_FALSE(touches(c.rooms.on_timeout(c.now), P));
}

TEST_CASE("an expelled guest (a revoked kiosk) is closed with its code, leaves for good, and nobody else is touched",
          "[gateway][rooms]") {
  Clinic c;
  admitted_room(c);
  c.arrive(G2, visit_id(1), session_id(3), 3, opaque(kGuestHelloBytes, 3));
  c.now += 1s;
  const auto out = c.rooms.expel(G, close_code::kKioskRevoked, "kiosk revoked", c.now);
  CHECK(closed(out, G) == close_code::kKioskRevoked);
  // The provider learns the guest is gone, as after the guest's own `end`.
  const auto told = sent_to(out, P);
  REQUIRE(told.size() == 1);
  CHECK(told[0].type == SignalingType::end);
  CHECK(told[0].session == session_id(2));
  CHECK_FALSE(closed(out, P));
  CHECK_FALSE(touches(out, G2));
  // Gone, not away: its resume secret no longer brings it back.
  const auto back = c.on(X, resume(visit_id(1), session_id(2), 2));
  CHECK(only_error(back, X) == SignalingErrorCode::expired);
  // A connection that never said hello, or one already gone, is just closed.
  c.rooms.on_connected(G3, c.now);
  CHECK(closed(c.rooms.expel(G3, close_code::kKioskRevoked, "kiosk revoked", c.now), G3) == close_code::kKioskRevoked);
  CHECK(closed(c.rooms.expel(G3, close_code::kKioskRevoked, "kiosk revoked", c.now), G3) == close_code::kKioskRevoked);
  CHECK(c.rooms.connection_count() == 2);  // P and G2
}

TEST_CASE("a denied guest gets the sealed deny and is closed, and cannot be admitted afterwards", "[gateway][rooms]") {
  Clinic c;
  const VisitId v = visit_id(1);
  c.open(P, kAlice, v, session_id(1), 1);
  c.arrive(G, v, session_id(2), 2, opaque(kGuestHelloBytes, 2));
  const auto deny_bytes = opaque(kProviderDenyBytes, 0x44);
  auto out = c.on(P, signaling_serialize(make(SignalingType::deny, v, session_id(2), deny_bytes)));
  const auto msgs = sent_to(out, G);
  REQUIRE(msgs.size() == 1);
  CHECK(msgs[0].type == SignalingType::deny);
  CHECK(msgs[0].payload == deny_bytes);
  CHECK(closed(out, G) == close_code::kDenied);
  CHECK(c.rooms.room(v)->waiting_count() == 0);

  out = c.on(P, to_guest(SignalingType::admit, v, session_id(2), kProviderAcceptBytes));
  CHECK(only_error(out, P) == SignalingErrorCode::not_allowed);
  CHECK_FALSE(closed(out, P));  // a race, not misbehaviour: the provider stays
}

TEST_CASE("a guest denied while away learns it on resume and is then closed", "[gateway][rooms]") {
  Clinic c;
  const VisitId v = visit_id(1);
  c.open(P, kAlice, v, session_id(1), 1);
  c.arrive(G, v, session_id(2), 2, opaque(kGuestHelloBytes, 2));
  REQUIRE(c.rooms.on_disconnect(G, c.now).empty());
  const auto deny_bytes = opaque(kProviderDenyBytes, 0x45);
  CHECK(c.on(P, signaling_serialize(make(SignalingType::deny, v, session_id(2), deny_bytes))).empty());
  // No longer waiting: it cannot be admitted now.
  auto out = c.on(P, to_guest(SignalingType::admit, v, session_id(2), kProviderAcceptBytes));
  CHECK(only_error(out, P) == SignalingErrorCode::not_allowed);
  c.now += 5s;
  out = c.on(G2, resume(v, session_id(2), 2));
  const auto msgs = sent_to(out, G2);
  REQUIRE(msgs.size() == 2);
  CHECK(msgs[0].type == SignalingType::resumed);
  CHECK(msgs[1].type == SignalingType::deny);
  CHECK(msgs[1].payload == deny_bytes);
  CHECK(closed(out, G2) == close_code::kDenied);
  CHECK(c.rooms.room(v)->find(session_id(2)) == nullptr);
  CHECK(c.rooms.connection_count() == 1);
}

TEST_CASE("the provider sends a sealed note to a waiting guest, who keeps waiting", "[gateway][rooms]") {
  Clinic c;
  const VisitId v = visit_id(1);
  c.open(P, kAlice, v, session_id(1), 1);
  c.arrive(G, v, session_id(2), 2, opaque(kGuestHelloBytes, 2));
  const auto note_bytes = opaque(kProviderNoteBytes, 0x77);
  const auto out = c.on(P, signaling_serialize(make(SignalingType::note, v, session_id(2), note_bytes)));
  const auto msgs = sent_to(out, G);
  REQUIRE(msgs.size() == 1);
  CHECK(msgs[0].type == SignalingType::note);
  CHECK(msgs[0].payload == note_bytes);
  CHECK_FALSE(closed(out, G));
  CHECK(c.rooms.room(v)->find(session_id(2))->place == VisitRoom::Place::waiting);
  // A note to nobody waiting is refused without closing the provider.
  const auto none = c.on(P, to_guest(SignalingType::note, v, session_id(9), kProviderNoteBytes));
  CHECK(only_error(none, P) == SignalingErrorCode::not_allowed);
}

TEST_CASE("a guest's own end leaves the visit and the provider is told", "[gateway][rooms]") {
  Clinic c;
  admitted_room(c);
  const auto out = c.on(G, end(visit_id(1), session_id(2)));
  CHECK(closed(out, G) == close_code::kLeft);
  const auto msgs = sent_to(out, P);
  REQUIRE(msgs.size() == 1);
  CHECK(msgs[0].type == SignalingType::end);
  CHECK(msgs[0].session == session_id(2));
  CHECK(c.rooms.room(visit_id(1))->admitted_count() == 1);
}

// ---------------------------------------------------------------------------
// who may do what

TEST_CASE("an unadmitted guest cannot reach the provider", "[gateway][rooms]") {
  Clinic c;
  const VisitId v = visit_id(1);
  c.open(P, kAlice, v, session_id(1), 1);
  c.arrive(G, v, session_id(2), 2, opaque(kGuestHelloBytes, 2));

  auto out = c.on(G, relay(v, session_id(2), session_id(1)));
  CHECK(only_error(out, G) == SignalingErrorCode::not_allowed);
  CHECK_FALSE(touches(out, P));
  // Nor can the provider push envelopes at a guest it has not admitted.
  out = c.on(P, relay(v, session_id(1), session_id(2)));
  CHECK(only_error(out, P) == SignalingErrorCode::not_allowed);
  CHECK_FALSE(touches(out, G));
  // A guest cannot admit itself or note anyone.
  out = c.on(G, to_guest(SignalingType::admit, v, session_id(2), kProviderAcceptBytes));
  CHECK(closed(out, G) == close_code::kNotAllowed);
  CHECK_FALSE(touches(out, P));
}

TEST_CASE("a guest that joins before hello, or joins as someone else, is refused", "[gateway][rooms]") {
  Clinic c;
  const VisitId v = visit_id(1);
  c.open(P, kAlice, v, session_id(1), 1);
  auto out = c.on(G, join(v, session_id(2), opaque(kGuestHelloBytes, 2)));
  CHECK(closed(out, G) == close_code::kNotAllowed);
  CHECK_FALSE(touches(out, P));
  REQUIRE(c.on(G2, hello(SignalingRole::guest, v, session_id(3), 3)).empty());
  out = c.on(G2, join(v, session_id(4), opaque(kGuestHelloBytes, 4)));
  CHECK(closed(out, G2) == close_code::kNotAllowed);
  CHECK_FALSE(touches(out, P));
}

TEST_CASE("provider A cannot open, admit into or end provider B's visit", "[gateway][rooms]") {
  Clinic c;
  admitted_room(c);  // Alice's visit 1
  c.open(P2, kBob, visit_id(2), session_id(11), 11);
  c.arrive(G2, visit_id(2), session_id(12), 12, opaque(kGuestHelloBytes, 12));

  // Alice's connection names Bob's visit.
  auto out = c.on(P, to_guest(SignalingType::admit, visit_id(2), session_id(12), kProviderAcceptBytes));
  CHECK(closed(out, P) == close_code::kNotAllowed);
  CHECK_FALSE(touches(out, G2));
  CHECK_FALSE(touches(out, P2));
  // A fresh connection signed in as Alice tries to open Bob's visit.
  c.rooms.on_provider_connected(X, kAlice, c.now);
  out = c.on(X, hello(SignalingRole::provider, visit_id(2), session_id(20), 20));
  CHECK(only_error(out, X) == SignalingErrorCode::not_allowed);
  CHECK(closed(out, X) == close_code::kNotAllowed);
  CHECK_FALSE(touches(out, P2));
  // An unsigned connection cannot be a provider at all.
  out = c.on(G3, hello(SignalingRole::provider, visit_id(3), session_id(21), 21));
  CHECK(closed(out, G3) == close_code::kNotAllowed);
  CHECK(c.rooms.room_count() == 2);

  // Bob's visit carries on; so does Alice's, without the connection that misbehaved.
  c.admit(P2, visit_id(2), session_id(12), G2);
  CHECK(relays(c, G2, visit_id(2), session_id(12), session_id(11), P2));
  CHECK(c.rooms.room(visit_id(1))->find(session_id(1))->connection == std::nullopt);  // away, resumable
}

TEST_CASE("the visit lookup decides who owns a visit and how many people it holds", "[gateway][rooms]") {
  const VisitLookup lookup = [](ProviderId p, const VisitId& v) -> std::optional<RoomSettings> {
    if (p == kAlice && v == visit_id(1)) return RoomSettings{3};
    return std::nullopt;
  };
  Clinic c({}, lookup);
  c.rooms.on_provider_connected(P2, kBob, c.now);
  auto out = c.on(P2, hello(SignalingRole::provider, visit_id(1), session_id(11), 11));
  CHECK(closed(out, P2) == close_code::kUnknownVisit);
  CHECK(c.rooms.room_count() == 0);

  admitted_room(c);
  CHECK(c.rooms.room(visit_id(1))->capacity() == 3);
  c.arrive(G2, visit_id(1), session_id(3), 3, opaque(kGuestHelloBytes, 3));
  c.admit(P, visit_id(1), session_id(3), G2);  // a third person: this visit allows it
  CHECK(relays(c, G2, visit_id(1), session_id(3), session_id(2), G));
}

TEST_CASE("a room with admits left (a live share's opens) admits no one more, and turns new guests away",
          "[gateway][rooms][limits]") {
  const VisitLookup lookup = [](ProviderId p, const VisitId& v) -> std::optional<RoomSettings> {
    if (p == kAlice && v == visit_id(1)) return RoomSettings{kDefaultPeoplePerRoom, true, std::size_t{1}};
    return std::nullopt;
  };
  Clinic c({}, lookup);
  c.open(P, kAlice, visit_id(1), session_id(1), 1);
  c.arrive(G, visit_id(1), session_id(2), 2, opaque(kGuestHelloBytes, 2));
  c.arrive(G2, visit_id(1), session_id(3), 3, opaque(kGuestHelloBytes, 3));
  c.admit(P, visit_id(1), session_id(2), G);  // the one open allowed
  // The first leaves; the room has space, but no admits left.
  REQUIRE_FALSE(c.on(G, end(visit_id(1), session_id(2))).empty());
  auto out = c.on(P, to_guest(SignalingType::admit, visit_id(1), session_id(3), kProviderAcceptBytes));
  CHECK(only_error(out, P) == SignalingErrorCode::not_allowed);
  CHECK(c.rooms.room(visit_id(1))->find(session_id(3))->place == VisitRoom::Place::waiting);
  out = c.on(X, hello(SignalingRole::guest, visit_id(1), session_id(5), 5));
  CHECK(only_error(out, X) == SignalingErrorCode::expired);
  CHECK(closed(out, X) == close_code::kVisitEnded);
  CHECK_FALSE(touches(out, P));
}

TEST_CASE("a guest cannot spoof another sender in an envelope header", "[gateway][rooms]") {
  Clinic c;
  admitted_room(c);
  c.arrive(G2, visit_id(1), session_id(3), 3, opaque(kGuestHelloBytes, 3));
  // G names the provider as the sender of its envelope.
  auto out = c.on(G, relay(visit_id(1), session_id(1), session_id(1)));
  CHECK(closed(out, G) == close_code::kNotAllowed);
  CHECK_FALSE(touches(out, P));
  // An envelope to someone not admitted here is refused, without closing the provider.
  out = c.on(P, relay(visit_id(1), session_id(1), session_id(3)));
  CHECK(only_error(out, P) == SignalingErrorCode::not_allowed);
  CHECK_FALSE(touches(out, G2));
}

TEST_CASE("a relay in another JSON form is routed and refused exactly like the form clients send",
          "[gateway][rooms]") {
  // The common form takes the fast path (shared/signaling_relay.hpp); an
  // escape in "type" sends the same message through signaling_parse. Both
  // must give the same answers, the same texts to the same connections.
  const auto other_form = [](std::string text) {
    const std::string type = R"("type":"relay")";
    const auto at = text.find(type);
    REQUIRE(at != std::string::npos);
    return text.replace(at, type.size(), R"("type":"rel\u0061y")");
  };
  const auto same = [](const std::vector<Outbound>& a, const std::vector<Outbound>& b) {
    REQUIRE(a.size() == b.size());
    for (std::size_t i = 0; i < a.size(); ++i) {
      CHECK(a[i].connection == b[i].connection);
      CHECK(a[i].kind == b[i].kind);
      CHECK(a[i].text == b[i].text);
      CHECK(a[i].close_code == b[i].close_code);
      CHECK(a[i].reason == b[i].reason);
    }
  };
  const std::vector<std::pair<ConnectionId, std::string>> cases = {
      {G, relay(visit_id(1), session_id(2), session_id(1))},   // relayed to the provider
      {P, relay(visit_id(1), session_id(1), session_id(2))},   // relayed to the guest
      {P, relay(visit_id(1), session_id(1), session_id(3))},   // to a guest not admitted
      {G2, relay(visit_id(1), session_id(3), session_id(1))},  // from a guest not admitted
      {G, relay(visit_id(2), session_id(2), session_id(1))},   // another visit
      {X, relay(visit_id(1), session_id(2), session_id(1))},   // before hello
      {G, relay(visit_id(1), session_id(1), session_id(1))},   // a spoofed sender: closed
  };
  for (const auto& [from, text] : cases) {
    INFO(text.substr(0, 60));
    Clinic common, other;
    for (Clinic* c : {&common, &other}) {
      admitted_room(*c);
      c->arrive(G2, visit_id(1), session_id(3), 3, opaque(kGuestHelloBytes, 3));
      c->rooms.on_connected(X, c->now);
    }
    REQUIRE(signaling_parse_relay(text));
    REQUIRE_FALSE(signaling_parse_relay(other_form(text)));
    same(common.on(from, text), other.on(from, other_form(text)));
  }
}

TEST_CASE("a provider that reloads takes over its visit and sees the waiting room again", "[gateway][rooms]") {
  Clinic c;
  admitted_room(c);
  const auto guest_hello = opaque(kGuestHelloBytes, 3);
  c.arrive(G2, visit_id(1), session_id(3), 3, guest_hello);
  c.rooms.on_provider_connected(P2, kAlice, c.now);
  const auto out = c.on(P2, hello(SignalingRole::provider, visit_id(1), session_id(31), 31));
  CHECK(closed(out, P) == close_code::kReplaced);
  CHECK(closed(out, G) == close_code::kVisitEnded);  // its keys were with the old page
  CHECK_FALSE(closed(out, G2));
  const auto msgs = sent_to(out, P2);
  REQUIRE(msgs.size() == 1);
  CHECK(msgs[0].type == SignalingType::waiting);
  CHECK(msgs[0].payload == guest_hello);
  c.admit(P2, visit_id(1), session_id(3), G2);
  CHECK(relays(c, G2, visit_id(1), session_id(3), session_id(31), P2));
}

// ---------------------------------------------------------------------------
// resume

TEST_CASE("a waiting guest that resumes within the grace keeps its place and gets what it missed",
          "[gateway][resume]") {
  Clinic c;
  const VisitId v = visit_id(1);
  c.open(P, kAlice, v, session_id(1), 1);
  c.arrive(G, v, session_id(2), 2, opaque(kGuestHelloBytes, 2));
  CHECK(c.rooms.on_disconnect(G, c.now).empty());
  CHECK(c.rooms.next_wakeup() == c.now + kResumeGrace);

  c.now += 10s;
  // Admitted while away: held for it.
  auto out = c.on(P, to_guest(SignalingType::admit, v, session_id(2), kProviderAcceptBytes));
  CHECK(out.empty());
  c.now += kResumeGrace - 11s;
  CHECK(c.rooms.on_timeout(c.now).empty());
  out = c.on(G2, resume(v, session_id(2), 2));
  const auto msgs = sent_to(out, G2);
  REQUIRE(msgs.size() == 2);
  CHECK(msgs[0].type == SignalingType::resumed);
  CHECK(msgs[0].visit == v);
  CHECK(msgs[0].session == session_id(2));
  CHECK(msgs[1].type == SignalingType::admit);
  CHECK(msgs[1].session == session_id(2));
  CHECK(msgs[1].payload == opaque(kProviderAcceptBytes, static_cast<std::uint8_t>(SignalingType::admit)));
  CHECK_FALSE(closed(out, G2));
  CHECK_FALSE(c.rooms.next_wakeup());
  CHECK(relays(c, G2, v, session_id(2), session_id(1), P));
  CHECK(relays(c, P, v, session_id(1), session_id(2), G2));
}

TEST_CASE("an admitted guest resumes on a new connection while the old one still looks open", "[gateway][resume]") {
  Clinic c;
  admitted_room(c);
  const auto out = c.on(G2, resume(visit_id(1), session_id(2), 2));
  CHECK(closed(out, G) == close_code::kReplaced);
  CHECK_FALSE(closed(out, G2));
  const auto msgs = sent_to(out, G2);
  REQUIRE(msgs.size() == 1);
  CHECK(msgs[0].type == SignalingType::resumed);
  CHECK_FALSE(touches(out, P));
  CHECK(relays(c, P, visit_id(1), session_id(1), session_id(2), G2));
}

TEST_CASE("a provider resumes within the grace and its guests never notice", "[gateway][resume]") {
  Clinic c;
  admitted_room(c);
  CHECK(c.rooms.on_disconnect(P, c.now).empty());
  c.now += 5s;
  // The guest keeps talking; the provider's messages wait for it.
  CHECK(c.on(G, relay(visit_id(1), session_id(2), session_id(1))).empty());
  // A resume without the provider's sign-in is refused, even with the secret.
  auto out = c.on(X, resume(visit_id(1), session_id(1), 1));
  CHECK(closed(out, X) == close_code::kNotAllowed);
  c.rooms.on_provider_connected(P2, kAlice, c.now);
  out = c.on(P2, resume(visit_id(1), session_id(1), 1));
  const auto msgs = sent_to(out, P2);
  REQUIRE(msgs.size() == 2);
  CHECK(msgs[0].type == SignalingType::resumed);
  CHECK(msgs[0].session == session_id(1));
  CHECK(msgs[1].type == SignalingType::relay);
  CHECK_FALSE(touches(out, G));
}

TEST_CASE("after the grace a guest's place is gone and its resume is refused", "[gateway][resume]") {
  Clinic c;
  admitted_room(c);
  CHECK(c.rooms.on_disconnect(G, c.now).empty());
  c.now += kResumeGrace;
  const auto out = c.rooms.on_timeout(c.now);
  const auto msgs = sent_to(out, P);
  REQUIRE(msgs.size() == 1);
  CHECK(msgs[0].type == SignalingType::end);
  CHECK(msgs[0].session == session_id(2));
  const auto late = c.on(G2, resume(visit_id(1), session_id(2), 2));
  CHECK(only_error(late, G2) == SignalingErrorCode::expired);
  CHECK(closed(late, G2) == close_code::kExpired);
}

TEST_CASE("a resume after the grace is refused even before the timeout has run", "[gateway][resume]") {
  Clinic c;
  admitted_room(c);
  CHECK(c.rooms.on_disconnect(G, c.now).empty());
  c.now += kResumeGrace + 1ms;
  const auto late = c.on(G2, resume(visit_id(1), session_id(2), 2));
  CHECK(closed(late, G2) == close_code::kExpired);
}

TEST_CASE("a provider away past the grace ends the visit for everyone", "[gateway][resume]") {
  Clinic c;
  admitted_room(c);
  c.arrive(G2, visit_id(1), session_id(3), 3, opaque(kGuestHelloBytes, 3));
  CHECK(c.rooms.on_disconnect(P, c.now).empty());
  c.now += kResumeGrace - 1s;
  CHECK(c.rooms.on_timeout(c.now).empty());
  c.now += 1s;
  const auto out = c.rooms.on_timeout(c.now);
  CHECK(closed(out, G) == close_code::kVisitEnded);
  CHECK(closed(out, G2) == close_code::kVisitEnded);
  CHECK(c.rooms.room_count() == 0);
  CHECK(c.rooms.connection_count() == 0);
}

TEST_CASE("a replayed resume secret is refused, and a new hello allows one more resume", "[gateway][resume]") {
  Clinic c;
  admitted_room(c);
  REQUIRE(c.rooms.on_disconnect(G, c.now).empty());
  REQUIRE_FALSE(closed(c.on(G2, resume(visit_id(1), session_id(2), 2)), G2));
  REQUIRE(c.rooms.on_disconnect(G2, c.now).empty());

  auto out = c.on(G3, resume(visit_id(1), session_id(2), 2));
  CHECK(only_error(out, G3) == SignalingErrorCode::not_allowed);
  CHECK(closed(out, G3) == close_code::kNotAllowed);
  // The session keeps its place: its rightful owner may still come back with a fresh secret... once it has one.
  CHECK(c.rooms.room(visit_id(1))->find(session_id(2)) != nullptr);

  // Same again, but the resumed client re-arms with a new secret first.
  Clinic d;
  admitted_room(d);
  REQUIRE(d.rooms.on_disconnect(G, d.now).empty());
  REQUIRE_FALSE(closed(d.on(G2, resume(visit_id(1), session_id(2), 2)), G2));
  REQUIRE(d.on(G2, hello(SignalingRole::guest, visit_id(1), session_id(2), 42)).empty());
  REQUIRE(d.rooms.on_disconnect(G2, d.now).empty());
  CHECK(closed(d.on(G3, resume(visit_id(1), session_id(2), 2)), G3) == close_code::kNotAllowed);
  out = d.on(X, resume(visit_id(1), session_id(2), 42));
  CHECK_FALSE(closed(out, X));
  CHECK(relays(d, P, visit_id(1), session_id(1), session_id(2), X));
}

TEST_CASE("a resume with the wrong secret or an unknown session is refused", "[gateway][resume]") {
  Clinic c;
  admitted_room(c);
  REQUIRE(c.rooms.on_disconnect(G, c.now).empty());
  CHECK(closed(c.on(G2, resume(visit_id(1), session_id(2), 99)), G2) == close_code::kNotAllowed);
  CHECK(closed(c.on(G3, resume(visit_id(1), session_id(77), 2)), G3) == close_code::kExpired);
  CHECK(closed(c.on(X, resume(visit_id(9), session_id(2), 2)), X) == close_code::kUnknownVisit);
  // The wrong guesses did not use up the real secret.
  CHECK_FALSE(closed(c.on(conn(50), resume(visit_id(1), session_id(2), 2)), conn(50)));
}

TEST_CASE("messages held for someone away are bounded; past the bound it loses its place", "[gateway][resume]") {
  Limits limits;
  limits.max_held_messages = 3;
  Clinic c(limits);
  admitted_room(c);
  REQUIRE(c.rooms.on_disconnect(G, c.now).empty());
  for (std::uint64_t i = 0; i < 4; ++i) CHECK(c.on(P, relay(visit_id(1), session_id(1), session_id(2), i)).empty());
  CHECK(c.rooms.next_wakeup() == c.now);
  const auto out = c.rooms.on_timeout(c.now);
  REQUIRE(sent_to(out, P).size() == 1);
  CHECK(c.rooms.room(visit_id(1))->find(session_id(2)) == nullptr);
}

// ---------------------------------------------------------------------------
// limits: only the offending connection is closed; another room keeps relaying

TEST_CASE("a message over the size limit closes only its connection", "[gateway][limits]") {
  Clinic c;
  admitted_room(c);
  c.open(P2, kBob, visit_id(2), session_id(11), 11);
  c.arrive(G2, visit_id(2), session_id(12), 12, opaque(kGuestHelloBytes, 12));
  c.admit(P2, visit_id(2), session_id(12), G2);

  const std::string huge(kMaxMessageBytes + 1, ' ');
  const auto out = c.on(G2, huge);
  CHECK(closed(out, G2) == close_code::kMessageTooBig);
  CHECK(only_error(out, G2) == SignalingErrorCode::too_large);
  CHECK_FALSE(touches(out, P2));
  CHECK(relays(c, P, visit_id(1), session_id(1), session_id(2), G));
  CHECK(relays(c, G, visit_id(1), session_id(2), session_id(1), P));
  // The guest keeps its place for the grace, as after a drop.
  CHECK(c.rooms.room(visit_id(2))->find(session_id(12)) != nullptr);
}

TEST_CASE("too many messages per second closes only that connection", "[gateway][limits]") {
  Limits limits;
  limits.messages_per_second = 10;
  limits.message_burst = 5;
  Clinic c(limits);
  admitted_room(c);
  c.open(P2, kBob, visit_id(2), session_id(11), 11);
  c.arrive(G2, visit_id(2), session_id(12), 12, opaque(kGuestHelloBytes, 12));  // 2 of G2's 5 tokens
  c.admit(P2, visit_id(2), session_id(12), G2);

  c.now += 1s;  // everyone's bucket is full again
  for (int i = 0; i < 5; ++i) REQUIRE_FALSE(closed(c.on(G2, relay(visit_id(2), session_id(12), session_id(11))), G2));
  auto out = c.on(G2, relay(visit_id(2), session_id(12), session_id(11)));
  CHECK(only_error(out, G2) == SignalingErrorCode::rate_limited);
  CHECK(closed(out, G2) == close_code::kRateLimited);
  CHECK_FALSE(touches(out, P2));
  CHECK(relays(c, P, visit_id(1), session_id(1), session_id(2), G));

  // A well-paced sender is never limited: 10 per second for 3 seconds.
  for (int i = 0; i < 30; ++i) {
    c.now += 100ms;
    REQUIRE(relays(c, G, visit_id(1), session_id(2), session_id(1), P));
  }
}

TEST_CASE("admitting beyond the room's people limit is refused without closing anyone", "[gateway][limits]") {
  Clinic c;
  admitted_room(c);
  c.arrive(G2, visit_id(1), session_id(3), 3, opaque(kGuestHelloBytes, 3));
  const auto out = c.on(P, to_guest(SignalingType::admit, visit_id(1), session_id(3), kProviderAcceptBytes));
  CHECK(only_error(out, P) == SignalingErrorCode::visit_full);
  CHECK(out.size() == 1);
  CHECK(c.rooms.room(visit_id(1))->find(session_id(3))->place == VisitRoom::Place::waiting);
  CHECK(relays(c, G, visit_id(1), session_id(2), session_id(1), P));
}

TEST_CASE("a full waiting room turns the next guest away", "[gateway][limits]") {
  Limits limits;
  limits.max_waiting_per_room = 2;
  Clinic c(limits);
  admitted_room(c);
  c.arrive(G2, visit_id(1), session_id(3), 3, opaque(kGuestHelloBytes, 3));
  REQUIRE(c.on(G3, hello(SignalingRole::guest, visit_id(1), session_id(4), 4)).empty());
  const auto out = c.on(X, hello(SignalingRole::guest, visit_id(1), session_id(5), 5));
  CHECK(only_error(out, X) == SignalingErrorCode::visit_full);
  CHECK(closed(out, X) == close_code::kVisitFull);
  CHECK_FALSE(touches(out, P));
  CHECK(relays(c, G, visit_id(1), session_id(2), session_id(1), P));
}

TEST_CASE("a provider over the rooms-per-provider limit is refused that room only", "[gateway][limits]") {
  Clinic c;
  admitted_room(c);
  for (std::uint8_t i = 2; i <= kMaxRoomsPerProvider; ++i)
    c.open(conn(100 + i), kAlice, visit_id(i), session_id(static_cast<std::uint8_t>(40 + i)), i);
  const ConnectionId extra = conn(200);
  c.rooms.on_provider_connected(extra, kAlice, c.now);
  auto out = c.on(extra, hello(SignalingRole::provider, visit_id(50), session_id(60), 60));
  CHECK(only_error(out, extra) == SignalingErrorCode::room_limit);
  CHECK(closed(out, extra) == close_code::kTooManyRooms);
  CHECK(c.rooms.room_count() == kMaxRoomsPerProvider);
  CHECK(relays(c, G, visit_id(1), session_id(2), session_id(1), P));
  // Another provider is not affected by Alice's count; ending one frees a place.
  c.open(P2, kBob, visit_id(60), session_id(61), 61);
  out = c.on(P, end(visit_id(1), session_id(1)));
  c.rooms.on_provider_connected(conn(201), kAlice, c.now);
  CHECK(granted_turn(c.on(conn(201), hello(SignalingRole::provider, visit_id(50), session_id(60), 60)), conn(201)));
}

TEST_CASE("a guest for a visit with no open room is told so", "[gateway][limits]") {
  Clinic c;
  const auto out = c.on(G, hello(SignalingRole::guest, visit_id(7), session_id(2), 2));
  CHECK(only_error(out, G) == SignalingErrorCode::unknown_visit);
  CHECK(closed(out, G) == close_code::kUnknownVisit);
  CHECK(c.rooms.connection_count() == 0);
}

// ---------------------------------------------------------------------------
// malformed input

TEST_CASE("malformed or misdirected JSON gets a clear error and a close, and nothing else breaks",
          "[gateway][limits]") {
  Clinic c;
  admitted_room(c);
  const std::vector<std::pair<std::string, std::string>> cases{
      {"", "not_json"},
      {"{", "not_json"},
      {"\xff\xfe", "not_json"},
      {"[]", "not_object"},
      {R"({"type":"hello","x":{}})", "nested"},
      {R"({"type":"end","type":"end"})", "duplicate_member"},
      {R"({"type":"launch"})", "unknown_type"},
      {R"({"type":"waiting"})", "wrong_direction"},
      {R"({"type":"end","visit":"AAAAAAAAAAAAAAAAAAAAAA"})", "missing_member"},
      {R"({"type":"end","visit":1,"session":"AAAAAAAAAAAAAAAAAAAAAA"})", "wrong_json_type"},
      {R"({"type":"end","visit":"AAAA","session":"AAAAAAAAAAAAAAAAAAAAAA"})", "bad_value"},
  };
  std::uint64_t id = 300;
  for (const auto& [text, detail] : cases) {
    const ConnectionId who = conn(id++);
    const auto out = c.on(who, text);
    const auto msgs = sent_to(out, who);
    REQUIRE(msgs.size() == 1);
    CHECK(msgs[0].type == SignalingType::error);
    CHECK(msgs[0].code == SignalingErrorCode::bad_message);
    CHECK(msgs[0].detail == detail);
    CHECK(closed(out, who) == close_code::kBadMessage);
    CHECK(out.size() == 2);
  }
  // From a member: it is closed, keeps its place, and the room carries on.
  const auto out = c.on(G, "not json at all");
  CHECK(closed(out, G) == close_code::kBadMessage);
  CHECK_FALSE(touches(out, P));
  const auto back = c.on(G2, resume(visit_id(1), session_id(2), 2));
  REQUIRE(sent_to(back, G2).size() == 1);
  CHECK(sent_to(back, G2)[0].type == SignalingType::resumed);
  CHECK(relays(c, P, visit_id(1), session_id(1), session_id(2), G2));
}

TEST_CASE("messages out of order are refused: no hello, two hellos, a resume on a bound connection",
          "[gateway][rooms]") {
  Clinic c;
  admitted_room(c);
  CHECK(closed(c.on(X, relay(visit_id(1), session_id(2), session_id(1))), X) == close_code::kNotAllowed);
  CHECK(closed(c.on(G, hello(SignalingRole::guest, visit_id(1), session_id(9), 9)), G) == close_code::kNotAllowed);
  CHECK(closed(c.on(P, resume(visit_id(1), session_id(1), 1)), P) == close_code::kNotAllowed);
  // The events of a connection the core already closed are harmless.
  CHECK(c.rooms.on_disconnect(G, c.now).empty());
  CHECK(c.rooms.on_disconnect(conn(999), c.now).empty());
  CHECK(c.rooms.on_timeout(c.now).empty());
}

TEST_CASE("a connection that says no hello in time is closed; one that does is kept", "[gateway][limits]") {
  Clinic c;
  c.rooms.on_connected(P, c.now);
  c.rooms.on_provider_connected(P, kAlice, c.now);
  c.rooms.on_connected(G, c.now + 1s);
  c.rooms.on_connected(X, c.now + 2s);
  CHECK(c.rooms.next_wakeup() == c.now + kHelloTimeout);
  REQUIRE(granted_turn(c.on(P, hello(SignalingRole::provider, visit_id(1), session_id(1), 1)), P));
  c.now += 5s;
  REQUIRE(c.on(G, hello(SignalingRole::guest, visit_id(1), session_id(2), 2)).empty());
  CHECK(c.rooms.next_wakeup() == Time{} + 2s + kHelloTimeout);  // only X is still due
  c.now = Time{} + 2s + kHelloTimeout;
  const auto out = c.rooms.on_timeout(c.now);
  CHECK(only_error(out, X) == SignalingErrorCode::timeout);
  CHECK(closed(out, X) == close_code::kHelloTimeout);
  CHECK_FALSE(touches(out, P));
  CHECK_FALSE(touches(out, G));
  CHECK_FALSE(c.rooms.next_wakeup());
  CHECK(c.rooms.connection_count() == 2);
  // A connection that leaves before its deadline leaves no timer behind.
  c.rooms.on_connected(G2, c.now);
  CHECK(c.rooms.on_disconnect(G2, c.now).empty());
  CHECK_FALSE(c.rooms.next_wakeup());
}

// ---------------------------------------------------------------------------
// PROTOCOL.md §11: takeover, re-arming resume, what `end` means

TEST_CASE("a provider takeover ends admitted guests with the old session's end and drops away ones",
          "[gateway][rooms]") {
  Clinic c;
  admitted_room(c);  // P (session 1) with G (session 2) admitted
  c.arrive(G2, visit_id(1), session_id(3), 3, opaque(kGuestHelloBytes, 3));  // waiting
  c.arrive(G3, visit_id(1), session_id(4), 4, opaque(kGuestHelloBytes, 4));
  REQUIRE(c.rooms.room(visit_id(1))->find(session_id(4))->place == VisitRoom::Place::waiting);
  // G3 drops while waiting; it keeps its place through the takeover.
  REQUIRE(c.rooms.on_disconnect(G3, c.now).empty());

  c.rooms.on_provider_connected(P2, kAlice, c.now);
  const auto out = c.on(P2, hello(SignalingRole::provider, visit_id(1), session_id(31), 31));
  CHECK(sent_to(out, P).empty());  // the old provider connection is only closed
  CHECK(closed(out, P) == close_code::kReplaced);
  const auto to_g = sent_to(out, G);
  REQUIRE(to_g.size() == 1);
  CHECK(to_g[0].type == SignalingType::end);
  CHECK(to_g[0].session == session_id(1));  // the old provider session
  CHECK(closed(out, G) == close_code::kVisitEnded);
  CHECK_FALSE(touches(out, G2));
  const auto to_p2 = sent_to(out, P2);
  REQUIRE(to_p2.size() == 2);  // both waiting guests, in arrival order
  CHECK(to_p2[0].type == SignalingType::waiting);
  CHECK(to_p2[0].session == session_id(3));
  CHECK(to_p2[1].type == SignalingType::waiting);
  CHECK(to_p2[1].session == session_id(4));
  CHECK(c.rooms.room(visit_id(1))->find(session_id(2)) == nullptr);
  // The old provider session cannot come back, and the old guest cannot resume.
  CHECK(closed(c.on(conn(60), resume(visit_id(1), session_id(2), 2)), conn(60)) == close_code::kExpired);
  c.rooms.on_provider_connected(conn(61), kAlice, c.now);
  CHECK(closed(c.on(conn(61), resume(visit_id(1), session_id(1), 1)), conn(61)) == close_code::kExpired);
  // The waiting guest that was away resumes and is still waiting.
  const auto back = c.on(conn(62), resume(visit_id(1), session_id(4), 4));
  REQUIRE(sent_to(back, conn(62)).size() == 1);
  CHECK(sent_to(back, conn(62))[0].type == SignalingType::resumed);
  CHECK(c.rooms.room(visit_id(1))->find(session_id(4))->place == VisitRoom::Place::waiting);
}

TEST_CASE("hello again on its own connection re-arms resume with the new hash; the old secret stops working",
          "[gateway][resume]") {
  Clinic c;
  admitted_room(c);
  // Before any resume: rotate the secret. No reply.
  CHECK(c.on(G, hello(SignalingRole::guest, visit_id(1), session_id(2), 50)).empty());
  REQUIRE(c.rooms.on_disconnect(G, c.now).empty());
  CHECK(closed(c.on(G2, resume(visit_id(1), session_id(2), 2)), G2) == close_code::kNotAllowed);
  auto out = c.on(G3, resume(visit_id(1), session_id(2), 50));
  REQUIRE(sent_to(out, G3).size() == 1);
  CHECK(sent_to(out, G3)[0].type == SignalingType::resumed);
  // The provider may re-arm too; a re-hello naming another session or role is refused and closed.
  CHECK(c.on(P, hello(SignalingRole::provider, visit_id(1), session_id(1), 51)).empty());
  CHECK(closed(c.on(G3, hello(SignalingRole::provider, visit_id(1), session_id(2), 52)), G3) ==
        close_code::kNotAllowed);
}

TEST_CASE("end from the gateway: to the provider a guest is gone, to a guest the visit is over", "[gateway][rooms]") {
  Clinic c;
  admitted_room(c);
  c.arrive(G2, visit_id(1), session_id(3), 3, opaque(kGuestHelloBytes, 3));
  // A waiting guest leaves: the provider hears end{guest}.
  auto out = c.on(G2, end(visit_id(1), session_id(3)));
  CHECK(sent_to(out, G2).empty());
  CHECK(closed(out, G2) == close_code::kLeft);
  auto to_p = sent_to(out, P);
  REQUIRE(to_p.size() == 1);
  CHECK(to_p[0].type == SignalingType::end);
  CHECK(to_p[0].session == session_id(3));
  // An end naming someone else's session is refused and closes the sender.
  out = c.on(G, end(visit_id(1), session_id(1)));
  CHECK(closed(out, G) == close_code::kNotAllowed);
  CHECK_FALSE(touches(out, P));
}

TEST_CASE("TURN is granted to the provider at hello, to a guest only once admitted, and again on resume",
          "[gateway][rooms][turn]") {
  Clinic c;
  const VisitId v = visit_id(1);
  c.open(P, kAlice, v, session_id(1), 1);  // checks the provider's grant
  auto out = c.arrive(G, v, session_id(2), 2, opaque(kGuestHelloBytes, 2));
  CHECK_FALSE(granted_turn(out, G));  // waiting: no relay for strangers
  out = c.on(G2, hello(SignalingRole::guest, v, session_id(3), 3));
  CHECK_FALSE(granted_turn(out, G2));

  out = c.on(P, to_guest(SignalingType::admit, v, session_id(2), kProviderAcceptBytes));
  CHECK(granted_turn(out, G));
  CHECK_FALSE(granted_turn(out, P));
  CHECK_FALSE(granted_turn(out, G2));

  // The admitted guest drops and resumes: fresh credentials.
  (void)c.rooms.on_disconnect(G, c.now);
  c.now += 5s;
  out = c.on(G3, resume(v, session_id(2), 2));
  CHECK(granted_turn(out, G3));
}

TEST_CASE("a waiting guest that resumes gets no TURN grant", "[gateway][rooms][turn]") {
  Clinic c;
  const VisitId v = visit_id(1);
  c.open(P, kAlice, v, session_id(1), 1);
  (void)c.arrive(G, v, session_id(2), 2, opaque(kGuestHelloBytes, 2));
  (void)c.rooms.on_disconnect(G, c.now);
  const auto out = c.on(G3, resume(v, session_id(2), 2));
  REQUIRE(!sent_to(out, G3).empty());
  CHECK(sent_to(out, G3)[0].type == SignalingType::resumed);
  CHECK_FALSE(granted_turn(out, G3));
}
