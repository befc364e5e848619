// One HTTP connection: see http_session.hpp.
#include "gateway/http_session.hpp"

#include "gateway/log_line.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

#include <string>

#include "gateway/operations.hpp"
#include "gateway/signaling_session.hpp"
#include "gateway/tls_context.hpp"

namespace tessera::gateway {
namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;

namespace {

// Parse errors that deserve an answer before the connection closes; nullopt
// for ones where the peer has gone or never sent a request at all.
std::optional<http::status> status_for_parse_error(beast::error_code ec) {
  if (ec == http::error::header_limit) return http::status::request_header_fields_too_large;
  if (ec == http::error::body_limit) return http::status::payload_too_large;
  const auto& http_category = beast::error_code(http::error::bad_target).category();
  if (ec.category() == http_category && ec != http::error::end_of_stream &&
      ec != http::error::partial_message) {
    return http::status::bad_request;  // any other malformed request
  }
  return std::nullopt;
}

}  // namespace

template <class Stream>
HttpSession<Stream>::HttpSession(Stream&& stream, AddressLimiter::Slot slot, std::shared_ptr<const StaticSite> site,
                                 RequestLog log, std::shared_ptr<Metrics> metrics,
                                 std::shared_ptr<SignalingHub> signaling, std::shared_ptr<AccountApi> accounts,
                                 std::shared_ptr<VisitApi> visits, std::shared_ptr<KioskApi> kiosks,
                                 std::shared_ptr<ShareApi> shares, bool metrics_allowed)
    : stream_(std::move(stream)),
      slot_(std::move(slot)),
      // Bounded by the parser limits plus what a pipelining client sends ahead.
      buffer_(2 * (kMaxRequestHeaderBytes + kMaxRequestBodyBytes)),
      site_(std::move(site)),
      log_(std::move(log)),
      metrics_(std::move(metrics)),
      signaling_(std::move(signaling)),
      accounts_(std::move(accounts)),
      visits_(std::move(visits)),
      kiosks_(std::move(kiosks)),
      shares_(std::move(shares)),
      metrics_allowed_(metrics_allowed) {
  metrics_->http_opened();
}

template <class Stream>
HttpSession<Stream>::~HttpSession() { metrics_->http_closed(); }

template <class Stream>
void HttpSession<Stream>::run() {
  // Start on the stream's strand, as every later handler runs there.
  if constexpr (kTls) {
    net::dispatch(stream_.get_executor(), [self = this->shared_from_this()] {
      beast::get_lowest_layer(self->stream_).expires_after(kTlsHandshakeTimeout);
      self->stream_.async_handshake(net::ssl::stream_base::server,
                                    beast::bind_front_handler(&HttpSession::on_handshake, self));
    });
  } else {
    net::dispatch(stream_.get_executor(), beast::bind_front_handler(&HttpSession::do_read, this->shared_from_this()));
  }
}

template <class Stream>
void HttpSession<Stream>::on_handshake(beast::error_code ec) {
  if (ec) {
    // Plain HTTP to the TLS port, an old protocol version, a stalled client:
    // counted, and the connection ends without an answer.
    metrics_->rejected(RejectReason::tls_handshake);
    return fail(ec, "tls handshake");
  }
  do_read();
}

template <class Stream>
void HttpSession<Stream>::do_read() {
  parser_.emplace();
  parser_->header_limit(kMaxRequestHeaderBytes);
  // The largest body any request may carry, until its header says which it is (on_header).
  parser_->body_limit(shares_ ? kMaxShareRequestBytes : kMaxRequestBodyBytes);
  beast::get_lowest_layer(stream_).expires_after(kIoTimeout);
  http::async_read_header(stream_, buffer_, *parser_,
                          beast::bind_front_handler(&HttpSession::on_header, this->shared_from_this()));
}

template <class Stream>
void HttpSession<Stream>::on_header(beast::error_code ec, std::size_t bytes) {
  if (ec) return on_read(ec, bytes);
  // The header is in: every request but a parked share's upload goes back to
  // the usual limit (Beast checks a Content-Length against the limit only
  // while parsing the header, hence the check here; chunked bodies are
  // counted against the new limit as they come).
  if (!(shares_ && ShareApi::takes_large_body(parser_->get()))) {
    parser_->body_limit(kMaxRequestBodyBytes);
    const auto length = parser_->content_length();
    if (length && *length > kMaxRequestBodyBytes) return on_read(http::error::body_limit, bytes);
  }
  http::async_read(stream_, buffer_, *parser_,
                   beast::bind_front_handler(&HttpSession::on_read, this->shared_from_this()));
}

template <class Stream>
void HttpSession<Stream>::on_read(beast::error_code ec, std::size_t /*bytes*/) {
  if (ec == http::error::end_of_stream) return do_close();  // peer finished
  if (ec) {
    if (const auto status = status_for_parse_error(ec)) {
      method_ = "-";
      // The stream is out of sync after a parse error: answer, then close.
      return do_write(make_error_response(*status, 11, /*keep_alive=*/false));
    }
    return fail(ec, "read");
  }
  const Request& req = parser_->get();
  if (signaling_ && req.target() == kSignalingPath && beast::websocket::is_upgrade(req)) {
    if (!signaling_->origin_allowed(req[http::field::origin])) {
      metrics_->rejected(RejectReason::origin_refused);
      method_ = "GET";
      return do_write(make_error_response(http::status::forbidden, req.version(), /*keep_alive=*/false));
    }
    const auto now = unix_seconds(std::chrono::system_clock::now());
    const auto kiosk = kiosks_ ? kiosks_->signaling_kiosk(req, now) : KioskApi::SignalingKiosk{};
    if (kiosk.refused) {
      method_ = "GET";
      return do_write(json_error(req, http::status::unauthorized, "kiosk not enrolled"));
    }
    if (log_) log_(log_line_now(LogLevel::info, "ws_open", {}));
    // Known before the first message, so a provider's hello cannot race it.
    const auto provider = accounts_ ? accounts_->signed_in_provider(req, now) : std::nullopt;
    // The WebSocket session takes the socket; this HTTP session ends here.
    auto transport = signaling_transport(std::move(stream_));
    std::make_shared<SignalingSession<decltype(transport)>>(std::move(transport), signaling_, std::move(slot_),
                                                            provider, kiosk.kiosk)
        ->run(parser_->release());
    return;
  }
  // Only known verbs are logged by name: an unknown method is client text.
  method_ = req.method() == http::verb::unknown ? std::string_view("OTHER")
                                                : std::string_view(http::to_string(req.method()));
  if (auto ops = handle_operations_request(req, *metrics_, metrics_allowed_)) return do_write(std::move(*ops));
  if (accounts_ && AccountApi::is_sign_in(req)) {
    // Argon2id runs off the I/O thread; the answer comes back on this executor.
    return accounts_->sign_in_async(req, remote_address(), std::chrono::system_clock::now(), stream_.get_executor(),
                                    [self = this->shared_from_this()](Response res) { self->do_write(std::move(res)); });
  }
  if (auto api = visits_ ? visits_->handle(req, std::chrono::system_clock::now()) : std::nullopt) {
    return do_write(std::move(*api));
  }
  if (auto api = shares_ ? shares_->handle(req, std::chrono::system_clock::now()) : std::nullopt) {
    return do_write(std::move(*api));
  }
  if (auto api = kiosks_ ? kiosks_->handle(req, remote_address(), std::chrono::system_clock::now()) : std::nullopt) {
    return do_write(std::move(*api));
  }
  if (auto api = accounts_ ? accounts_->handle(req, remote_address(), std::chrono::system_clock::now()) : std::nullopt) {
    return do_write(std::move(*api));
  }
  do_write(handle_request(*site_, req));
}

template <class Stream>
void HttpSession<Stream>::do_write(Response res) {
  response_ = std::move(res);
  if constexpr (kTls) response_.set(http::field::strict_transport_security, kStrictTransportSecurity);
  const bool keep_alive = response_.keep_alive();
  beast::get_lowest_layer(stream_).expires_after(kIoTimeout);
  http::async_write(stream_, response_,
                    beast::bind_front_handler(&HttpSession::on_write, this->shared_from_this(),
                                              keep_alive));
}

template <class Stream>
void HttpSession<Stream>::on_write(bool keep_alive, beast::error_code ec, std::size_t bytes) {
  if (ec) return fail(ec, "write");
  if (log_) {
    log_(log_line_now(LogLevel::info, "http",
                      {{"method", method_},
                       {"status", std::int64_t{response_.result_int()}},
                       {"bytes", std::uint64_t{bytes}}}));
  }
  if (!keep_alive) return do_close();
  do_read();
}

template <class Stream>
std::string HttpSession<Stream>::remote_address() const {
  beast::error_code ec;
  const auto endpoint = beast::get_lowest_layer(stream_).socket().remote_endpoint(ec);
  return ec ? std::string("-") : endpoint.address().to_string();
}

template <class Stream>
void HttpSession<Stream>::do_close() {
  if constexpr (kTls) {
    // close_notify, so the peer can tell the end from a truncation; bounded,
    // as a peer may never answer it.
    beast::get_lowest_layer(stream_).expires_after(kTlsHandshakeTimeout);
    stream_.async_shutdown([self = this->shared_from_this()](beast::error_code ec) {
      if (ec) self->fail(ec, "tls shutdown");
    });
  } else {
    // Half-close so the peer reads the whole response before it sees the end.
    beast::error_code ec;
    stream_.socket().shutdown(net::ip::tcp::socket::shutdown_send, ec);
  }
}

template <class Stream>
void HttpSession<Stream>::fail(beast::error_code ec, std::string_view what) {
  // Normal ends of a connection are not worth a line: the server stopping,
  // an idle client timing out, a client resetting or leaving mid-request.
  if (ec == net::error::operation_aborted || ec == beast::error::timeout ||
      ec == net::error::connection_reset || ec == net::error::eof ||
      ec == http::error::partial_message || ec == net::error::broken_pipe ||
      ec == net::ssl::error::stream_truncated) {
    return;
  }
  // ec.message() is the library's text for a code, never peer data.
  if (log_) log_(log_line_now(LogLevel::warning, "connection_error", {{"step", what}, {"error", ec.message()}}));
}

template class HttpSession<PlainStream>;
template class HttpSession<TlsStream>;

}  // namespace tessera::gateway
