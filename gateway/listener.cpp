// Accept loop: see listener.hpp.
#include "gateway/listener.hpp"

#include <algorithm>

#include "gateway/log_line.hpp"

#include <boost/asio/ip/v6_only.hpp>
#include <boost/asio/strand.hpp>

#include <chrono>
#include <string>

#include "gateway/tls_context.hpp"

namespace tessera::gateway {
namespace beast = boost::beast;
namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {
// After an accept error such as "too many open files", wait a little before
// trying again rather than spinning on an error that has not gone away.
constexpr std::chrono::milliseconds kAcceptRetryDelay{100};
}  // namespace

Listener::Listener(net::io_context& ioc, std::shared_ptr<const StaticSite> site, RequestLog log,
                   std::shared_ptr<Metrics> metrics)
    : ioc_(ioc),
      acceptor_(net::make_strand(ioc)),
      retry_timer_(acceptor_.get_executor()),
      site_(std::move(site)),
      log_(std::move(log)),
      metrics_(std::move(metrics)) {}

beast::error_code Listener::open(const tcp::endpoint& endpoint) {
  beast::error_code ec;
  acceptor_.open(endpoint.protocol(), ec);
  if (ec) return ec;
  // Restarting the gateway must not fail on connections still in TIME_WAIT.
  acceptor_.set_option(net::socket_base::reuse_address(true), ec);
  if (ec) return ec;
  if (endpoint.address().is_v6()) {
    // "[::]:port" means IPv6 only; IPv4 is asked for by an IPv4 address.
    acceptor_.set_option(net::ip::v6_only(true), ec);
    if (ec) return ec;
  }
  acceptor_.bind(endpoint, ec);
  if (ec) return ec;
  acceptor_.listen(net::socket_base::max_listen_connections, ec);
  return ec;
}

tcp::endpoint Listener::local_endpoint() const {
  beast::error_code ec;
  return acceptor_.local_endpoint(ec);
}

void Listener::run() {
  net::dispatch(acceptor_.get_executor(),
                beast::bind_front_handler(&Listener::do_accept, shared_from_this()));
}

void Listener::stop() {
  net::dispatch(acceptor_.get_executor(), [self = shared_from_this()] {
    beast::error_code ignored;
    self->acceptor_.close(ignored);
    self->retry_timer_.cancel();
  });
}

void Listener::do_accept() {
  if (!acceptor_.is_open()) return;
  // Connections run on the io_context's executor itself, not a strand each:
  // the gateway runs its io_context on one thread (main.cpp), so a per-
  // connection strand would only add a lock and a reference-counted,
  // type-erased executor to every read and write (a tenth of a relayed
  // message's CPU in the relay benchmark). Running more I/O threads would
  // need strands here again.
  acceptor_.async_accept(ioc_.get_executor(),
                         beast::bind_front_handler(&Listener::on_accept, shared_from_this()));
}

void Listener::on_accept(beast::error_code ec, tcp::socket socket) {
  if (ec == net::error::operation_aborted || !acceptor_.is_open()) return;  // stopped
  if (ec) {
    if (log_) log_(log_line_now(LogLevel::error, "accept_error", {{"error", ec.message()}}));
    retry_timer_.expires_after(kAcceptRetryDelay);
    retry_timer_.async_wait([self = shared_from_this()](beast::error_code wait_ec) {
      if (!wait_ec) self->do_accept();
    });
    return;
  }
  beast::error_code remote_ec;
  const auto remote = socket.remote_endpoint(remote_ec);
  auto slot = remote_ec ? std::nullopt : limiter_->acquire(remote.address());
  if (!slot) {
    // Over the limit (or already gone): close now, before any byte is read.
    // Not logged: a flood must not become a flood of log lines.
    if (!remote_ec) metrics_->rejected(RejectReason::connection_limit);
    beast::error_code ignored;
    socket.close(ignored);
    return do_accept();
  }
  const bool metrics_allowed =
      remote.address().is_loopback() ||
      std::find(metrics_allowed_.begin(), metrics_allowed_.end(), remote.address()) != metrics_allowed_.end();
  if (tls_) {
    std::make_shared<HttpSession<TlsStream>>(TlsStream(std::move(socket), *tls_), std::move(*slot), site_, log_,
                                             metrics_, signaling_, accounts_, visits_, kiosks_, shares_, metrics_allowed)
        ->run();
  } else {
    std::make_shared<HttpSession<PlainStream>>(PlainStream(std::move(socket)), std::move(*slot), site_, log_,
                                               metrics_, signaling_, accounts_, visits_, kiosks_, shares_, metrics_allowed)
        ->run();
  }
  do_accept();
}

}  // namespace tessera::gateway
