#pragma once
// Clients for a gateway on a loopback socket: one HTTP exchange on its own
// connection, and a browser's signaling WebSocket with every read bounded in
// time (a test that would hang fails instead).
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <catch2/catch.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "gateway/http_headers.hpp"
#include "shared/signaling.hpp"

namespace tessera::gateway::test {

// Sends one request on a fresh connection and reads the answer.
inline boost::beast::http::response<boost::beast::http::string_body> exchange(
    const boost::asio::ip::tcp::endpoint& to, Request req) {
  boost::asio::io_context ioc;
  boost::asio::ip::tcp::socket socket(ioc);
  socket.connect(to);
  req.set(boost::beast::http::field::host, "127.0.0.1");
  boost::beast::http::write(socket, req);
  boost::beast::flat_buffer buffer;
  boost::beast::http::response<boost::beast::http::string_body> res;
  boost::beast::http::read(socket, buffer, res);
  return res;
}

class SignalingClient {
 public:
  // cookie: a whole Cookie header value, sent with the upgrade ("" for none).
  boost::beast::error_code connect(const boost::asio::ip::tcp::endpoint& endpoint,
                                   std::string_view origin, std::string_view cookie = {}) {
    boost::beast::error_code ec;
    ws_.next_layer().connect(endpoint, ec);
    if (ec) return ec;
    ws_.set_option(boost::beast::websocket::stream_base::decorator(
        [o = std::string(origin),
         c = std::string(cookie)](boost::beast::websocket::request_type& req) {
          req.set(boost::beast::http::field::origin, o);
          if (!c.empty()) req.set(boost::beast::http::field::cookie, c);
        }));
    ws_.handshake(response_, "127.0.0.1", "/signal", ec);
    return ec;
  }
  void send(const std::string& text) {
    ws_.text(true);
    ws_.write(boost::asio::buffer(text));
  }
  // The next message, or nullopt when the connection closed (see close_code()).
  std::optional<std::string> read() {
    boost::beast::flat_buffer buffer;
    boost::beast::error_code ec = boost::asio::error::would_block;
    ws_.async_read(buffer, [&](boost::beast::error_code e, std::size_t) { ec = e; });
    ioc_.restart();
    ioc_.run_for(std::chrono::seconds(10));
    if (ec == boost::asio::error::would_block) {  // timed out: fail the test, do not hang
      ws_.next_layer().cancel();
      ioc_.restart();
      ioc_.run();
      FAIL("no message within 10 s");
    }
    if (ec) return std::nullopt;
    return boost::beast::buffers_to_string(buffer.data());
  }
  SignalingMessage read_message() {
    const auto text = read();
    REQUIRE(text);
    auto m = signaling_parse(*text, SignalingDirection::from_gateway);
    REQUIRE(m);
    return *m;
  }
  // Reads (answering pings, as browsers do) for `how_long`: true when nothing
  // arrived and the connection stayed open all along.
  bool stays_open_for(std::chrono::milliseconds how_long) {
    ws_.control_callback([this](boost::beast::websocket::frame_type kind, boost::beast::string_view) {
      if (kind == boost::beast::websocket::frame_type::ping) ++pings_;
    });
    boost::beast::flat_buffer buffer;
    boost::beast::error_code ec = boost::asio::error::would_block;
    ws_.async_read(buffer, [&](boost::beast::error_code e, std::size_t) { ec = e; });
    ioc_.restart();
    ioc_.run_for(how_long);
    const bool open = ec == boost::asio::error::would_block;
    ws_.next_layer().cancel();
    ioc_.restart();
    ioc_.run();
    return open;
  }
  // Drops the TCP connection without a close frame, as a closed tab does.
  void close_now() {
    boost::beast::error_code ignored;
    ws_.next_layer().socket().close(ignored);
  }
  int pings() const { return pings_; }
  std::uint16_t close_code() const { return static_cast<std::uint16_t>(ws_.reason().code); }
  const boost::beast::websocket::response_type& response() const { return response_; }

 private:
  int pings_ = 0;
  boost::asio::io_context ioc_;
  boost::beast::websocket::stream<boost::beast::tcp_stream> ws_{ioc_};
  boost::beast::websocket::response_type response_;
};

}  // namespace tessera::gateway::test
