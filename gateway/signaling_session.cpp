// One signaling WebSocket: see signaling_session.hpp.
#include "gateway/signaling_session.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/websocket/ssl.hpp>

#include <chrono>
#include <type_traits>

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
  auto& lowest = beast::get_lowest_layer(ws_);
  net::ip::tcp::socket* socket = nullptr;
  if constexpr (std::is_same_v<Stream, PlainSocket>) {
    socket = &lowest;
  } else {
    lowest.expires_never();  // the websocket timeouts take over
    socket = &lowest.socket();
  }
  // Signaling is small messages that someone waits for: no Nagle delay.
  beast::error_code ec;
  socket->set_option(net::ip::tcp::no_delay(true), ec);
  auto timeouts = websocket::stream_base::timeout::suggested(beast::role_type::server);
  timeouts.idle_timeout = websocket::stream_base::none();  // sweep_idle() keeps this instead
  timeouts.keep_alive_pings = false;
  ws_.set_option(timeouts);
  // Pings and pongs count as heard; the callback lives in ws_, inside *this.
  ws_.control_callback([this](websocket::frame_type kind, beast::string_view) {
    if (kind != websocket::frame_type::close) keep_alive_.heard();
  });
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
  keep_alive_.heard();
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
void SignalingSession<Stream>::sweep_idle() {
  net::dispatch(ws_.get_executor(), [self = this->shared_from_this()] {
    if (!self->accepted_ || self->closed_) return;
    switch (self->keep_alive_.sweep()) {
      case KeepAliveStep::nothing: return;
      case KeepAliveStep::ping:
        if (self->pinging_ || self->closing_) return;
        self->pinging_ = true;
        self->ws_.async_ping({}, [self](beast::error_code) { self->pinging_ = false; });
        return;
      case KeepAliveStep::drop:
        // Gone quiet past the idle timeout, not even answering a ping: a
        // closing handshake would wait on it too, so close the socket (as
        // Beast's own idle timeout does). The pending read ends; gone() follows.
        self->hub_->metrics().rejected(RejectReason::idle_timeout);
        self->closed_ = true;
        beast::close_socket(beast::get_lowest_layer(self->ws_));
        return;
    }
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

template class SignalingSession<PlainSocket>;
template class SignalingSession<TlsStream>;

}  // namespace tessera::gateway
