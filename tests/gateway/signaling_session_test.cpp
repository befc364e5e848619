// /signal end to end: the real listener on 127.0.0.1 port 0 with a
// SignalingHub, driven by real Beast WebSocket clients. The room logic itself
// is tested on a virtual clock in visit_rooms_test.cpp; this checks the wiring:
// Origin allowlist, text in and out, close codes on the wire, one bad
// connection not disturbing a room that relays (malformed JSON, an oversized
// message, malformed HTTP, unmasked and reserved-opcode WebSocket frames); the
// idle timeout's ping and drop (the sweep's counting: keep_alive_test.cpp).
#include "gateway/listener.hpp"
#include "gateway/signaling_hub.hpp"

#include "temp_web_root.hpp"
#include "tests/gateway/loopback_clients.hpp"
#include "tests/gateway/running_listener.hpp"

#include <boost/beast/websocket.hpp>
#include <catch2/catch.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <thread>

#include "shared/envelope.hpp"
#include "shared/base64url.hpp"
#include "shared/handshake.hpp"

using namespace tessera;
using namespace tessera::gateway;
using tessera::gateway::test::TempWebRoot;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

constexpr std::string_view kOrigin = "https://clinic.tessera.test";

class SignalingServer {
 public:
  explicit SignalingServer(const std::filesystem::path& web_root, TurnConfig turn = {}, Limits limits = {}) {
    std::string error;
    auto site = StaticSite::open(web_root, error);
    REQUIRE(site);
    hub_ = std::make_shared<SignalingHub>(running_.ioc().get_executor(),
                                          SignalingConfig{{std::string(kOrigin)}, limits, std::move(turn)},
                                          VisitLookup{}, metrics_);
    auto listener =
        std::make_shared<Listener>(running_.ioc(), std::make_shared<const StaticSite>(*site), nullptr, metrics_);
    listener->set_signaling(hub_);
    running_.start(listener);
  }
  ~SignalingServer() { running_.stop(); }
  SignalingServer(const SignalingServer&) = delete;
  SignalingServer& operator=(const SignalingServer&) = delete;

  [[nodiscard]] tcp::endpoint endpoint() const { return running_.endpoint(); }
  SignalingHub& hub() { return *hub_; }
  const Metrics& metrics() const { return *metrics_; }

 private:
  std::shared_ptr<Metrics> metrics_ = std::make_shared<Metrics>();
  tessera::gateway::test::RunningListener running_;
  std::shared_ptr<SignalingHub> hub_;
};

using Client = tessera::gateway::test::SignalingClient;

// GET /metrics over its own connection, as a scraper would.
std::string scrape(const tcp::endpoint& endpoint) {
  net::io_context ioc;
  tcp::socket socket(ioc);
  socket.connect(endpoint);
  http::request<http::empty_body> req{http::verb::get, "/metrics", 11};
  req.set(http::field::host, "127.0.0.1");
  http::write(socket, req);
  beast::flat_buffer buffer;
  http::response<http::string_body> res;
  http::read(socket, buffer, res);
  REQUIRE(res.result() == http::status::ok);
  return res.body();
}

// Writes `first` raw on a fresh connection; with `then`, waits for the end of
// the answer's head and writes `then` too (a WebSocket client must wait for
// the 101 before its first frame). Returns everything the gateway sent until
// it closed (a failsafe deadline only stops a hang).
std::string raw_exchange(const tcp::endpoint& endpoint, std::string_view first, std::string_view then = {}) {
  net::io_context ioc;
  beast::tcp_stream stream(ioc);
  stream.connect(endpoint);
  stream.expires_after(std::chrono::seconds(30));
  net::write(stream, net::buffer(first));
  std::string got;
  beast::error_code ec;
  char chunk[1024];
  bool sent_then = then.empty();
  while (!ec) {
    const auto n = stream.read_some(net::buffer(chunk), ec);
    got.append(chunk, n);
    if (!sent_then && got.find("\r\n\r\n") != std::string::npos) {
      net::write(stream, net::buffer(then), ec);
      sent_then = true;
    }
  }
  return got;
}

