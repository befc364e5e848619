// HTTPS and WSS end to end (issue 9 item 1): the real Listener on 127.0.0.1
// port 0 with a TLS context made from a throw-away certificate, driven by real
// OpenSSL clients that verify it. Also make_tls_context's refusals, and the
// per-address connection limit over real sockets. Synchronization is by the
// protocol (a handshake, a response, a close), never by sleeping.
#include "gateway/listener.hpp"
#include "gateway/signaling_hub.hpp"
#include "gateway/tls_context.hpp"

#include "temp_web_root.hpp"
#include "test_certificate.hpp"
#include "tests/gateway/running_listener.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <catch2/catch.hpp>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "shared/signaling.hpp"

using namespace tessera;
using namespace tessera::gateway;
using tessera::gateway::test::kIndexHtml;
using tessera::gateway::test::TempWebRoot;
using tessera::gateway::test::TestCertificate;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace net = boost::asio;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;

namespace {

constexpr std::string_view kOrigin = "https://127.0.0.1:8443";

// The gateway as main() builds it: TLS when given a certificate, /signal for
// kOrigin, I/O on one background thread.
class Server {
 public:
  Server(const std::filesystem::path& web_root, const TestCertificate* cert,
         std::size_t per_address = kMaxConnectionsPerAddress) {
    std::string error;
    auto site = StaticSite::open(web_root, error);
    REQUIRE(site);
    auto hub = std::make_shared<SignalingHub>(running_.ioc().get_executor(),
                                              SignalingConfig{{std::string(kOrigin)}, Limits{}}, VisitLookup{}, metrics_);
    auto listener =
        std::make_shared<Listener>(running_.ioc(), std::make_shared<const StaticSite>(*site), nullptr, metrics_);
    listener->set_signaling(hub);
    listener->set_max_connections_per_address(per_address);
    if (cert != nullptr) {
      auto tls = make_tls_context(cert->cert_pem(), cert->key_pem(), error);
      INFO(error);
      REQUIRE(tls);
      listener->set_tls(tls);
    }
    running_.start(listener);
  }
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  [[nodiscard]] tcp::endpoint endpoint() const { return running_.endpoint(); }

 private:
  std::shared_ptr<Metrics> metrics_ = std::make_shared<Metrics>();
  tessera::gateway::test::RunningListener running_;
};

// A client context that trusts only the test certificate and checks the
// server's name against it, as a browser would after accepting it.
ssl::context client_context(const TestCertificate& cert) {
  ssl::context ctx(ssl::context::tls_client);
  ctx.load_verify_file(cert.cert_pem().string());
  ctx.set_verify_mode(ssl::verify_peer);
  ctx.set_verify_callback(ssl::host_name_verification("127.0.0.1"));
  return ctx;
}

http::request<http::empty_body> get(std::string_view target, bool keep_alive = true) {
  http::request<http::empty_body> req{http::verb::get, target, 11};
  req.set(http::field::host, "127.0.0.1");
  req.keep_alive(keep_alive);
  return req;
}

// One HTTPS connection, handshake done in the constructor.
class HttpsClient {
 public:
  HttpsClient(const tcp::endpoint& endpoint, const TestCertificate& cert)
      : ctx_(client_context(cert)), stream_(ioc_, ctx_) {
    beast::get_lowest_layer(stream_).connect(endpoint);
    stream_.handshake(ssl::stream_base::client);
  }
  http::response<http::string_body> fetch(std::string_view target) {
    http::write(stream_, get(target));
    http::response<http::string_body> res;
    http::read(stream_, buffer_, res);
    return res;
  }

 private:
  net::io_context ioc_;
  ssl::context ctx_;
  beast::ssl_stream<beast::tcp_stream> stream_;
  beast::flat_buffer buffer_;
};

// One plain HTTP connection.
class PlainClient {
 public:
  explicit PlainClient(const tcp::endpoint& endpoint) : socket_(ioc_) { socket_.connect(endpoint); }
  http::response<http::string_body> fetch(std::string_view target, bool keep_alive = true) {
    http::write(socket_, get(target, keep_alive));
    http::response<http::string_body> res;
    http::read(socket_, buffer_, res);
    return res;
  }
  void send(std::string_view bytes) { net::write(socket_, net::buffer(bytes)); }
  // Everything until the server closes (or resets) the connection.
  std::string read_to_end() {
    std::string out;
    char chunk[4096];
    beast::error_code ec;
    while (!ec) out.append(chunk, socket_.read_some(net::buffer(chunk), ec));
    return out;
  }

