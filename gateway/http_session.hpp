#pragma once
// One HTTP/1.1 connection: read a request, answer it with handle_request,
// repeat while keep-alive holds. The only gateway code besides the listener
// that touches a socket. Limits are applied here, where bytes enter:
//   header 8 KiB (431), body 4 KiB (413; GET and HEAD need none) except
//   POST /api/shares (kMaxShareRequestBytes: a parked share's sealed content),
//   decided once the header is in,
//   30 s to receive each request and to send each response, then close.
// Logs one line per answered request: method, status, bytes written. Never
// the target (visit ids, later tokens) and never headers.
// With a SignalingHub, a WebSocket upgrade on /signal from an allowed Origin
// becomes a SignalingSession (any other Origin: 403).
//
// Stream is PlainStream (http://, loopback only) or TlsStream (https://): under
// TLS the session first completes the handshake (kTlsHandshakeTimeout), adds
// Strict-Transport-Security to every response, and ends with a TLS close_notify.
// Beast's advanced_server_flex has the same shape.
// With an AccountApi, /api/ targets are its (account_api.hpp), given the
// peer address and the wall clock, except /api/visits with a VisitApi
// (visit_api.hpp), the kiosk routes with a KioskApi (kiosk_api.hpp) and
// /api/shares with a ShareApi (share_api.hpp). A
// /signal upgrade whose session cookie signs in a provider attaches to the
// hub as that provider; any other is a guest. One that carries a kiosk cookie
// attaches tagged with its kiosk (so revoking the kiosk closes it), or, when
// that cookie is wrong or revoked, is answered 401 instead.
#include "gateway/account_api.hpp"
#include "gateway/address_limiter.hpp"
#include "gateway/kiosk_api.hpp"
#include "gateway/metrics.hpp"
#include "gateway/share_api.hpp"
#include "gateway/signaling_hub.hpp"
#include "gateway/static_site.hpp"
#include "gateway/visit_api.hpp"

#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string_view>
#include <type_traits>

namespace tessera::gateway {

// Where request and error lines go; called on the I/O thread only.
using RequestLog = std::function<void(std::string_view line)>;

inline constexpr std::size_t kMaxRequestHeaderBytes = 8 * 1024;
inline constexpr std::size_t kMaxRequestBodyBytes = 4 * 1024;
inline constexpr std::chrono::seconds kIoTimeout{30};
inline constexpr std::string_view kSignalingPath = "/signal";

template <class Stream>
class HttpSession : public std::enable_shared_from_this<HttpSession<Stream>> {
 public:
  // slot: this connection's place in the per-address limit, kept until it
  // closes (or handed on to the WebSocket it becomes).
  HttpSession(Stream&& stream, AddressLimiter::Slot slot, std::shared_ptr<const StaticSite> site,
              RequestLog log, std::shared_ptr<Metrics> metrics,
              std::shared_ptr<SignalingHub> signaling = {}, std::shared_ptr<AccountApi> accounts = {},
              std::shared_ptr<VisitApi> visits = {}, std::shared_ptr<KioskApi> kiosks = {},
              std::shared_ptr<ShareApi> shares = {}, bool metrics_allowed = false);
  ~HttpSession();
  HttpSession(const HttpSession&) = delete;
  HttpSession& operator=(const HttpSession&) = delete;

  void run();

 private:
  static constexpr bool kTls = !std::is_same_v<Stream, boost::beast::tcp_stream>;

  void on_handshake(boost::beast::error_code ec);
  void do_read();
  void on_header(boost::beast::error_code ec, std::size_t bytes);
  void on_read(boost::beast::error_code ec, std::size_t bytes);
  void do_write(Response res);
  void on_write(bool keep_alive, boost::beast::error_code ec, std::size_t bytes);
  void do_close();
  [[nodiscard]] std::string remote_address() const;
  void fail(boost::beast::error_code ec, std::string_view what);

  Stream stream_;
  AddressLimiter::Slot slot_;
  boost::beast::flat_buffer buffer_;
  std::shared_ptr<const StaticSite> site_;
  RequestLog log_;
  std::shared_ptr<Metrics> metrics_;  // counts this connection while it lives
  std::shared_ptr<SignalingHub> signaling_;  // null: no /signal
  std::shared_ptr<AccountApi> accounts_;     // null: no /api/ (no storage)
  std::shared_ptr<VisitApi> visits_;         // null: no /api/visits
  std::shared_ptr<KioskApi> kiosks_;         // null: no kiosk routes, kiosk cookies ignored
  std::shared_ptr<ShareApi> shares_;         // null: no /api/shares
  bool metrics_allowed_;                     // the peer may read /metrics
  // A fresh parser per request: its limits and state must not carry over.
  std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
  Response response_;  // kept alive until its async_write completes
  std::string_view method_;  // for the log line; a static verb name
};

}  // namespace tessera::gateway
