#pragma once
// Accepts TCP connections and hands each to an HttpSession: over TLS when a
// context is set (every connection; no plain fallback), else plain. Enforces
// the per-address connection limit at accept: a connection over it is closed
// at once and counted (reject reason connection_limit); others are untouched.
// Opening is separate from the constructor so main() can report a bind
// failure (port in use, bad address) with a clear message and exit code
// instead of throwing.
#include "gateway/address_limiter.hpp"
#include "gateway/http_session.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <memory>
#include <vector>

namespace tessera::gateway {

class Listener : public std::enable_shared_from_this<Listener> {
 public:
  // metrics: shared with the SignalingHub when there is one (main() owns both).
  Listener(boost::asio::io_context& ioc, std::shared_ptr<const StaticSite> site, RequestLog log,
           std::shared_ptr<Metrics> metrics = std::make_shared<Metrics>());

  // Open, bind and listen. Port 0 binds a free port: read local_endpoint().
  [[nodiscard]] boost::beast::error_code open(const boost::asio::ip::tcp::endpoint& endpoint);
  [[nodiscard]] boost::asio::ip::tcp::endpoint local_endpoint() const;

  // Serve /signal WebSockets through this hub (before run()).
  void set_signaling(std::shared_ptr<SignalingHub> hub) { signaling_ = std::move(hub); }
  // Serve HTTPS and WSS only, with this context (tls_context.hpp; before run()).
  void set_tls(std::shared_ptr<boost::asio::ssl::context> tls) { tls_ = std::move(tls); }
  // Concurrent connections per remote address (before run()).
  void set_max_connections_per_address(std::size_t n) { limiter_ = std::make_shared<AddressLimiter>(n); }
  // Serve the sign-in API (/api/) through this (before run()).
  void set_accounts(std::shared_ptr<AccountApi> accounts) { accounts_ = std::move(accounts); }
  // Serve the visits API (/api/visits) through this (before run()).
  void set_visits(std::shared_ptr<VisitApi> visits) { visits_ = std::move(visits); }
  // Peers besides loopback that may read /metrics (before run()).
  void set_metrics_allowed(std::vector<boost::asio::ip::address> peers) { metrics_allowed_ = std::move(peers); }
  // Serve the kiosk routes and read kiosk cookies on /signal through this (before run()).
  void set_kiosks(std::shared_ptr<KioskApi> kiosks) { kiosks_ = std::move(kiosks); }
  // Serve the shares API (/api/shares) through this (before run()).
  void set_shares(std::shared_ptr<ShareApi> shares) { shares_ = std::move(shares); }

  void run();   // start accepting; call after a successful open()
  void stop();  // stop accepting; sessions in flight are not touched

 private:
  void do_accept();
  void on_accept(boost::beast::error_code ec, boost::asio::ip::tcp::socket socket);

  boost::asio::io_context& ioc_;
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::steady_timer retry_timer_;
  std::shared_ptr<const StaticSite> site_;
  RequestLog log_;
  std::shared_ptr<SignalingHub> signaling_;
  std::shared_ptr<AccountApi> accounts_;
  std::shared_ptr<VisitApi> visits_;
  std::shared_ptr<KioskApi> kiosks_;
  std::shared_ptr<ShareApi> shares_;
  std::shared_ptr<Metrics> metrics_;
  std::shared_ptr<boost::asio::ssl::context> tls_;  // null: plain HTTP
  std::shared_ptr<AddressLimiter> limiter_ = std::make_shared<AddressLimiter>();
  std::vector<boost::asio::ip::address> metrics_allowed_;
};

}  // namespace tessera::gateway