// The WebSocket upgrade a browser at kOrigin sends.
std::string upgrade_request() {
  return "GET /signal HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
         "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nOrigin: " +
         std::string(kOrigin) + "\r\n\r\n";
}

// The close code of the first close frame after the 101 answer, or 0.
std::uint16_t close_code_in(const std::string& answer) {
  const auto body = answer.find("\r\n\r\n");
  if (answer.rfind("HTTP/1.1 101", 0) != 0 || body == std::string::npos) return 0;
  for (std::size_t i = body + 4; i + 3 < answer.size(); ++i) {
    if (static_cast<std::uint8_t>(answer[i]) == 0x88 && static_cast<std::uint8_t>(answer[i + 1]) >= 2) {
      return static_cast<std::uint16_t>((static_cast<std::uint8_t>(answer[i + 2]) << 8) |
                                        static_cast<std::uint8_t>(answer[i + 3]));
    }
  }
  return 0;
}

std::array<std::uint8_t, 16> bytes16(std::uint8_t tag) {
  std::array<std::uint8_t, 16> a{};
  for (std::size_t i = 0; i < a.size(); ++i) a[i] = static_cast<std::uint8_t>(tag + i);
  return a;
}

std::string hello(SignalingRole role, const VisitId& v, const SessionId& s) {
  SignalingMessage m;
  m.type = SignalingType::hello;
  m.role = role;
  m.visit = v;
  m.session = s;
  m.payload.assign(kHashBytes, 0x11);
  return signaling_serialize(m);
}
std::string with_payload(SignalingType type, const VisitId& v, const SessionId& s, std::size_t size) {
  SignalingMessage m;
  m.type = type;
  m.visit = v;
  m.session = s;
  m.payload.assign(size, static_cast<std::uint8_t>(0x20 + static_cast<int>(type)));
  return signaling_serialize(m);
}
std::string relay(const VisitId& v, const SessionId& from, const SessionId& to) {
  SignalingMessage m;
  m.type = SignalingType::relay;
  m.visit = v;
  m.payload.assign(kEnvelopeMinBytes, 0xee);
  m.payload[0] = kProtocolVersion;
  std::copy(v.begin(), v.end(), m.payload.begin() + 1);
  std::copy(from.begin(), from.end(), m.payload.begin() + 17);
  std::copy(to.begin(), to.end(), m.payload.begin() + 33);
  m.payload[49] = 0x10;
  return signaling_serialize(m);
}

}  // namespace

TEST_CASE("a signaling socket from an origin not on the allowlist is refused with 403", "[gateway][signal]") {
  TempWebRoot temp;
  SignalingServer server(temp.web());
  Client evil;
  CHECK(evil.connect(server.endpoint(), "https://evil.example") == websocket::error::upgrade_declined);
  CHECK(evil.response().result() == http::status::forbidden);
}

