#include "shared/handshake.hpp"

#include <catch2/catch.hpp>

#include <cstring>
#include <string>
#include <vector>

#include "test_util.hpp"

using namespace tessera;
using tessera_test::make_pair;
using tessera_test::seeded;

namespace {

std::vector<std::uint8_t> vec(ByteSpan s) { return {s.begin(), s.end()}; }

bool same_key(const Key& a, const Key& b) { return secret_equal<kKeyBytes>(a.span(), b.span()); }

// Recomputes the hello MAC as anyone holding the link secret can.
void remac(std::vector<std::uint8_t>& hello, const LinkSecret& secret, const VisitId& visit) {
  const Key k = protocol_kdf(secret.span(), label::kHelloMacKey, {visit});
  const Key mac = protocol_kdf(k.span(), label::kHelloMac, {ByteSpan(hello.data(), kGuestHelloBytes - 32)});
  std::memcpy(hello.data() + kGuestHelloBytes - 32, mac.data(), 32);
}

}  // namespace

TEST_CASE("handshake gives both sides matching directional keys and the same transcript", "[handshake]") {
  auto p = make_pair(1, "Ada Lovelace");
  const SessionKeys& g = p.guest_keys;
  const SessionKeys& pr = p.provider_keys;
  CHECK(g.role == Role::guest);
  CHECK(pr.role == Role::provider);
  CHECK(g.transcript == pr.transcript);
  CHECK(g.self_session == pr.peer_session);
  CHECK(pr.self_session == g.peer_session);
  CHECK(g.self_kx == pr.peer_kx);
  CHECK(same_key(g.signal_send, pr.signal_recv));
  CHECK(same_key(g.signal_recv, pr.signal_send));
  CHECK(same_key(g.chat_send, pr.chat_recv));
  CHECK(same_key(g.chat_recv, pr.chat_send));
  // All four keys differ from one another.
  CHECK_FALSE(same_key(g.signal_send, g.signal_recv));
  CHECK_FALSE(same_key(g.signal_send, g.chat_send));
  CHECK_FALSE(same_key(g.chat_send, g.chat_recv));
  CHECK_FALSE(same_key(g.signal_recv, g.chat_recv));

  auto waiting = handshake_provider_read_hello(p.visit, p.guest.hello);
  REQUIRE(waiting);
  CHECK(waiting->name.view() == "Ada Lovelace");
  CHECK(waiting->session == p.guest.session.id);
}

TEST_CASE("the display name is sealed: the hello does not contain it", "[handshake]") {
  auto p = make_pair(2, "Zoe Quintessential");
  const std::string hello(p.guest.hello.begin(), p.guest.hello.end());
  CHECK(hello.find("Zoe") == std::string::npos);
}

TEST_CASE("guest hello: every flipped byte and every wrong key is rejected", "[handshake]") {
  auto p = make_pair(3);
  for (std::size_t i = 0; i < kGuestHelloBytes; ++i) {
    auto m = vec(p.guest.hello);
    m[i] ^= 0x01;
    auto r = handshake_provider_read_hello(p.visit, m);
    REQUIRE_FALSE(r);
    CAPTURE(i);
    if (i == 0) CHECK(r.error() == HandshakeError::bad_version);
    else if (i == 1) CHECK(r.error() == HandshakeError::wrong_type);
    else if (i < 18) CHECK(r.error() == HandshakeError::wrong_visit);
    else CHECK(r.error() == HandshakeError::bad_mac);
  }
  auto longer = vec(p.guest.hello);
  longer.push_back(0);
  CHECK(handshake_provider_read_hello(p.visit, longer).error() == HandshakeError::bad_length);
  CHECK(handshake_provider_read_hello(p.visit, ByteSpan(p.guest.hello).first(kGuestHelloBytes - 1)).error() ==
        HandshakeError::bad_length);
  CHECK(handshake_provider_read_hello(p.visit, {}).error() == HandshakeError::bad_length);

  // Someone who has the visit id but not the link secret.
  auto other = provider_visit_from_seed(seeded<kVisitSeedBytes>(99));
  VisitLink wrong = provider_visit_link(p.visit, "x.example");
  wrong.link_secret = other.link_secret.clone();
  auto forged = handshake_guest_start(wrong, session_from_seed(seeded<kSessionSeedBytes>(5)), "Mallory",
                                      seeded<kSeedBytes>(6));
  REQUIRE(forged);
  CHECK(handshake_provider_read_hello(p.visit, forged->hello).error() == HandshakeError::bad_mac);
  // ... is refused with a deny its own page can verify, made from the frame alone.
  auto refused = handshake_provider_refuse_hello(p.visit, forged->hello);
  REQUIRE(refused);
  CHECK(refused->session == forged->session.id);
  CHECK(handshake_guest_check_deny(*forged, refused->deny));
  CHECK_FALSE(handshake_guest_check_deny(p.guest, refused->deny));  // and nobody else's
  CHECK(handshake_provider_refuse_hello(p.visit, ByteSpan(forged->hello).first(10)).error() ==
        HandshakeError::bad_length);

  // A hello made for another visit.
  auto q = make_pair(4);
  CHECK(handshake_provider_read_hello(p.visit, q.guest.hello).error() == HandshakeError::wrong_visit);
}

