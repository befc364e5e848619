#pragma once
// Clients for a gateway on a loopback socket: one HTTP exchange on its own
// connection, and a browser's signaling WebSocket with every read bounded in
// time (a test that would hang fails instead). Defined in loopback_clients.cpp,
// so their Beast code is compiled once for all the suites that use them.
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/websocket/stream.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "gateway/http_headers.hpp"
#include "shared/signaling.hpp"

namespace tessera::gateway::test {

// Sends one request on a fresh connection and reads the answer.
[[nodiscard]] boost::beast::http::response<boost::beast::http::string_body> exchange(
    const boost::asio::ip::tcp::endpoint& to, Request req);

class SignalingClient {
 public:
  SignalingClient();
  ~SignalingClient();
  SignalingClient(const SignalingClient&) = delete;
  SignalingClient& operator=(const SignalingClient&) = delete;

  // cookie: a whole Cookie header value, sent with the upgrade ("" for none).
  [[nodiscard]] boost::beast::error_code connect(const boost::asio::ip::tcp::endpoint& endpoint,
                                                 std::string_view origin, std::string_view cookie = {});
  void send(const std::string& text);
  // The next message, or nullopt when the connection closed (see close_code()).
  [[nodiscard]] std::optional<std::string> read();
  [[nodiscard]] SignalingMessage read_message();
  // Reads (answering pings, as browsers do) for `how_long`: true when nothing
  // arrived and the connection stayed open all along.
  [[nodiscard]] bool stays_open_for(std::chrono::milliseconds how_long);
  // Drops the TCP connection without a close frame, as a closed tab does.
  void close_now();
  int pings() const { return pings_; }
  std::uint16_t close_code() const;
  const boost::beast::websocket::response_type& response() const { return response_; }

 private:
  int pings_ = 0;
  boost::asio::io_context ioc_;
  boost::beast::websocket::stream<boost::beast::tcp_stream> ws_;
  boost::beast::websocket::response_type response_;
};

}  // namespace tessera::gateway::test