 private:
  net::io_context ioc_;
  tcp::socket socket_;
  beast::flat_buffer buffer_;
};

// The WebSocket upgrade on /signal from the allowed Origin (the TCP and any
// TLS handshake already done).
template <class WebSocket>
beast::error_code open_signal(WebSocket& ws) {
  ws.set_option(websocket::stream_base::decorator(
      [](websocket::request_type& req) { req.set(http::field::origin, kOrigin); }));
  beast::error_code ec;
  ws.handshake("127.0.0.1", kSignalingPath, ec);
  return ec;
}

// Sends what is not a signaling message; the gateway's answer is an error
// message, so this is a round trip through the hub.
template <class WebSocket>
std::string round_trip(WebSocket& ws) {
  ws.text(true);
  ws.write(net::buffer(std::string("{not json")));
  beast::flat_buffer buffer;
  ws.read(buffer);
  return beast::buffers_to_string(buffer.data());
}

}  // namespace

// ------------------------------------------------------------ make_tls_context
TEST_CASE("a tls context is built from a matching certificate and key", "[gateway][tls]") {
  TestCertificate cert;
  std::string error;
  const auto ctx = make_tls_context(cert.cert_pem(), cert.key_pem(), error);
  CHECK(ctx);
  CHECK(error.empty());
  // TLS 1.2 at least, whatever the system's OpenSSL configuration says.
  CHECK(SSL_CTX_get_min_proto_version(ctx->native_handle()) == TLS1_2_VERSION);
  CHECK((SSL_CTX_get_options(ctx->native_handle()) & SSL_OP_NO_COMPRESSION) != 0);
  CHECK((SSL_CTX_get_options(ctx->native_handle()) & SSL_OP_NO_RENEGOTIATION) != 0);
  CHECK((SSL_CTX_get_options(ctx->native_handle()) & SSL_OP_CIPHER_SERVER_PREFERENCE) != 0);
}

TEST_CASE("a tls context is refused for a key that does not match, or a file that cannot be read",
          "[gateway][tls]") {
  TestCertificate cert;
  std::string error;
  CHECK_FALSE(make_tls_context(cert.cert_pem(), cert.other_key_pem(), error));
  CHECK_THAT(error, Catch::Contains("does not match"));

  error.clear();
  CHECK_FALSE(make_tls_context(cert.cert_pem().string() + ".missing", cert.key_pem(), error));
  CHECK_THAT(error, Catch::StartsWith("--tls-cert"));

  error.clear();
  CHECK_FALSE(make_tls_context(cert.cert_pem(), cert.key_pem().string() + ".missing", error));
  CHECK_THAT(error, Catch::StartsWith("--tls-key"));

  error.clear();  // a key where the certificate should be: not a certificate
  CHECK_FALSE(make_tls_context(cert.key_pem(), cert.key_pem(), error));
  CHECK_THAT(error, Catch::StartsWith("--tls-cert"));
}

// ------------------------------------------------------------ HTTPS
TEST_CASE("https serves the client with strict transport security", "[gateway][tls]") {
  TempWebRoot temp;
  TestCertificate cert;
  Server server(temp.web(), &cert);
  HttpsClient client(server.endpoint(), cert);
  auto res = client.fetch("/");
  CHECK(res.result() == http::status::ok);
  CHECK(res.body() == kIndexHtml);
  CHECK(res[http::field::strict_transport_security] == "max-age=63072000");
  // Keep-alive works over TLS, and errors carry the header too.
  res = client.fetch("/no-such-file.js");
  CHECK(res.result() == http::status::not_found);
  CHECK(res[http::field::strict_transport_security] == "max-age=63072000");
}

TEST_CASE("plain http on loopback carries no strict transport security", "[gateway][tls]") {
  TempWebRoot temp;
  Server server(temp.web(), nullptr);
  PlainClient client(server.endpoint());
  const auto res = client.fetch("/");
  CHECK(res.result() == http::status::ok);
  CHECK(res.count(http::field::strict_transport_security) == 0);
}

