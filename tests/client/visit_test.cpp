// Whole visits through the gateway's real signaling core on a virtual clock:
// a ProviderVisit and a GuestVisit, no browser, no socket.
#include <catch2/catch.hpp>

#include "shared/base64url.hpp"
#include "shared/envelope.hpp"
#include "shared/visit_link.hpp"
#include "visit_net.hpp"

namespace tessera::client::testing {

namespace {

constexpr std::string_view kGuestName = "Ada Lovelace";
constexpr std::string_view kProviderName = "Dr. Grace Hopper";

VisitKeys visit_keys(std::uint32_t tag) { return provider_visit_from_seed(seeded<kVisitSeedBytes>(tag)); }

std::string link_of(const VisitKeys& keys) {
  auto text = visit_link_format(provider_visit_link(keys, "clinic.example"));
  REQUIRE(text);
  return std::string(text->view());
}

GuestVisit guest_for(const std::string& link, std::uint32_t tag, std::string_view name = kGuestName) {
  auto g = GuestVisit::start(link, name, seeded<kSeedBytes>(tag));
  REQUIRE(g);
  return std::move(g.value());
}

// The sealed envelope inside a relay message, or nothing.
std::optional<EnvelopeHeader> relayed_header(const std::string& text) {
  auto m = signaling_parse(text, SignalingDirection::from_gateway);
  if (!m || m->type != SignalingType::relay) return std::nullopt;
  auto h = envelope_header_parse(m->payload);
  if (!h) return std::nullopt;
  return *h;
}

// Rewrites the envelope of a relay message with f.
template <class F>
void rewrite_envelope(std::string& text, F f) {
  auto m = signaling_parse(text, SignalingDirection::from_gateway);
  REQUIRE(m);
  f(m->payload);
  text = signaling_serialize(*m);
}

bool has_problem(const Endpoint& e, std::string_view what, std::string_view error) {
  for (const auto& p : e.problems)
    if (what == p.what && error == p.error) return true;
  return false;
}

// The common start: provider open, guest waiting.
struct Visit {
  VisitKeys keys;
  std::string link;
  VisitNet net;
  ProviderVisit provider;
  GuestVisit guest;
  Endpoint* p = nullptr;
  Endpoint* g = nullptr;