TEST_CASE("guest hello: a link holder cannot smuggle a bad sealed name", "[handshake]") {
  auto p = make_pair(5);
  auto m = vec(p.guest.hello);
  m[100] ^= 0x40;  // inside the sealed name
  remac(m, p.visit.link_secret, p.visit.visit_id);
  CHECK(handshake_provider_read_hello(p.visit, m).error() == HandshakeError::bad_sealed_box);
}

TEST_CASE("guest display names are checked before sealing", "[handshake]") {
  const auto visit = provider_visit_from_seed(seeded<kVisitSeedBytes>(8));
  const VisitLink link = provider_visit_link(visit, "x.example");
  const std::string too_long(kDisplayNameMaxBytes + 1, 'a');
  for (std::string_view name : {std::string_view(""), std::string_view(too_long), std::string_view("a\nb"),
                                std::string_view("\xc3\x28"), std::string_view("a\x7f")}) {
    auto r = handshake_guest_start(link, session_from_seed(seeded<kSessionSeedBytes>(9)), name,
                                   seeded<kSeedBytes>(10));
    REQUIRE_FALSE(r);
    CHECK(r.error() == HandshakeError::bad_name);
  }
  auto ok = handshake_guest_start(link, session_from_seed(seeded<kSessionSeedBytes>(9)),
                                  std::string(kDisplayNameMaxBytes, 'a'), seeded<kSeedBytes>(10));
  CHECK(ok);
  auto utf8 = handshake_guest_start(link, session_from_seed(seeded<kSessionSeedBytes>(9)), "Zoë 李",
                                    seeded<kSeedBytes>(10));
  REQUIRE(utf8);
  CHECK(handshake_provider_read_hello(visit, utf8->hello)->name.view() == "Zoë 李");
}

TEST_CASE("provider accept: every flipped byte is rejected by the guest", "[handshake]") {
  auto p = make_pair(11);
  for (std::size_t i = 0; i < kProviderAcceptBytes; ++i) {
    auto m = vec(p.accept);
    m[i] ^= 0x80;
    auto r = handshake_guest_finish(p.guest, m);
    REQUIRE_FALSE(r);
    CAPTURE(i);
    if (i == 0) CHECK(r.error() == HandshakeError::bad_version);
    else if (i == 1) CHECK(r.error() == HandshakeError::wrong_type);
    else if (i < 18) CHECK(r.error() == HandshakeError::wrong_visit);
    else if (i >= 34 && i < 50) CHECK(r.error() == HandshakeError::wrong_session);
    else CHECK(r.error() == HandshakeError::bad_signature);
  }
  CHECK(handshake_guest_finish(p.guest, ByteSpan(p.accept).first(100)).error() == HandshakeError::bad_length);
}

TEST_CASE("a relay that knows the link secret cannot impersonate the provider", "[handshake][adversarial]") {
  auto p = make_pair(12);
  // The relay has the whole link (visit id, link secret, provider public
  // key) but its own signing key, and answers the guest's hello itself.
  ProviderVisit relay = provider_visit_from_seed(seeded<kVisitSeedBytes>(13));
  relay.visit_id = p.visit.visit_id;
  relay.link_secret = p.visit.link_secret.clone();
  // It can check the hello's MAC and read its public fields (not the
  // sealed name: that needs the provider's secret key)...
  WaitingGuest seen_guest;
  std::memcpy(seen_guest.session.data(), &p.guest.hello[18], kSessionIdBytes);
  std::memcpy(seen_guest.kx_public.data(), &p.guest.hello[34], kKxPublicKeyBytes);
  const Hash zero{};
  seen_guest.transcript1 = protocol_hash(label::kTranscript, {zero, p.guest.hello});
  WaitingGuest* seen = &seen_guest;
  CHECK(handshake_provider_read_hello(relay, p.guest.hello).error() == HandshakeError::bad_sealed_box);
  const Session relay_session = session_from_seed(seeded<kSessionSeedBytes>(14));
  auto fake = handshake_provider_accept(relay, relay_session, *seen);
  REQUIRE(fake);
  auto r = handshake_guest_finish(p.guest, fake->accept);  // ...but cannot sign as the provider
  REQUIRE_FALSE(r);
  CHECK(r.error() == HandshakeError::bad_signature);

  // Nor can it splice its own ephemeral key into the provider's genuine accept.
  auto spliced = vec(p.accept);
  std::memcpy(&spliced[50], relay_session.kx_public.data(), kKxPublicKeyBytes);
  CHECK(handshake_guest_finish(p.guest, spliced).error() == HandshakeError::bad_signature);

  // Nor forge a deny.
  CHECK(handshake_guest_check_deny(p.guest, handshake_provider_deny(relay, *seen)).error() ==
        HandshakeError::bad_signature);
}

