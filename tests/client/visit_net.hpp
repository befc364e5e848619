#pragma once
// A whole visit without a browser or a socket: GuestVisit and ProviderVisit
// talk to the gateway's real signaling core (gateway::VisitRooms) in memory,
// on a virtual clock. Each side's browser is a small stand-in that answers
// WebRTC commands the way RTCPeerConnection would (an SDP with a DTLS
// fingerprint, one ICE candidate per description). A relay hook lets a test
// alter, drop or duplicate what the gateway delivers.
#include <catch2/catch.hpp>
#include <sodium.h>

#include <array>
#include <cstdio>
#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "gateway/visit_rooms.hpp"
#include "shared/safety_code.hpp"
#include "wasm/visit/guest_visit.hpp"
#include "wasm/visit/provider_visit.hpp"

// Inside tessera::client so that ProviderVisit means the client's visit, not
// shared/handshake.hpp's struct of visit keys (VisitKeys here).
namespace tessera::client::testing {

using namespace std::chrono_literals;

inline const int kSodiumReady = sodium_init();

template <std::size_t N>
std::array<std::uint8_t, N> seeded(std::uint32_t tag) {
  std::array<std::uint8_t, randombytes_SEEDBYTES> seed{};
  for (int i = 0; i < 4; ++i) seed[i] = static_cast<std::uint8_t>(tag >> (8 * i));
  seed[31] = 0xC1;  // not the shared/ suites' values
  std::array<std::uint8_t, N> out{};
  randombytes_buf_deterministic(out.data(), N, seed.data());
  return out;
}

// "sha-256 AB:CD:..." from a tag.
inline std::string fingerprint_text(std::uint32_t tag) {
  const auto d = seeded<32>(tag);
  std::string s = "sha-256 ";
  char hex[4];
  for (std::size_t i = 0; i < d.size(); ++i) {
    std::snprintf(hex, sizeof hex, "%02X", d[i]);
    s += hex;
    if (i + 1 < d.size()) s += ':';
  }
  return s;
}

// Stands in for one browser's RTCPeerConnection.
struct FakeBrowser {
  std::string fingerprint;  // of its DTLS certificate
  int descriptions = 0;
  std::optional<TurnGrant> ice_servers;
  std::string remote_type, remote_sdp;
  int remote_descriptions = 0;
  std::vector<IceCandidate> remote_candidates;
  int restarts = 0;
  bool closed = false;

  std::string sdp(const char* type) {
    ++descriptions;
    return std::string("v=0\r\no=- 4611 ") + std::to_string(descriptions) + " IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n" +
           "a=group:BUNDLE 0 1\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=mid:0\r\na=ice-ufrag:" + type +
           std::to_string(descriptions) + "\r\na=fingerprint:" + fingerprint +
           "\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\na=mid:1\r\na=fingerprint:" + fingerprint + "\r\n";
  }
  template <class Visit>
  void run(const WebRtcCommand& c, Visit& v, VisitTime now) {
    switch (c.kind) {
      case WebRtcCommand::Kind::set_ice_servers: ice_servers = c.ice_servers; return;
      case WebRtcCommand::Kind::restart_ice: ++restarts; [[fallthrough]];
      case WebRtcCommand::Kind::create_offer:
      case WebRtcCommand::Kind::create_answer:
        v.handle_local_description(sdp(c.kind == WebRtcCommand::Kind::create_answer ? "answer" : "offer"), now);
        v.handle_local_candidate({"candidate:1 1 udp 2122260223 192.0.2.7 54400 typ host", "0", 0}, now);
        return;
      case WebRtcCommand::Kind::set_remote_description:
        remote_type = c.sdp_type;
        remote_sdp = c.sdp;
        ++remote_descriptions;
        return;
      case WebRtcCommand::Kind::add_ice_candidate: remote_candidates.push_back(c.candidate); return;
      case WebRtcCommand::Kind::close: closed = true; return;
    }
  }
};

struct Endpoint {
  std::variant<ProviderVisit*, GuestVisit*> visit;
  std::optional<gateway::ConnectionId> connection;
  FakeBrowser browser;
  std::vector<std::string> sent;      // every signaling text it gave the gateway
  std::vector<std::string> received;  // every text the gateway delivered to it
  std::vector<VisitProblem> problems;
  std::vector<std::uint16_t> closes;
};

class VisitNet {
 public:
  static constexpr gateway::ProviderId kProvider{7};
  VisitTime now = VisitTime{} + 1h;
  gateway::VisitRooms rooms;
  std::deque<std::unique_ptr<Endpoint>> endpoints;
  // What the gateway is about to deliver to an endpoint: alter it, or return
  // false to drop it. Extra texts pushed to `inject` are delivered after it.
  std::function<bool(Endpoint&, std::string&)> relay_hook;
  std::vector<std::string> inject;

