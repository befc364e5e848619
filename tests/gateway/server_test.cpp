// The real listener and sessions on 127.0.0.1 port 0, driven over a loopback
// socket with hand-written bytes: request lines a normal client would
// normalize ("/../"), pipelining, limits, and what the request log may say.
// Synchronization is by the protocol itself (a response arrives, the server
// closes), never by sleeping.
#include "gateway/listener.hpp"

#include "temp_web_root.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/write.hpp>
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <thread>
#include <vector>

using namespace tessera::gateway;
using tessera::gateway::test::kHashedWasm;
using tessera::gateway::test::kHashedWasmGz;
using tessera::gateway::test::kIndexHtml;
using tessera::gateway::test::kSecretMarker;
using tessera::gateway::test::TempWebRoot;
namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

// ------------------------------------------------------------ test server
// The gateway as main() builds it, with its I/O on one background thread and
// its log lines collected. log() may be read only after stop().
class TestServer {
 public:
  explicit TestServer(const std::filesystem::path& web_root) {
    std::string error;
    auto site = StaticSite::open(web_root, error);
    REQUIRE(site);
    listener_ = std::make_shared<Listener>(ioc_, std::make_shared<const StaticSite>(*site),
                                           [this](std::string_view line) { log_.emplace_back(line); });
    REQUIRE_FALSE(listener_->open({net::ip::make_address("127.0.0.1"), 0}));
    endpoint_ = listener_->local_endpoint();
    REQUIRE(endpoint_.port() != 0);
    listener_->run();
    thread_ = std::thread([this] { ioc_.run(); });
  }
  ~TestServer() { stop(); }
  TestServer(const TestServer&) = delete;
  TestServer& operator=(const TestServer&) = delete;

  void stop() {
    if (!thread_.joinable()) return;
    ioc_.stop();
    thread_.join();
  }
  [[nodiscard]] tcp::endpoint endpoint() const { return endpoint_; }
  [[nodiscard]] const std::vector<std::string>& log() const { return log_; }

 private:
  net::io_context ioc_;
  std::shared_ptr<Listener> listener_;
  tcp::endpoint endpoint_;
  std::vector<std::string> log_;
  std::thread thread_;
};

// ------------------------------------------------------------ raw client
class RawClient {
 public:
  explicit RawClient(const tcp::endpoint& endpoint) : socket_(ioc_) { socket_.connect(endpoint); }

  void send(std::string_view bytes) { net::write(socket_, net::buffer(bytes)); }

  // Writes as much as the server takes; it may reset a connection it refused.
  void send_ignoring_errors(std::string_view bytes) {
    beast::error_code ec;
    net::write(socket_, net::buffer(bytes), ec);
  }

  http::response<http::string_body> read_response(bool to_head = false) {
    http::response_parser<http::string_body> parser;
    parser.skip(to_head);  // a response to HEAD has a Content-Length but no body
    http::read(socket_, buffer_, parser);
    return parser.release();
  }

  // Everything until the server closes (or resets) the connection.
  std::string read_to_end(beast::error_code& ec) {
    std::string out = beast::buffers_to_string(buffer_.data());
    buffer_.clear();
    char chunk[4096];
    while (true) {
      const std::size_t n = socket_.read_some(net::buffer(chunk), ec);
      out.append(chunk, n);
      if (ec) return out;
    }
  }

 private:
  net::io_context ioc_;
  tcp::socket socket_;
  beast::flat_buffer buffer_;
};

std::string get_request(std::string_view target, std::string_view extra_headers = "") {
  return "GET " + std::string(target) + " HTTP/1.1\r\nHost: localhost\r\n" +
         std::string(extra_headers) + "\r\n";
}

}  // namespace

// ------------------------------------------------------------ tests
TEST_CASE("server_serves_index_and_wasm_on_a_free_port", "[gateway][server]") {
  TempWebRoot temp;
  TestServer server(temp.web());
  RawClient client(server.endpoint());

  client.send(get_request("/"));
  auto res = client.read_response();
  CHECK(res.result() == http::status::ok);
  CHECK(res.body() == kIndexHtml);
  CHECK(res["Content-Security-Policy"] == kContentSecurityPolicy);
  CHECK(res["X-Content-Type-Options"] == "nosniff");

  client.send(get_request("/app.wasm"));
  res = client.read_response();
  CHECK(res.result() == http::status::ok);
  CHECK(res[http::field::content_type] == "application/wasm");
  CHECK(res.keep_alive());
}

