// One signaling WebSocket: see signaling_session.hpp.
#include "gateway/signaling_session.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>

#include <chrono>

namespace tessera::gateway {
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace net = boost::asio;

SignalingSession::SignalingSession(net::ip::tcp::socket&& socket, std::shared_ptr<SignalingHub> hub)
    : ws_(std::move(socket)), hub_(std::move(hub)) {}

SignalingSession::~SignalingSession() {
  if (accepted_) hub_->metrics().signaling_closed();
}

void SignalingSession::run(http::request<http::string_body> upgrade) {
  beast::get_lowest_layer(ws_).expires_never();  // the websocket timeouts take over
  // Signaling is small messages that someone waits for: no Nagle delay.
  beast::error_code ec;
  beast::get_lowest_layer(ws_).socket().set_option(net::ip::tcp::no_delay(true), ec);
  ws_.set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
  ws_.read_message_max(hub_->limits().max_message_bytes);
  ws_.async_accept(upgrade, beast::bind_front_handler(&SignalingSession::on_accept, shared_from_this()));
}

void SignalingSession::on_accept(beast::error_code ec) {
  if (ec) return;  // a failed handshake: nothing was attached yet
  accepted_ = true;
  hub_->metrics().signaling_opened();
  id_ = hub_->attach(shared_from_this());
  do_read();
}

void SignalingSession::do_read() {
  ws_.async_read(buffer_, beast::bind_front_handler(&SignalingSession::on_read, shared_from_this()));
}

void SignalingSession::on_read(beast::error_code ec, std::size_t /*bytes*/) {
  if (ec == websocket::error::message_too_big) {
    hub_->metrics().rejected(RejectReason::message_too_big);
    // Beast has already failed the connection with 1009; the core hears a disconnect.
    return gone();
  }
  if (ec) return gone();
  if (!ws_.got_text()) {
    buffer_.consume(buffer_.size());
    hub_->metrics().rejected(RejectReason::binary_frame);
    close(close_code::kBadMessage, "text frames only");
    return gone();
  }
  hub_->message(id_, beast::buffers_to_string(buffer_.data()), std::chrono::steady_clock::now());
  buffer_.consume(buffer_.size());
  do_read();
}

void SignalingSession::send(std::string text) {
  net::dispatch(ws_.get_executor(), [self = shared_from_this(), text = std::move(text)]() mutable {
    if (self->closing_ || self->closed_) return;
    if (self->queue_.size() >= kMaxQueuedWrites) {
      // A reader that cannot keep up: drop it rather than grow without bound.
      self->queue_.clear();
      self->hub_->metrics().rejected(RejectReason::slow_reader);
      self->close(close_code::kRateLimited, "too slow to read");
      self->gone();
      return;
    }
    self->queue_.push_back(std::move(text));
    if (!self->writing_) self->do_write();
  });
}

void SignalingSession::close(std::uint16_t code, std::string reason) {
  net::dispatch(ws_.get_executor(), [self = shared_from_this(), code, reason = std::move(reason)] {
    if (self->closing_ || self->closed_) return;
    self->closing_ = true;
    self->close_reason_ = websocket::close_reason(static_cast<websocket::close_code>(code), reason);
    if (!self->writing_) self->do_write();
  });
}

void SignalingSession::do_write() {
  if (!queue_.empty()) {
    writing_ = true;
    ws_.text(true);
    ws_.async_write(net::buffer(queue_.front()),
                    beast::bind_front_handler(&SignalingSession::on_write, shared_from_this()));
    return;
  }
  writing_ = false;
  if (closing_ && !closed_) {
    closed_ = true;
    ws_.async_close(close_reason_, beast::bind_front_handler(&SignalingSession::on_close, shared_from_this()));
  }
}

void SignalingSession::on_write(beast::error_code ec, std::size_t /*bytes*/) {
  writing_ = false;
  if (ec) {
    queue_.clear();
    closed_ = true;
    return gone();
  }
  queue_.erase(queue_.begin());
  do_write();
}

void SignalingSession::on_close(beast::error_code /*ec*/) { gone(); }

void SignalingSession::gone() {
  if (reported_) return;
  reported_ = true;
  hub_->disconnect(id_);
}

}  // namespace tessera::gateway