  Endpoint& add(ProviderVisit& p, std::uint32_t fp_tag) { return add_endpoint(&p, fp_tag); }
  Endpoint& add(GuestVisit& g, std::uint32_t fp_tag) { return add_endpoint(&g, fp_tag); }

  // Runs until nothing moves.
  void settle() {
    for (int rounds = 0; rounds < 1000; ++rounds)
      if (!step()) return;
    FAIL("the visit did not settle");
  }
  void advance(VisitDuration d) {
    now += d;
    deliver(rooms.on_timeout(now));
    for (auto& e : endpoints)
      with(*e, [&](auto& v) {
        if (const auto t = v.poll_timeout(); t && *t <= now) v.handle_timeout(now);
      });
    settle();
  }
  // The network drops an endpoint's socket (both ends see it).
  void drop(Endpoint& e, std::uint16_t code = 1006) {
    REQUIRE(e.connection);
    deliver(rooms.on_disconnect(*e.connection, now));
    e.connection.reset();
    with(e, [&](auto& v) { v.handle_socket_closed(code, now); });
    settle();
  }
  void ice(Endpoint& e, IceConnectionState s) {
    with(e, [&](auto& v) { v.handle_ice_state(s, now); });
    settle();
  }

  template <class F>
  static void with(Endpoint& e, F f) {
    std::visit([&](auto* v) { f(*v); }, e.visit);
  }

 private:
  Endpoint& add_endpoint(std::variant<ProviderVisit*, GuestVisit*> v, std::uint32_t fp_tag) {
    endpoints.push_back(std::make_unique<Endpoint>());
    endpoints.back()->visit = v;
    endpoints.back()->browser.fingerprint = fingerprint_text(fp_tag);
    settle();
    return *endpoints.back();
  }

  bool step() {
    bool moved = false;
    for (auto& ep : endpoints) {
      Endpoint& e = *ep;
      with(e, [&](auto& v) {
        while (auto s = v.outbox().poll_socket()) {
          moved = true;
          if (s->kind == SocketCommand::Kind::open) {
            const gateway::ConnectionId id{next_connection_++};
            e.connection = id;
            rooms.on_connected(id, now);
            if (std::holds_alternative<ProviderVisit*>(e.visit)) rooms.on_provider_connected(id, kProvider, now);
            v.handle_socket_open(now);
          } else if (e.connection) {
            deliver(rooms.on_disconnect(*e.connection, now));
            e.connection.reset();
          }
        }
        while (auto text = v.outbox().poll_signaling()) {
          moved = true;
          e.sent.push_back(*text);
          if (e.connection) deliver(rooms.on_message(*e.connection, *text, now));
        }
        while (auto c = v.outbox().poll_webrtc()) {
          moved = true;
          e.browser.run(*c, v, now);
        }
        while (auto p = v.outbox().poll_problem()) e.problems.push_back(*p);
      });
    }
    while (!inflight_.empty()) {
      moved = true;
      gateway::Outbound o = std::move(inflight_.front());
      inflight_.pop_front();
      Endpoint* to = nullptr;
      for (auto& e : endpoints)
        if (e->connection == o.connection) to = e.get();
      if (!to) continue;  // a connection nobody holds any more
      if (o.kind == gateway::Outbound::Kind::close) {
        to->connection.reset();
        to->closes.push_back(o.close_code);
        with(*to, [&](auto& v) { v.handle_socket_closed(o.close_code, now); });
        continue;
      }
      if (o.kind == gateway::Outbound::Kind::grant_turn) {
        // What the gateway's I/O layer sends when TURN is configured.
        SignalingMessage turn;
        turn.type = SignalingType::turn;
        turn.turn = {"turn:turn.clinic.example:3478 turns:turn.clinic.example:5349", "1700000000:abcdef",
                     "c2VjcmV0LWNyZWRlbnRpYWw="};
        o.text = signaling_serialize(turn);
      }
      std::vector<std::string> texts;
      if (!relay_hook || relay_hook(*to, o.text)) texts.push_back(o.text);
      for (auto& extra : inject) texts.push_back(std::move(extra));
      inject.clear();
      for (const auto& t : texts) {
        to->received.push_back(t);
        with(*to, [&](auto& v) { v.handle_signaling(t, now); });
      }
    }
    return moved;
  }

  void deliver(std::vector<gateway::Outbound> out) {
    for (auto& o : out) inflight_.push_back(std::move(o));
  }

  std::uint64_t next_connection_ = 1;
  std::deque<gateway::Outbound> inflight_;
};

}  // namespace tessera::client::testing