TEST_CASE("server_sends_the_gzip_file_with_cache_and_security_headers_over_the_socket",
          "[gateway][server]") {
  TempWebRoot temp;
  TestServer server(temp.web());
  RawClient client(server.endpoint());

  client.send(get_request(kHashedWasm, "Accept-Encoding: gzip, br\r\n"));
  auto res = client.read_response();
  CHECK(res.result() == http::status::ok);
  CHECK(res.body() == kHashedWasmGz);  // the stored bytes, not re-encoded
  CHECK(res[http::field::content_encoding] == "gzip");
  CHECK(res[http::field::content_type] == "application/wasm");
  CHECK(res[http::field::vary] == "Accept-Encoding");
  CHECK(res[http::field::cache_control] == "public, max-age=31536000, immutable");
  CHECK(res["X-Frame-Options"] == "DENY");
  CHECK(res["Cross-Origin-Resource-Policy"] == "same-origin");

  client.send(get_request(kHashedWasm, "Accept-Encoding: gzip;q=0\r\n"));
  res = client.read_response();
  CHECK(res.body() == std::string_view("\0asm\1\0\0\0", 8));
  CHECK(res.count(http::field::content_encoding) == 0);
  CHECK(res[http::field::vary] == "Accept-Encoding");
}

TEST_CASE("server_answers_pipelined_requests_in_order_on_one_connection", "[gateway][server]") {
  TempWebRoot temp;
  TestServer server(temp.web());
  RawClient client(server.endpoint());

  client.send(get_request("/app.js") + get_request("/missing.js") +
              "HEAD /index.html HTTP/1.1\r\nHost: localhost\r\n\r\n" + get_request("/v/AAAAAAAAAAAAAAAAAAAAAA"));
  CHECK(client.read_response().result() == http::status::ok);
  CHECK(client.read_response().result() == http::status::not_found);
  const auto head = client.read_response(/*to_head=*/true);
  CHECK(head.result() == http::status::ok);
  CHECK(head[http::field::content_length] == std::to_string(kIndexHtml.size()));
  const auto visit = client.read_response();
  CHECK(visit.result() == http::status::ok);
  CHECK(visit.body() == kIndexHtml);
}

TEST_CASE("server_refuses_raw_traversal_that_a_client_would_normalize", "[gateway][server]") {
  TempWebRoot temp;
  TestServer server(temp.web());
  RawClient client(server.endpoint());
  for (const char* target : {"/../secret.js", "/assets/../../secret.js", "/%2e%2e/secret.js",
                             "/..%2fsecret.js", "/..\\secret.js", "/escape.js",
                             "/escape_dir/secret.js"}) {
    INFO("target: " << target);
    client.send(get_request(target));
    const auto res = client.read_response();
    CHECK(res.result() == http::status::not_found);
    CHECK_THAT(res.body(), !Catch::Contains(std::string(kSecretMarker)));
  }
}

TEST_CASE("server_closes_after_connection_close", "[gateway][server]") {
  TempWebRoot temp;
  TestServer server(temp.web());
  RawClient client(server.endpoint());
  client.send(get_request("/index.html", "Connection: close\r\n"));
  beast::error_code ec;
  const std::string all = client.read_to_end(ec);
  CHECK(ec == net::error::eof);
  CHECK(all.starts_with("HTTP/1.1 200 OK\r\n"));
  CHECK(all.ends_with(kIndexHtml));
}