  explicit Visit(std::uint32_t tag)
      : keys(visit_keys(tag)),
        link(link_of(keys)),
        provider(visit_keys(tag), "wss://clinic.example/signal", kProviderName, seeded<kSeedBytes>(tag + 1)),
        guest(guest_for(link, tag + 2)) {
    p = &net.add(provider, tag + 3);
    g = &net.add(guest, tag + 4);
  }
  void admit() {
    REQUIRE(provider.waiting().size() == 1);
    REQUIRE(provider.admit(provider.waiting().front().guest.session, net.now));
    net.settle();
  }
  void media_up() {
    net.ice(*p, IceConnectionState::connected);
    net.ice(*g, IceConnectionState::connected);
  }
};

void require_same_code(const ProviderVisit& p, const GuestVisit& g) {
  REQUIRE(p.safety_code());
  REQUIRE(g.safety_code());
  CHECK(safety_code_digits(*p.safety_code()) == safety_code_digits(*g.safety_code()));
  CHECK(safety_code_words(*p.safety_code()) == safety_code_words(*g.safety_code()));
}

void require_name_never_sent(const Endpoint& guest, std::string_view name) {
  REQUIRE_FALSE(guest.sent.empty());
  for (const auto& text : guest.sent) {
    CAPTURE(text);
    CHECK(text.find(name) == std::string::npos);
  }
}

}  // namespace

TEST_CASE("a whole visit: wait, note, admit, sealed offer and answer, equal safety codes, provider ends",
          "[visit]") {
  Visit v(100);
  CHECK(v.provider.phase() == VisitPhase::waiting_room);
  REQUIRE(v.p->browser.ice_servers);  // TURN for the provider at hello
  CHECK(v.p->browser.ice_servers->username == "1700000000:abcdef");

  // The guest waits; the provider sees its name, opened from the sealed hello.
  CHECK(v.guest.phase() == VisitPhase::waiting_room);
  REQUIRE(v.provider.waiting().size() == 1);
  CHECK(v.provider.waiting().front().guest.name.view() == kGuestName);
  CHECK(v.provider.waiting().front().guest.session == v.guest.session());
  CHECK_FALSE(v.g->browser.ice_servers);  // no TURN before admission

  v.net.advance(90s);
  CHECK(v.net.now - v.guest.waiting_since() == 90s);
  REQUIRE(v.provider.send_note(v.guest.session(), "Running 5 minutes late", v.net.now));
  v.net.settle();
  REQUIRE(v.guest.notes().size() == 1);
  CHECK(v.guest.notes().front().text.view() == "Running 5 minutes late");

  v.admit();
  CHECK(v.provider.waiting().empty());
  CHECK(v.guest.phase() == VisitPhase::admitted);
  CHECK(v.provider.phase() == VisitPhase::admitted);
  REQUIRE(v.g->browser.ice_servers);  // TURN once admitted
  // The provider offered; the guest set it and answered; candidates crossed.
  CHECK(v.p->browser.descriptions == 1);
  CHECK(v.g->browser.remote_type == "offer");
  CHECK(v.g->browser.remote_sdp.find(v.p->browser.fingerprint) != std::string::npos);
  CHECK(v.p->browser.remote_type == "answer");
  CHECK(v.p->browser.remote_sdp.find(v.g->browser.fingerprint) != std::string::npos);
  CHECK(v.g->browser.remote_candidates.size() == 1);
  CHECK(v.p->browser.remote_candidates.size() == 1);
  CHECK(v.guest.provider_name() == kProviderName);
  // Both fingerprints known: the same code on both screens.
  require_same_code(v.provider, v.guest);

  v.media_up();
  CHECK(v.guest.phase() == VisitPhase::in_call);
  CHECK(v.provider.phase() == VisitPhase::in_call);

  v.provider.end_visit(v.net.now);
  v.net.settle();
  CHECK(v.provider.phase() == VisitPhase::ended);
  CHECK(v.provider.end_reason() == EndReason::self_ended);
  CHECK(v.guest.phase() == VisitPhase::ended);
  CHECK(v.guest.end_reason() == EndReason::provider_ended);
  CHECK(v.g->browser.closed);
  CHECK(v.p->browser.closed);
  CHECK(v.net.rooms.room_count() == 0);
  CHECK(v.p->problems.empty());
  CHECK(v.g->problems.empty());
  require_name_never_sent(*v.g, kGuestName);
}

TEST_CASE("a denied guest sees the verified refusal and never gets an offer", "[visit]") {
  Visit v(200);
  REQUIRE(v.provider.deny(v.guest.session(), v.net.now));
  v.net.settle();
  CHECK(v.guest.phase() == VisitPhase::denied);
  CHECK(v.guest.end_reason() == EndReason::denied);
  CHECK(v.provider.waiting().empty());
  CHECK(v.g->browser.remote_descriptions == 0);
  CHECK_FALSE(v.g->browser.ice_servers);
  CHECK(v.g->problems.empty());
  CHECK(v.provider.phase() == VisitPhase::waiting_room);
  CHECK(v.provider.deny(v.guest.session(), v.net.now).error() == ProviderActionError::no_such_guest);
}

TEST_CASE("a link whose secret was changed is refused at once and never reaches the waiting list", "[visit]") {
  const VisitKeys keys = visit_keys(210);
  auto parsed = visit_link_parse(link_of(keys));
  REQUIRE(parsed);
  parsed->link_secret = visit_keys(211).link_secret.clone();
  auto wrong = visit_link_format(*parsed);
  REQUIRE(wrong);
  VisitNet net;
  ProviderVisit provider(visit_keys(210), "wss://clinic.example/signal", kProviderName, seeded<kSeedBytes>(212));
  GuestVisit guest = guest_for(std::string(wrong->view()), 213, "Mallory");
  Endpoint& p = net.add(provider, 214);
  Endpoint& g = net.add(guest, 215);
  CHECK(provider.waiting().empty());
  CHECK(has_problem(p, "hello", "bad_mac"));
  CHECK(guest.phase() == VisitPhase::denied);
  CHECK(guest.end_reason() == EndReason::denied);
  CHECK(g.problems.empty());
  CHECK(g.browser.remote_descriptions == 0);
}

TEST_CASE("the guest leaving ends its part and returns the provider to the waiting room", "[visit]") {
  Visit v(250);
  v.admit();
  v.media_up();
  v.guest.leave(v.net.now);
  v.net.settle();
  CHECK(v.guest.phase() == VisitPhase::ended);
  CHECK(v.guest.end_reason() == EndReason::self_ended);
  CHECK(v.provider.phase() == VisitPhase::waiting_room);
  CHECK(v.provider.guest_left());
  CHECK(v.p->browser.closed);
  CHECK_FALSE(v.provider.in_call_with());
}

TEST_CASE("a relay that alters the sealed offer's fingerprint is caught before the browser sees it",
          "[visit][adversarial]") {
  // The gateway (or anyone on its path) holds only ciphertext: to put its own
  // DTLS certificate in the media path it would have to change the
  // fingerprint inside the sealed SDP. Any change fails authentication, is
  // reported, and nothing reaches the guest's browser: no remote SDP, no code.
  Visit v(300);
  v.net.relay_hook = [&](Endpoint& to, std::string& text) {
    const auto h = relayed_header(text);
    if (&to == v.g && h && h->type == MessageType::sdp_offer)
      rewrite_envelope(text, [](std::vector<std::uint8_t>& env) { env[kEnvelopeHeaderBytes + 200] ^= 0x01; });
    return true;
  };
  v.admit();
  CHECK(has_problem(*v.g, "envelope", "forged"));
  CHECK(v.g->browser.remote_descriptions == 0);
  CHECK_FALSE(v.guest.safety_code());
  CHECK_FALSE(v.provider.safety_code());
  // What each browser does get is the other's real fingerprint (DTLS enforces it).
  v.net.relay_hook = nullptr;
  Visit w(310);
  w.admit();
  CHECK(w.g->browser.remote_sdp.find(w.p->browser.fingerprint) != std::string::npos);
  CHECK(w.p->browser.remote_sdp.find(w.g->browser.fingerprint) != std::string::npos);
  CHECK(w.p->browser.fingerprint != w.g->browser.fingerprint);
  require_same_code(w.provider, w.guest);
}

TEST_CASE("a relay holding the visit key that splits the visit in two cannot make the safety codes match",
          "[visit][adversarial]") {
  // The worst case the safety code exists for: the relay has the link and
  // even the provider's visit secret key, so every MAC and signature checks
  // out. It plays the guest towards the provider and the provider towards the
  // guest, each in a room of its own, and puts its own DTLS certificate in
  // both SDPs to sit in the media path. Every check on both sides passes;
  // only the codes the two people read to each other can show it.
  const std::string link = link_of(visit_keys(1000));
  const std::string url = "wss://clinic.example/signal";
  VisitNet toward_provider, toward_guest;
  ProviderVisit provider(visit_keys(1000), url, kProviderName, seeded<kSeedBytes>(1001));
  GuestVisit relay_as_guest = guest_for(link, 1002);
  ProviderVisit relay_as_provider(visit_keys(1000), url, kProviderName, seeded<kSeedBytes>(1003));
  GuestVisit guest = guest_for(link, 1004);
  Endpoint& p = toward_provider.add(provider, 1005);
  Endpoint& rg = toward_provider.add(relay_as_guest, 1006);
  Endpoint& rp = toward_guest.add(relay_as_provider, 1006);  // one relay certificate both ways
  Endpoint& g = toward_guest.add(guest, 1007);
  REQUIRE(provider.admit(relay_as_guest.session(), toward_provider.now));
  REQUIRE(relay_as_provider.admit(guest.session(), toward_guest.now));
  toward_provider.settle();
  toward_guest.settle();

  CHECK(g.browser.remote_sdp.find(rp.browser.fingerprint) != std::string::npos);
  CHECK(p.browser.remote_sdp.find(rg.browser.fingerprint) != std::string::npos);
  for (const Endpoint* e : {&p, &rg, &rp, &g}) CHECK(e->problems.empty());
  REQUIRE(provider.safety_code());
  REQUIRE(guest.safety_code());
  CHECK(safety_code_digits(*provider.safety_code()) != safety_code_digits(*guest.safety_code()));
  CHECK(safety_code_words(*provider.safety_code()) != safety_code_words(*guest.safety_code()));
}

TEST_CASE("a renegotiation cannot change the fingerprint the safety code was shown for", "[visit][adversarial]") {
  Visit v(350);
  v.admit();
  v.media_up();
  require_same_code(v.provider, v.guest);
  // The provider's browser now claims another certificate (e.g. a swapped page).
  v.p->browser.fingerprint = fingerprint_text(351);
  v.net.ice(*v.p, IceConnectionState::failed);
  CHECK(v.p->browser.restarts == 1);
  CHECK(has_problem(*v.p, "local_description", "fingerprint_changed"));
  CHECK(v.g->browser.remote_descriptions == 1);  // the guest never saw a new offer
}

TEST_CASE("a replayed or forged envelope is rejected and reported, and the visit goes on", "[visit][adversarial]") {
  Visit v(400);
  v.net.relay_hook = [&](Endpoint& to, std::string& text) {
    const auto h = relayed_header(text);
    if (&to != v.g || !h) return true;
    if (h->type == MessageType::ice_candidate) {
      v.net.inject.push_back(text);  // the same envelope twice
      std::string forged = text;
      // A new seq, so it is not a replay: only authentication can refuse it.
      rewrite_envelope(forged, [](std::vector<std::uint8_t>& env) { env[kEnvelopeHeaderBytes - 1] ^= 0x40; });
      v.net.inject.push_back(forged);
    }
    return true;
  };
  v.admit();
  CHECK(has_problem(*v.g, "envelope", "replayed"));
  CHECK(has_problem(*v.g, "envelope", "forged"));
  CHECK(v.g->browser.remote_candidates.size() == 1);  // only the genuine one
  require_same_code(v.provider, v.guest);

  // An envelope from a stranger's session is not the peer's.
  v.net.relay_hook = nullptr;
  auto other = [&] {
    Visit o(410);
    o.admit();
    for (const auto& t : o.p->sent)
      if (relayed_header(t)) return t;
    return std::string();
  }();
  REQUIRE_FALSE(other.empty());
  v.provider.handle_signaling(other, v.net.now);
  v.guest.handle_signaling(other, v.net.now);
  v.net.settle();
  CHECK(has_problem(*v.g, "signaling", "wrong_visit"));
  CHECK(has_problem(*v.p, "signaling", "wrong_visit"));
}

TEST_CASE("a guest whose socket drops reconnects with backoff and keeps its place in the waiting room",
          "[visit][resume]") {
  Visit v(500);
  const auto sent_before = v.g->sent.size();
  v.net.drop(*v.g);
  CHECK(v.guest.reconnecting());
  CHECK(v.guest.phase() == VisitPhase::waiting_room);
  const auto wake = v.guest.poll_timeout();
  REQUIRE(wake);
  CHECK(*wake - v.net.now >= 250ms);
  CHECK(*wake - v.net.now <= 500ms);

  // While the guest is away the provider's note is held for it by the gateway.
  REQUIRE(v.provider.send_note(v.guest.session(), "Almost ready", v.net.now));
  v.net.settle();
  CHECK(v.guest.notes().empty());

  v.net.advance(*wake - v.net.now);
  CHECK_FALSE(v.guest.reconnecting());
  REQUIRE(v.g->sent.size() >= sent_before + 2);
  auto resume = signaling_parse(v.g->sent[sent_before], SignalingDirection::to_gateway);
  REQUIRE(resume);
  CHECK(resume->type == SignalingType::resume);
  auto rehello = signaling_parse(v.g->sent[sent_before + 1], SignalingDirection::to_gateway);
  REQUIRE(rehello);
  CHECK(rehello->type == SignalingType::hello);  // a fresh resume hash (PROTOCOL.md §11.2)
  CHECK(v.guest.notes().size() == 1);
  REQUIRE(v.provider.waiting().size() == 1);  // never told the guest was gone
  CHECK(v.p->problems.empty());

  // A second drop works too: the re-hello armed one more resume.
  v.net.drop(*v.g);
  v.net.advance(*v.guest.poll_timeout() - v.net.now);
  CHECK_FALSE(v.guest.reconnecting());
  v.admit();
  v.media_up();
  CHECK(v.guest.phase() == VisitPhase::in_call);
  require_same_code(v.provider, v.guest);
  require_name_never_sent(*v.g, kGuestName);
  CHECK(v.g->problems.empty());
}

TEST_CASE("a call survives the signaling socket dropping on both sides", "[visit][resume]") {
  Visit v(550);
  v.admit();
  v.media_up();
  v.net.drop(*v.p, 1001);  // the gateway restarting says "going away"
  v.net.drop(*v.g);
  CHECK(v.provider.reconnecting());
  CHECK(v.guest.phase() == VisitPhase::in_call);  // media does not need the gateway
  v.net.advance(15s);
  CHECK_FALSE(v.provider.reconnecting());
  CHECK_FALSE(v.guest.reconnecting());
  // Signaling still works afterwards: an ICE restart goes through.
  v.net.ice(*v.g, IceConnectionState::failed);
  CHECK(v.p->browser.restarts == 1);
  CHECK(v.g->browser.remote_descriptions == 2);
  CHECK(v.p->problems.empty());
  CHECK(v.g->problems.empty());
}

TEST_CASE("a call goes on when a restarted gateway has forgotten the visit, and ends when its ICE fails",
          "[visit][resume]") {
  Visit v(580);
  v.admit();
  v.media_up();
  v.net.drop(*v.p);
  v.net.drop(*v.g);
  v.net.rooms = gateway::VisitRooms{};  // restarted: rooms and resume secrets lived in its memory
  CHECK(v.provider.reconnecting());
  CHECK(v.guest.reconnecting());
  v.net.advance(15s);
  CHECK(v.p->closes.back() == 4004);  // resume: no open room
  CHECK(v.g->closes.back() == 4004);
  for (const auto* side : {static_cast<const VisitSession*>(&v.provider), static_cast<const VisitSession*>(&v.guest)}) {
    CHECK(side->phase() == VisitPhase::in_call);  // media is peer to peer
    CHECK(side->without_gateway());
    CHECK_FALSE(side->reconnecting());
    CHECK_FALSE(side->poll_timeout());  // no more reconnects to a gateway that refuses them
  }
  CHECK_FALSE(v.p->browser.closed);
  CHECK_FALSE(v.g->browser.closed);
  CHECK(v.provider.waiting().empty());
  // Without signaling no ICE restart can be sent: a failed connection ends the call.
  v.net.ice(*v.g, IceConnectionState::failed);
  CHECK(v.guest.phase() == VisitPhase::ended);
  CHECK(v.guest.end_reason() == EndReason::connection_lost);
  CHECK(v.g->browser.closed);
  CHECK(v.g->browser.remote_descriptions == 1);
  CHECK(v.p->browser.restarts == 0);
}

TEST_CASE("a guest not yet in a call whose gateway forgot the visit is told the visit is not open",
          "[visit][resume]") {
  Visit v(590);
  v.net.drop(*v.g);
  v.net.drop(*v.p);
  v.net.rooms = gateway::VisitRooms{};
  v.net.advance(15s);
  CHECK(v.guest.phase() == VisitPhase::ended);
  CHECK(v.guest.end_reason() == EndReason::no_visit);
  CHECK_FALSE(v.guest.without_gateway());
}

TEST_CASE("a guest away past the grace period is told its place is gone", "[visit][resume]") {
  Visit v(560);
  v.net.drop(*v.g);
  // The gateway keeps the place 30 s; the guest's reconnects keep failing until then.
  for (int i = 0; i < 8; ++i) {
    const auto wake = v.guest.poll_timeout();
    REQUIRE(wake);
    v.net.now = *wake;
    v.guest.handle_timeout(v.net.now);
    auto open = v.guest.outbox().poll_socket();
    REQUIRE(open);
    CHECK(open->kind == SocketCommand::Kind::open);
    v.guest.handle_socket_closed(1006, v.net.now);  // could not connect
  }
  CHECK(v.guest.reconnecting());
  REQUIRE(*v.guest.poll_timeout() - (VisitTime{} + 1h) > 30s);
  v.net.advance(*v.guest.poll_timeout() - v.net.now);  // this attempt reaches the gateway after its 30 s
  CHECK(v.provider.waiting().empty());  // the gateway told it the guest left
  CHECK(v.guest.phase() == VisitPhase::ended);
  CHECK(v.guest.end_reason() == EndReason::connection_lost);
}

TEST_CASE("ICE failure restarts ICE from the provider, with a new sealed offer", "[visit]") {
  Visit v(600);
  v.admit();
  v.media_up();
  const std::string code = safety_code_words(*v.guest.safety_code());
  SECTION("the provider's ICE fails") {
    v.net.ice(*v.p, IceConnectionState::failed);
  }
  SECTION("the guest's ICE fails: it asks the provider, sealed") {
    v.net.ice(*v.g, IceConnectionState::failed);
    CHECK(v.guest.ice_restarting());
  }
  CHECK(v.p->browser.restarts == 1);
  CHECK(v.g->browser.remote_descriptions == 2);
  CHECK(v.g->browser.remote_type == "offer");
  CHECK(v.p->browser.remote_descriptions == 2);
  v.media_up();
  CHECK_FALSE(v.guest.ice_restarting());
  CHECK(safety_code_words(*v.guest.safety_code()) == code);  // same certificates, same code
  CHECK(v.p->problems.empty());
  CHECK(v.g->problems.empty());
}

TEST_CASE("mute and camera off reach the other side sealed, and clear when turned back on", "[visit][media]") {
  Visit v(650);
  // Muted in the waiting room: the provider learns it as the call opens.
  v.guest.set_local_media({.microphone = false, .camera = true}, v.net.now);
  v.admit();
  v.media_up();
  CHECK(v.provider.peer_media() == MediaState{.microphone = false, .camera = true});
  CHECK(v.guest.peer_media() == MediaState{});

  v.guest.set_local_media({.microphone = false, .camera = false}, v.net.now);
  v.net.settle();
  CHECK(v.provider.peer_media() == MediaState{.microphone = false, .camera = false});
  v.provider.set_local_media({.microphone = false, .camera = true}, v.net.now);
  v.net.settle();
  CHECK(v.guest.peer_media() == MediaState{.microphone = false, .camera = true});

  v.guest.set_local_media({}, v.net.now);
  v.net.settle();
  CHECK(v.provider.peer_media() == MediaState{});
  CHECK(v.p->problems.empty());
  CHECK(v.g->problems.empty());
  // Only the envelope header is visible to the gateway: type control, never the words.
  for (const auto& text : v.g->sent) {
    CAPTURE(text);
    CHECK(text.find("microphone") == std::string::npos);
  }
}

TEST_CASE("a media state delivered late does not undo a newer one", "[visit][media][adversarial]") {
  Visit v(660);
  v.admit();
  v.media_up();
  std::vector<std::string> held;
  v.net.relay_hook = [&](Endpoint& to, std::string& text) {
    const auto h = relayed_header(text);
    if (&to != v.p || !h || h->type != MessageType::control) return true;
    held.push_back(text);
    return false;
  };
  v.guest.set_local_media({.microphone = false, .camera = true}, v.net.now);  // older
  v.net.settle();
  v.guest.set_local_media({.microphone = false, .camera = false}, v.net.now);  // newer
  v.net.settle();
  REQUIRE(held.size() == 2);
  v.net.relay_hook = nullptr;
  v.provider.handle_signaling(held[1], v.net.now);
  v.provider.handle_signaling(held[0], v.net.now);
  v.net.settle();
  CHECK(v.provider.peer_media() == MediaState{.microphone = false, .camera = false});
  CHECK(v.p->problems.empty());
}

TEST_CASE("a provider that reloads mid-wait takes the visit over and can still admit", "[visit][resume]") {
  Visit v(700);
  // The same visit keys (kept by the provider's browser), a new page load.
  ProviderVisit reloaded(visit_keys(700), "wss://clinic.example/signal", kProviderName, seeded<kSeedBytes>(790));
  Endpoint& r = v.net.add(reloaded, 791);
  CHECK(v.provider.phase() == VisitPhase::ended);
  CHECK(v.provider.end_reason() == EndReason::replaced);
  REQUIRE(reloaded.waiting().size() == 1);
  CHECK(reloaded.waiting().front().guest.name.view() == kGuestName);
  REQUIRE(reloaded.admit(v.guest.session(), v.net.now));
  v.net.settle();
  v.net.ice(r, IceConnectionState::connected);
  v.net.ice(*v.g, IceConnectionState::connected);
  CHECK(v.guest.phase() == VisitPhase::in_call);
  require_same_code(reloaded, v.guest);
  CHECK(r.problems.empty());
  CHECK(v.g->problems.empty());
}

TEST_CASE("a provider reload ends the call of an admitted guest", "[visit][resume]") {
  Visit v(750);
  v.admit();
  ProviderVisit reloaded(visit_keys(750), "wss://clinic.example/signal", kProviderName, seeded<kSeedBytes>(795));
  v.net.add(reloaded, 796);
  CHECK(v.guest.phase() == VisitPhase::ended);
  CHECK(v.guest.end_reason() == EndReason::provider_ended);
  CHECK(v.g->browser.closed);
}

TEST_CASE("a wrong link is a typed error before any network", "[visit]") {
  const std::string link = link_of(visit_keys(800));
  const auto hash = link.find('#');
  REQUIRE(hash != std::string::npos);
  struct Case {
    std::string text;
    LinkError error;
  };
  auto fragment = base64url_decode(link.substr(hash + 1));
  REQUIRE(fragment);
  (*fragment)[0] = 0x02;
  const std::string other_version = link.substr(0, hash + 1) + base64url_encode(*fragment);
  const std::vector<Case> cases{
      {link.substr(0, hash), LinkError::missing_fragment},
      {link.substr(0, link.size() - 1), LinkError::bad_fragment},
      {link + "A", LinkError::bad_fragment},
      {other_version, LinkError::unsupported_version},
      {"http" + link.substr(5), LinkError::bad_scheme},
  };
  for (const auto& c : cases) {
    CAPTURE(c.text);
    auto g = GuestVisit::start(c.text, kGuestName, seeded<kSeedBytes>(801));
    REQUIRE_FALSE(g);
    CHECK(g.error().kind == GuestStartError::Kind::bad_link);
    CHECK(g.error().link == c.error);
    const std::string says = guest_start_error_text(g.error());
    CHECK_FALSE(says.empty());
    CHECK(says.find('#') == std::string::npos);
  }
  auto unnamed = GuestVisit::start(link, "", seeded<kSeedBytes>(802));
  REQUIRE_FALSE(unnamed);
  CHECK(unnamed.error().kind == GuestStartError::Kind::bad_name);
  auto good = GuestVisit::start(link, kGuestName, seeded<kSeedBytes>(803));
  REQUIRE(good);
  auto open = good->outbox().poll_socket();
  REQUIRE(open);
  CHECK(open->url == "wss://clinic.example/signal");
  CHECK(open->url.find('#') == std::string::npos);
}

TEST_CASE("the display name never appears in anything the guest sends, nor in what the gateway relays",
          "[visit][privacy]") {
  Visit v(900);
  v.net.drop(*v.g);
  v.net.advance(1s);
  v.admit();
  v.media_up();
  v.guest.leave(v.net.now);
  v.net.settle();
  require_name_never_sent(*v.g, kGuestName);
  for (const auto& text : v.p->received) CHECK(text.find(kGuestName) == std::string::npos);
  for (const auto& text : v.p->sent) CHECK(text.find(kGuestName) == std::string::npos);
}

}  // namespace tessera::client::testing