TEST_CASE("a visit runs over real websockets: wait, admit, relay, a bad neighbour closed alone, end",
          "[gateway][signal]") {
  TempWebRoot temp;
  SignalingServer server(temp.web());
  const VisitId v = bytes16(1);
  const SessionId sp = bytes16(40), sg = bytes16(80);

  // The first connection is the provider (the sign-in layer would say so).
  server.hub().provider_connected(ConnectionId{1}, ProviderId{7});
  Client provider;
  REQUIRE_FALSE(provider.connect(server.endpoint(), kOrigin));
  provider.send(hello(SignalingRole::provider, v, sp));

  Client guest;
  REQUIRE_FALSE(guest.connect(server.endpoint(), kOrigin));
  guest.send(hello(SignalingRole::guest, v, sg));
  guest.send(with_payload(SignalingType::join, v, sg, kGuestHelloBytes));
  const auto waiting = provider.read_message();
  CHECK(waiting.type == SignalingType::waiting);
  CHECK(waiting.session == sg);

  provider.send(with_payload(SignalingType::admit, v, sg, kProviderAcceptBytes));
  CHECK(guest.read_message().type == SignalingType::admit);

  // A neighbour sends garbage and is closed alone with a clear code.
  Client noisy;
  REQUIRE_FALSE(noisy.connect(server.endpoint(), kOrigin));
  noisy.send("{not json");
  const auto err = noisy.read_message();
  CHECK(err.type == SignalingType::error);
  CHECK(err.code == SignalingErrorCode::bad_message);
  CHECK_FALSE(noisy.read());
  CHECK(noisy.close_code() == close_code::kBadMessage);

  // Another sends more than the size limit: Beast closes it with 1009.
  Client huge;
  REQUIRE_FALSE(huge.connect(server.endpoint(), kOrigin));
  huge.send(std::string(kMaxMessageBytes + 1, ' '));
  CHECK_FALSE(huge.read());
  CHECK(huge.close_code() == close_code::kMessageTooBig);

  // Malformed HTTP: a clear 400, and the socket is closed.
  CHECK(raw_exchange(server.endpoint(), "GARBAGE / NOT-HTTP\r\n\r\n").rfind("HTTP/1.1 400", 0) == 0);
  // A client frame without a mask (RFC 6455 5.1): closed with 1002, protocol error.
  CHECK(close_code_in(raw_exchange(server.endpoint(), upgrade_request(), std::string("\x81\x05hello", 7))) == 1002);
  // A reserved opcode (0x3), masked: also 1002.
  CHECK(close_code_in(raw_exchange(server.endpoint(), upgrade_request(),
                                   std::string("\x83\x80\x01\x02\x03\x04", 6))) == 1002);

  // The room still relays, both ways.
  guest.send(relay(v, sg, sp));
  auto r = provider.read_message();
  CHECK(r.type == SignalingType::relay);
  provider.send(relay(v, sp, sg));
  r = guest.read_message();
  CHECK(r.type == SignalingType::relay);

  provider.send(with_payload(SignalingType::end, v, sp, 0));
  const auto ended = guest.read_message();
  CHECK(ended.type == SignalingType::end);
  CHECK_FALSE(guest.read());
  CHECK(guest.close_code() == close_code::kVisitEnded);
  CHECK_FALSE(provider.read());
  CHECK(provider.close_code() == close_code::kVisitEnded);
}

TEST_CASE("a relayed message moves the relay counter and histogram seen on /metrics", "[gateway][signal][metrics]") {
  TempWebRoot temp;
  SignalingServer server(temp.web());
  const VisitId v = bytes16(3);
  const SessionId sp = bytes16(50), sg = bytes16(90);

  server.hub().provider_connected(ConnectionId{1}, ProviderId{9});
  Client provider;
  REQUIRE_FALSE(provider.connect(server.endpoint(), kOrigin));
  provider.send(hello(SignalingRole::provider, v, sp));
  Client guest;
  REQUIRE_FALSE(guest.connect(server.endpoint(), kOrigin));
  guest.send(hello(SignalingRole::guest, v, sg));
  guest.send(with_payload(SignalingType::join, v, sg, kGuestHelloBytes));
  REQUIRE(provider.read_message().type == SignalingType::waiting);
  provider.send(with_payload(SignalingType::admit, v, sg, kProviderAcceptBytes));
  REQUIRE(guest.read_message().type == SignalingType::admit);
  CHECK(server.metrics().messages_relayed() == 0);  // admit is not a relay

  guest.send(relay(v, sg, sp));
  REQUIRE(provider.read_message().type == SignalingType::relay);
  CHECK(server.metrics().messages_relayed() == 1);

  // A refusal is counted by its fixed reason name.
  Client noisy;
  REQUIRE_FALSE(noisy.connect(server.endpoint(), kOrigin));
  noisy.send("{not json");
  CHECK(noisy.read_message().code == SignalingErrorCode::bad_message);
  CHECK_FALSE(noisy.read());

  const auto text = scrape(server.endpoint());
  CHECK(text.find("\ntessera_gateway_messages_relayed_total 1\n") != std::string::npos);
  CHECK(text.find("\ntessera_gateway_relay_latency_seconds_count 1\n") != std::string::npos);
  CHECK(text.find("\ntessera_gateway_rooms_open 1\n") != std::string::npos);
  CHECK(text.find("\ntessera_gateway_rejects_total{reason=\"bad_message\"} 1\n") != std::string::npos);
  // The scrape's own connection is open while it is answered.
  CHECK(text.find("\ntessera_gateway_http_connections_open 1\n") != std::string::npos);
  // Nothing that names a visit or session.
  CHECK(text.find(base64url_encode(v)) == std::string::npos);
  CHECK(text.find(base64url_encode(sg)) == std::string::npos);
}