TEST_CASE("server_rejects_oversized_headers_and_keeps_serving", "[gateway][server]") {
  TempWebRoot temp;
  TestServer server(temp.web());
  {
    RawClient client(server.endpoint());
    client.send_ignoring_errors("GET / HTTP/1.1\r\nHost: localhost\r\nX-Big: " +
                                std::string(64 * 1024, 'a') + "\r\n\r\n");
    beast::error_code ec;
    const std::string received = client.read_to_end(ec);
    INFO("received: " << received.substr(0, 200));
    // Either the 431 arrives, or the unread bytes made the server's close a
    // reset first; both refuse the request. Serving it is what must not happen.
    const std::string_view expected = "HTTP/1.1 431 ";
    const std::size_t n = std::min(received.size(), expected.size());
    CHECK(std::string_view(received).substr(0, n) == expected.substr(0, n));
    CHECK_THAT(received, !Catch::Contains(std::string(kIndexHtml)));
  }
  RawClient next(server.endpoint());
  next.send(get_request("/"));
  CHECK(next.read_response().result() == http::status::ok);
}

TEST_CASE("server_answers_limits_with_clear_statuses", "[gateway][server]") {
  TempWebRoot temp;
  TestServer server(temp.web());

  SECTION("a body over the limit is refused before it is sent") {
    RawClient client(server.endpoint());
    client.send(get_request("/", "Content-Length: 100000\r\n"));
    const auto res = client.read_response();
    CHECK(res.result() == http::status::payload_too_large);
    CHECK_FALSE(res.keep_alive());
  }
  SECTION("a small body on GET is read and ignored") {
    RawClient client(server.endpoint());
    client.send(get_request("/", "Content-Length: 5\r\n") + "hello" + get_request("/app.js"));
    CHECK(client.read_response().body() == kIndexHtml);
    CHECK(client.read_response().result() == http::status::ok);
  }
  SECTION("a long URL is 414") {
    RawClient client(server.endpoint());
    client.send(get_request("/" + std::string(kMaxTargetLength, 'a')));
    CHECK(client.read_response().result() == http::status::uri_too_long);
  }
  SECTION("POST is 405") {
    RawClient client(server.endpoint());
    client.send("POST / HTTP/1.1\r\nHost: localhost\r\nContent-Length: 2\r\n\r\n{}");
    const auto res = client.read_response();
    CHECK(res.result() == http::status::method_not_allowed);
    CHECK(res[http::field::allow] == "GET, HEAD");
  }
  SECTION("a malformed request line is 400 and closes") {
    RawClient client(server.endpoint());
    client.send("GET /index.html HTTP/9\r\n\r\n");
    beast::error_code ec;
    const std::string all = client.read_to_end(ec);
    CHECK(all.starts_with("HTTP/1.1 400 "));
    CHECK(ec == net::error::eof);
  }
}

TEST_CASE("server_log_has_method_status_and_size_but_never_the_target", "[gateway][server]") {
  TempWebRoot temp;
  TestServer server(temp.web());
  {
    RawClient client(server.endpoint());
    // The last request closes the connection: reading to its end means the
    // server has finished, and logged, all three.
    client.send(get_request("/v/SECRETVISITIDSECRETAAA") + get_request("/index.html?token=SECRETTOKEN") +
                get_request("/SECRETNAME.js", "Connection: close\r\nCookie: SECRETCOOKIE\r\n"));
    beast::error_code ec;
    client.read_to_end(ec);
    REQUIRE(ec == net::error::eof);
  }
  server.stop();
  const auto& log = server.log();
  REQUIRE(log.size() == 3);
  // Structured JSON lines (log_line.hpp): time, level, event, then fields.
  const std::string http = R"(\{"time":"[0-9T:.-]+Z","level":"info","event":"http","method":"GET",)";
  CHECK_THAT(log[0], Catch::Matches(http + R"("status":200,"bytes":[0-9]+\})"));
  CHECK_THAT(log[1], Catch::Matches(http + R"("status":200,"bytes":[0-9]+\})"));
  CHECK_THAT(log[2], Catch::Matches(http + R"("status":404,"bytes":[0-9]+\})"));
  for (const auto& line : log) CHECK_THAT(line, !Catch::Contains("SECRET"));
}

TEST_CASE("server_answers_healthz_over_the_socket", "[gateway][server]") {
  TempWebRoot temp;
  TestServer server(temp.web());
  RawClient client(server.endpoint());
  client.send(get_request("/healthz"));
  const auto res = client.read_response();
  CHECK(res.result() == http::status::ok);
  CHECK(res.body() == "ok\n");
  CHECK(res[http::field::cache_control] == "no-store");
  CHECK(res["Content-Security-Policy"] == kContentSecurityPolicy);
}