TEST_CASE("a client that offers only tls 1.1 is refused with a protocol version alert", "[gateway][tls]") {
  TempWebRoot temp;
  TestCertificate cert;
  Server server(temp.web(), &cert);

  net::io_context ioc;
  ssl::context ctx = client_context(cert);
  // Security level 0 lets this client really offer TLS 1.1 (OpenSSL 3 would
  // otherwise refuse locally and the server would never be asked).
  REQUIRE(SSL_CTX_set_min_proto_version(ctx.native_handle(), TLS1_1_VERSION) == 1);
  REQUIRE(SSL_CTX_set_max_proto_version(ctx.native_handle(), TLS1_1_VERSION) == 1);
  REQUIRE(SSL_CTX_set_cipher_list(ctx.native_handle(), "DEFAULT:@SECLEVEL=0") == 1);
  beast::ssl_stream<beast::tcp_stream> stream(ioc, ctx);
  beast::get_lowest_layer(stream).connect(server.endpoint());
  beast::error_code ec;
  stream.handshake(ssl::stream_base::client, ec);
  REQUIRE(ec);
  CHECK(ec.category() == net::error::get_ssl_category());
  CHECK(ERR_GET_REASON(static_cast<unsigned long>(ec.value())) == SSL_R_TLSV1_ALERT_PROTOCOL_VERSION);

  // The same server still serves a TLS 1.2+ client.
  HttpsClient good(server.endpoint(), cert);
  CHECK(good.fetch("/").result() == http::status::ok);
}

TEST_CASE("plain http to the tls port gets no http response and disturbs no tls client", "[gateway][tls]") {
  TempWebRoot temp;
  TestCertificate cert;
  Server server(temp.web(), &cert);
  HttpsClient neighbour(server.endpoint(), cert);  // connected before, served after

  PlainClient plain(server.endpoint());
  plain.send("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
  const std::string answer = plain.read_to_end();
  CHECK(answer.find("HTTP/") == std::string::npos);
  CHECK(answer.find(kIndexHtml) == std::string::npos);

  const auto res = neighbour.fetch("/metrics");
  CHECK(res.result() == http::status::ok);
  CHECK_THAT(res.body(), Catch::Contains("tessera_gateway_rejects_total{reason=\"tls_handshake\"} 1\n"));
}

// ------------------------------------------------------------ WSS
TEST_CASE("wss signal round-trips a message under tls", "[gateway][tls]") {
  TempWebRoot temp;
  TestCertificate cert;
  Server server(temp.web(), &cert);

  net::io_context ioc;
  ssl::context ctx = client_context(cert);
  websocket::stream<beast::ssl_stream<beast::tcp_stream>> ws(ioc, ctx);
  beast::get_lowest_layer(ws).connect(server.endpoint());
  ws.next_layer().handshake(ssl::stream_base::client);
  REQUIRE_FALSE(open_signal(ws));

  const auto reply = signaling_parse(round_trip(ws), SignalingDirection::from_gateway);
  REQUIRE(reply);
  CHECK(reply->type == SignalingType::error);
  CHECK(reply->code == SignalingErrorCode::bad_message);
}

// ------------------------------------------------------------ connections per address
TEST_CASE("connections over the per-address limit are closed while the others keep working",
          "[gateway][tls][limits]") {
  TempWebRoot temp;
  Server server(temp.web(), nullptr, /*per_address=*/2);
  PlainClient first(server.endpoint());
  PlainClient second(server.endpoint());
  REQUIRE(first.fetch("/").result() == http::status::ok);
  REQUIRE(second.fetch("/").result() == http::status::ok);

  PlainClient third(server.endpoint());  // the kernel accepts it; the gateway closes it unread
  CHECK(third.read_to_end().empty());

  CHECK(first.fetch("/").result() == http::status::ok);
  const auto metrics = second.fetch("/metrics");
  CHECK_THAT(metrics.body(), Catch::Contains("tessera_gateway_rejects_total{reason=\"connection_limit\"} 1\n"));

  // A connection that ends gives its place back.
  CHECK(first.fetch("/", /*keep_alive=*/false).result() == http::status::ok);
  CHECK(first.read_to_end().empty());
  PlainClient fourth(server.endpoint());
  CHECK(fourth.fetch("/").result() == http::status::ok);
}

TEST_CASE("a signaling websocket holds its connection's place until it closes", "[gateway][tls][limits]") {
  TempWebRoot temp;
  Server server(temp.web(), nullptr, /*per_address=*/1);
  net::io_context ioc;
  websocket::stream<beast::tcp_stream> ws(ioc);
  beast::get_lowest_layer(ws).connect(server.endpoint());
  REQUIRE_FALSE(open_signal(ws));

  // The upgraded connection still counts: a second one is closed at once, and
  // a WebSocket upgrade on it fails cleanly rather than hanging.
  websocket::stream<beast::tcp_stream> second(ioc);
  beast::get_lowest_layer(second).connect(server.endpoint());
  CHECK(open_signal(second));

  // The first is unaffected.
  CHECK_THAT(round_trip(ws), Catch::Contains("bad_message"));
}