TEST_CASE("with TURN configured the provider gets credentials at hello and the guest once admitted",
          "[gateway][signal][turn]") {
  TempWebRoot temp;
  const TurnConfig turn{"a-shared-secret-for-coturn", {"turn:turn.tessera.test:3478"}, std::chrono::hours(6)};
  SignalingServer server(temp.web(), turn);
  const VisitId v = bytes16(5);
  const SessionId sp = bytes16(52), sg = bytes16(92);

  server.hub().provider_connected(ConnectionId{1}, ProviderId{3});
  Client provider;
  REQUIRE_FALSE(provider.connect(server.endpoint(), kOrigin));
  provider.send(hello(SignalingRole::provider, v, sp));
  const auto for_provider = provider.read_message();
  REQUIRE(for_provider.type == SignalingType::turn);
  CHECK(for_provider.turn.urls == "turn:turn.tessera.test:3478");

  // The credential is the one coturn computes for that username.
  const auto colon = for_provider.turn.username.find(':');
  REQUIRE(colon != std::string::npos);
  const std::int64_t expiry = std::stoll(for_provider.turn.username.substr(0, colon));
  const std::string id = for_provider.turn.username.substr(colon + 1);
  CHECK(id.size() >= 22);  // 128 random bits
  CHECK(turn_grant(turn, expiry - 6 * 3600, id).credential == for_provider.turn.credential);

  Client guest;
  REQUIRE_FALSE(guest.connect(server.endpoint(), kOrigin));
  guest.send(hello(SignalingRole::guest, v, sg));
  guest.send(with_payload(SignalingType::join, v, sg, kGuestHelloBytes));
  REQUIRE(provider.read_message().type == SignalingType::waiting);
  provider.send(with_payload(SignalingType::admit, v, sg, kProviderAcceptBytes));
  CHECK(guest.read_message().type == SignalingType::admit);
  const auto for_guest = guest.read_message();
  REQUIRE(for_guest.type == SignalingType::turn);
  CHECK(for_guest.turn.username != for_provider.turn.username);  // a fresh id per grant
}

TEST_CASE("a quiet connection that answers pings stays; one that never reads is dropped after the idle timeout",
          "[gateway][signal][idle]") {
  TempWebRoot temp;
  Limits limits;
  limits.idle_timeout = std::chrono::seconds(2);  // swept every 500 ms: pinged after 1 s of silence
  SignalingServer server(temp.web(), {}, limits);
  Client never_reads;
  REQUIRE_FALSE(never_reads.connect(server.endpoint(), kOrigin));
  Client answers;
  REQUIRE_FALSE(answers.connect(server.endpoint(), kOrigin));

  // Past the idle timeout plus a sweep, silent both: only the pongs differ.
  CHECK(answers.stays_open_for(std::chrono::milliseconds(3500)));
  CHECK(answers.pings() >= 1);
  CHECK_FALSE(never_reads.read());  // pings queued, then the socket closed under it
  CHECK(server.metrics().rejects(RejectReason::idle_timeout) == 1);
}