TEST_CASE("a provider accept cannot be replayed into another page load or visit", "[handshake]") {
  auto p = make_pair(15);
  // The guest reloads: new session, new hello. The old accept is refused.
  const VisitLink link = provider_visit_link(p.visit, "x.example");
  auto reload = handshake_guest_start(link, session_from_seed(seeded<kSessionSeedBytes>(16)), "Ada",
                                      seeded<kSeedBytes>(17));
  REQUIRE(reload);
  CHECK(handshake_guest_finish(*reload, p.accept).error() == HandshakeError::wrong_session);
  // Same session id, but a different hello (the relay tried to swap it).
  auto same_id = handshake_guest_start(link, session_from_seed(seeded<kSessionSeedBytes>(15 * 10 + 3)), "Ada",
                                       seeded<kSeedBytes>(18));
  REQUIRE(same_id);
  CHECK(handshake_guest_finish(*same_id, p.accept).error() == HandshakeError::transcript_mismatch);
  // An accept from another visit.
  auto q = make_pair(19);
  CHECK(handshake_guest_finish(p.guest, q.accept).error() == HandshakeError::wrong_visit);
}

TEST_CASE("provider deny is checked like an accept", "[handshake]") {
  auto p = make_pair(20);
  auto waiting = handshake_provider_read_hello(p.visit, p.guest.hello);
  REQUIRE(waiting);
  const auto deny = handshake_provider_deny(p.visit, *waiting);
  CHECK(handshake_guest_check_deny(p.guest, deny));
  for (std::size_t i = 0; i < deny.size(); ++i) {
    auto m = vec(deny);
    m[i] ^= 0x04;
    CHECK_FALSE(handshake_guest_check_deny(p.guest, m));
  }
  CHECK(handshake_guest_check_deny(p.guest, p.accept).error() == HandshakeError::bad_length);
}

TEST_CASE("notes to a waiting guest are sealed, signed and never replayed", "[handshake]") {
  auto p = make_pair(21);
  auto waiting = handshake_provider_read_hello(p.visit, p.guest.hello);
  REQUIRE(waiting);
  auto n1 = handshake_provider_note(p.visit, *waiting, 1, "Running 5 minutes late", seeded<kSeedBytes>(22));
  auto n2 = handshake_provider_note(p.visit, *waiting, 2, "Almost there", seeded<kSeedBytes>(23));
  REQUIRE(n1);
  REQUIRE(n2);
  const std::string raw(n1->begin(), n1->end());
  CHECK(raw.find("late") == std::string::npos);

  auto tampered = vec(*n1);
  tampered[200] ^= 1;
  CHECK(handshake_guest_open_note(p.guest, tampered).error() == HandshakeError::bad_signature);

  auto o1 = handshake_guest_open_note(p.guest, *n1);
  REQUIRE(o1);
  CHECK(o1->view() == "Running 5 minutes late");
  CHECK(handshake_guest_open_note(p.guest, *n1).error() == HandshakeError::note_replayed);
  auto o2 = handshake_guest_open_note(p.guest, *n2);
  REQUIRE(o2);
  CHECK(o2->view() == "Almost there");
  CHECK(handshake_guest_open_note(p.guest, *n1).error() == HandshakeError::note_replayed);

  CHECK(handshake_provider_note(p.visit, *waiting, 0, "x", seeded<kSeedBytes>(1)).error() ==
        HandshakeError::note_replayed);
  CHECK(handshake_provider_note(p.visit, *waiting, 3, std::string(kNoteMaxBytes + 1, 'x'), seeded<kSeedBytes>(1))
            .error() == HandshakeError::bad_note);
  // A note for another guest session.
  auto q = make_pair(24);
  auto other = handshake_provider_read_hello(q.visit, q.guest.hello);
  auto foreign = handshake_provider_note(q.visit, *other, 9, "hi", seeded<kSeedBytes>(1));
  CHECK(handshake_guest_open_note(p.guest, *foreign).error() == HandshakeError::wrong_visit);
}

TEST_CASE("handshake output is a function of its seeds", "[handshake]") {
  auto a = make_pair(30);
  auto b = make_pair(30);
  CHECK(a.guest.hello == b.guest.hello);
  CHECK(a.accept == b.accept);
  CHECK(a.guest_keys.transcript == b.guest_keys.transcript);
}
