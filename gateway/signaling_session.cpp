// One signaling WebSocket: see signaling_session.hpp.
#include "gateway/signaling_session.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/websocket/ssl.hpp>

#include <chrono>

#include "gateway/tls_context.hpp"

namespace tessera::gateway {
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace net = boost::asio;

template <class Stream>
SignalingSession<Stream>::SignalingSession(Stream&& stream, std::shared_ptr<SignalingHub> hub,
                                           AddressLimiter::Slot slot, std::optional<ProviderId> provider,
                                           std::optional<KioskId> kiosk)
    : ws_(std::move(stream)), hub_(std::move(hub)), slot_(std::move(slot)), provider_(provider), kiosk_(kiosk) {}

template <class Stream>
SignalingSession<Stream>::~SignalingSession() {
  if (accepted_) hub_->metrics().signaling_closed();
}

template <class Stream>
void SignalingSession<Stream>::run(http::request<http::string_body> upgrade) {
  beast::get_lowest_layer(ws_).expires_never();  // the websocket timeouts take over
  // Signaling is small messages that someone waits for: no Nagle delay.
  beast::error_code ec;
  beast::get_lowest_layer(ws_).socket().set_option(net::ip::tcp::no_delay(true), ec);
  ws_.set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
  ws_.read_message_max(hub_->limits().max_message_bytes);
  ws_.async_accept(upgrade, beast::bind_front_handler(&SignalingSession::on_accept, this->shared_from_this()));
}

template <class Stream>
void SignalingSession<Stream>::on_accept(beast::error_code ec) {
  if (ec) return;  // a failed handshake: nothing was attached yet
  accepted_ = true;
  hub_->metrics().signaling_opened();
  id_ = hub_->attach(this->shared_from_this(), provider_, kiosk_);
  do_read();
}

template <class Stream>
void SignalingSession<Stream>::do_read() {
  ws_.async_read(in_, beast::bind_front_handler(&SignalingSession::on_read, this->shared_from_this()));
}

template <class Stream>
void SignalingSession<Stream>::on_read(beast::error_code ec, std::size_t /*bytes*/) {
  if (ec == websocket::error::message_too_big) {
    hub_->metrics().rejected(RejectReason::message_too_big);
    // Beast has already failed the connection with 1009; the core hears a disconnect.
    return gone();
  }
  if (ec) return gone();
  std::string text = std::move(message_);
  message_.clear();
  in_.consume(in_.size());  // in_ counts what it holds: back to an empty message_
  if (!ws_.got_text()) {
    hub_->metrics().rejected(RejectReason::binary_frame);
    close(close_code::kBadMessage, "text frames only");
    return gone();
  }
  hub_->message(id_, std::move(text), std::chrono::steady_clock::now());
  do_read();
}

template <class Stream>
void SignalingSession<Stream>::send(std::string text) {
  net::dispatch(ws_.get_executor(), [self = this->shared_from_this(), text = std::move(text)]() mutable {
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

template <class Stream>
void SignalingSession<Stream>::close(std::uint16_t code, std::string reason) {
  net::dispatch(ws_.get_executor(), [self = this->shared_from_this(), code, reason = std::move(reason)] {
    if (self->closing_ || self->closed_) return;
    self->closing_ = true;
    self->close_reason_ = websocket::close_reason(static_cast<websocket::close_code>(code), reason);
    if (!self->writing_) self->do_write();
  });
}

template <class Stream>
void SignalingSession<Stream>::do_write() {
  if (!queue_.empty()) {
    writing_ = true;
    ws_.text(true);
    ws_.async_write(net::buffer(queue_.front()),
                    beast::bind_front_handler(&SignalingSession::on_write, this->shared_from_this()));
    return;
  }
  writing_ = false;
  if (closing_ && !closed_) {
    closed_ = true;
    ws_.async_close(close_reason_, beast::bind_front_handler(&SignalingSession::on_close, this->shared_from_this()));
  }
}

template <class Stream>
void SignalingSession<Stream>::on_write(beast::error_code ec, std::size_t /*bytes*/) {
  writing_ = false;
  if (ec) {
    queue_.clear();
    closed_ = true;
    return gone();
  }
  queue_.erase(queue_.begin());
  do_write();
}

template <class Stream>
void SignalingSession<Stream>::on_close(beast::error_code /*ec*/) { gone(); }

template <class Stream>
void SignalingSession<Stream>::gone() {
  if (reported_) return;
  reported_ = true;
  hub_->disconnect(id_);
}

template class SignalingSession<PlainStream>;
template class SignalingSession<TlsStream>;

}  // namespace tessera::gateway
