#include "tools/bench/load_connection.hpp"

#include <boost/beast/http.hpp>

#include <netinet/in.h>
#include <sys/socket.h>

#include <chrono>

namespace tessera::bench {
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace net = boost::asio;

namespace {
constexpr auto kConnectTimeout = std::chrono::seconds(30);
}  // namespace

LoadConnection::LoadConnection(net::io_context& ioc, LoadEvents& events, std::size_t index)
    : ws_(ioc), events_(events), index_(index) {}

void LoadConnection::start(const Target& target) {
  auto& socket = beast::get_lowest_layer(ws_).socket();
  beast::error_code ec;
  socket.open(target.server.protocol(), ec);
  if (ec) return fail("open", ec);
#ifdef IP_BIND_ADDRESS_NO_PORT
  // Pick the port at connect time, per destination, not at bind time per source address.
  const int one = 1;
  ::setsockopt(socket.native_handle(), IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
#endif
  socket.bind({target.source, 0}, ec);
  if (ec) return fail("bind", ec);
  host_ = target.server.address().to_string() + ":" + std::to_string(target.server.port());
  ws_.set_option(websocket::stream_base::decorator(
      [origin = target.origin](websocket::request_type& req) { req.set(http::field::origin, origin); }));
  beast::get_lowest_layer(ws_).expires_after(kConnectTimeout);
  beast::get_lowest_layer(ws_).async_connect(
      target.server, beast::bind_front_handler(&LoadConnection::on_connect, shared_from_this()));
}

void LoadConnection::on_connect(beast::error_code ec) {
  if (ec) return fail("connect", ec);
  // Small messages one at a time: no Nagle delay (node's ws sets the same on its side).
  beast::get_lowest_layer(ws_).socket().set_option(net::ip::tcp::no_delay(true), ec);
  if (ec) return fail("no_delay", ec);
  ws_.async_handshake(host_, "/signal",
                      beast::bind_front_handler(&LoadConnection::on_handshake, shared_from_this()));
}

void LoadConnection::on_handshake(beast::error_code ec) {
  if (ec) return fail("handshake", ec);
  beast::get_lowest_layer(ws_).expires_never();  // no idle timeout: idle is what is measured
  ws_.text(true);
  events_.on_open(index_);
  do_read();
}

void LoadConnection::do_read() {
  ws_.async_read(buffer_, beast::bind_front_handler(&LoadConnection::on_read, shared_from_this()));
}

void LoadConnection::on_read(beast::error_code ec, std::size_t /*bytes*/) {
  if (ec == websocket::error::closed && closing_) return;  // our own close finished the read
  if (ec) return fail("read", ec);
  const auto data = buffer_.cdata();
  events_.on_message(index_, std::string_view(static_cast<const char*>(data.data()), data.size()));
  buffer_.consume(buffer_.size());
  do_read();
}

void LoadConnection::send(std::string text) {
  if (done_ || closing_) return;
  queue_.push_back(std::move(text));
  if (!writing_) do_write();
}

void LoadConnection::close() {
  if (done_ || closing_) return;
  closing_ = true;
  if (!writing_) do_write();
}

void LoadConnection::do_write() {
  if (!queue_.empty() && !closing_) {
    writing_ = true;
    ws_.async_write(net::buffer(queue_.front()),
                    beast::bind_front_handler(&LoadConnection::on_write, shared_from_this()));
    return;
  }
  writing_ = false;
  if (closing_) {
    queue_.clear();
    ws_.async_close(websocket::close_code::normal,
                    beast::bind_front_handler(&LoadConnection::on_close, shared_from_this()));
  }
}

void LoadConnection::on_write(beast::error_code ec, std::size_t /*bytes*/) {
  writing_ = false;
  if (ec) return fail("write", ec);
  queue_.pop_front();
  do_write();
}

void LoadConnection::on_close(beast::error_code /*ec*/) {
  if (done_) return;
  done_ = true;
  events_.on_closed(index_);
}

void LoadConnection::fail(const char* what, beast::error_code ec) {
  if (done_) return;
  done_ = true;
  if (closing_) return events_.on_closed(index_);  // anything after our close is part of closing
  events_.on_fail(index_, what, ec);
}

}  // namespace tessera::bench
