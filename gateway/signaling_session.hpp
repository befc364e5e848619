#pragma once
// One signaling WebSocket on /signal (issue 9 item 2): accepts the upgrade the
// HTTP session read, then reads text messages into the SignalingHub and writes
// what the hub sends, one at a time through a bounded queue. Limits where bytes
// enter: message size (read_message_max), text frames only, a bounded write
// queue; Beast's handshake timeout, and the idle timeout with ping/pong by the
// hub's sweeps (keep_alive.hpp) rather than Beast's timer re-armed per read.
// Stream is PlainSocket (ws:// on loopback) or TlsStream (wss://, the TLS
// handshake already done by the HTTP session); see signaling_transport in
// tls_context.hpp.
#include <boost/asio/buffer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "gateway/address_limiter.hpp"
#include "gateway/keep_alive.hpp"
#include "gateway/signaling_hub.hpp"
#include "gateway/signaling_peer.hpp"

namespace tessera::gateway {

inline constexpr std::size_t kMaxQueuedWrites = 256;

template <class Stream>
class SignalingSession : public SignalingPeer, public std::enable_shared_from_this<SignalingSession<Stream>> {
 public:
  // slot: this connection's place in the per-address limit, kept until it closes.
  // provider: who the upgrade request's session cookie signed in (nullopt: a guest).
  // kiosk: the kiosk its kiosk cookie authenticated (SignalingHub::revoke_kiosk).
  SignalingSession(Stream&& stream, std::shared_ptr<SignalingHub> hub, AddressLimiter::Slot slot,
                   std::optional<ProviderId> provider = std::nullopt, std::optional<KioskId> kiosk = std::nullopt);
  ~SignalingSession() override;
  SignalingSession(const SignalingSession&) = delete;
  SignalingSession& operator=(const SignalingSession&) = delete;

  void run(boost::beast::http::request<boost::beast::http::string_body> upgrade);
  // From the hub (any thread): queue a text message, or close after what is queued.
  void send(std::string text) override;
  void close(std::uint16_t code, std::string reason) override;
  void sweep_idle() override;

 private:
  void on_accept(boost::beast::error_code ec);
  void do_read();
  void on_read(boost::beast::error_code ec, std::size_t bytes);
  void do_write();
  void on_write(boost::beast::error_code ec, std::size_t bytes);
  void on_close(boost::beast::error_code ec);
  void gone();

  boost::beast::websocket::stream<Stream> ws_;
  // Each message is read into message_ and handed to the hub as it is (no
  // copy); between messages it is empty, so an idle connection holds no read
  // buffer (a flat_buffer keeps ~1.5 KB). in_ is the DynamicBuffer over it.
  std::string message_;
  boost::asio::dynamic_string_buffer<char, std::char_traits<char>, std::allocator<char>> in_{message_};
  std::shared_ptr<SignalingHub> hub_;
  AddressLimiter::Slot slot_;
  ConnectionId id_{};
  std::optional<ProviderId> provider_;
  std::optional<KioskId> kiosk_;
  std::vector<std::string> queue_;  // not a deque: libstdc++'s empty deque costs ~600 B per connection
  KeepAlive keep_alive_;
  bool pinging_ = false;
  bool writing_ = false;
  bool closing_ = false;  // a close is wanted once the queue drains
  bool closed_ = false;
  boost::beast::websocket::close_reason close_reason_;
  bool reported_ = false;
  bool accepted_ = false;  // counted as an open signaling connection
};

}  // namespace tessera::gateway
