#include "tests/gateway/loopback_clients.hpp"

#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <catch2/catch.hpp>

namespace tessera::gateway::test {

boost::beast::http::response<boost::beast::http::string_body> exchange(const boost::asio::ip::tcp::endpoint& to,
                                                                        Request req) {
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

SignalingClient::SignalingClient() : ws_(ioc_) {}
SignalingClient::~SignalingClient() = default;

boost::beast::error_code SignalingClient::connect(const boost::asio::ip::tcp::endpoint& endpoint,
                                                  std::string_view origin, std::string_view cookie) {
  boost::beast::error_code ec;
  ws_.next_layer().connect(endpoint, ec);
  if (ec) return ec;
  ws_.set_option(boost::beast::websocket::stream_base::decorator(
      [o = std::string(origin), c = std::string(cookie)](boost::beast::websocket::request_type& req) {
        req.set(boost::beast::http::field::origin, o);
        if (!c.empty()) req.set(boost::beast::http::field::cookie, c);
      }));
  ws_.handshake(response_, "127.0.0.1", "/signal", ec);
  return ec;
}

void SignalingClient::send(const std::string& text) {
  ws_.text(true);
  ws_.write(boost::asio::buffer(text));
}

std::optional<std::string> SignalingClient::read() {
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

SignalingMessage SignalingClient::read_message() {
  const auto text = read();
  REQUIRE(text);
  auto m = signaling_parse(*text, SignalingDirection::from_gateway);
  REQUIRE(m);
  return *m;
}

bool SignalingClient::stays_open_for(std::chrono::milliseconds how_long) {
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

void SignalingClient::close_now() {
  boost::beast::error_code ignored;
  ws_.next_layer().socket().close(ignored);
}

std::uint16_t SignalingClient::close_code() const { return static_cast<std::uint16_t>(ws_.reason().code); }

}  // namespace tessera::gateway::test
