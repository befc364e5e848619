// The signaling core on one strand: see signaling_hub.hpp.
#include "gateway/signaling_hub.hpp"

#include <boost/asio/post.hpp>

#include <algorithm>
#include <chrono>

#include "gateway/signaling_session.hpp"

namespace tessera::gateway {
namespace net = boost::asio;

SignalingHub::SignalingHub(net::any_io_executor executor, SignalingConfig config, VisitLookup lookup)
    : strand_(net::make_strand(std::move(executor))),
      timer_(strand_),
      config_(std::move(config)),
      rooms_(config_.limits, std::move(lookup)) {}

bool SignalingHub::origin_allowed(std::string_view origin) const {
  return std::find(config_.allowed_origins.begin(), config_.allowed_origins.end(), origin) !=
         config_.allowed_origins.end();
}

ConnectionId SignalingHub::attach(const std::shared_ptr<SignalingSession>& session) {
  const ConnectionId id{next_id_.fetch_add(1)};
  net::post(strand_, [self = shared_from_this(), id, weak = std::weak_ptr<SignalingSession>(session)] {
    self->sessions_.emplace(id, weak);
    self->rooms_.on_connected(id, std::chrono::steady_clock::now());
    self->arm_timer();
  });
  return id;
}

void SignalingHub::provider_connected(ConnectionId id, ProviderId provider) {
  net::post(strand_, [self = shared_from_this(), id, provider] {
    self->rooms_.on_provider_connected(id, provider, std::chrono::steady_clock::now());
  });
}

void SignalingHub::message(ConnectionId id, std::string text) {
  net::post(strand_, [self = shared_from_this(), id, text = std::move(text)] {
    // Already closed by the core (a message read before the close landed): drop it.
    if (!self->sessions_.count(id)) return;
    self->apply(self->rooms_.on_message(id, text, std::chrono::steady_clock::now()));
  });
}

void SignalingHub::disconnect(ConnectionId id) {
  net::post(strand_, [self = shared_from_this(), id] {
    self->sessions_.erase(id);
    self->apply(self->rooms_.on_disconnect(id, std::chrono::steady_clock::now()));
  });
}

void SignalingHub::apply(std::vector<Outbound> out) {
  for (auto& o : out) {
    const auto it = sessions_.find(o.connection);
    if (it == sessions_.end()) continue;
    const auto session = it->second.lock();
    if (o.kind == Outbound::Kind::close) sessions_.erase(it);
    if (!session) continue;
    if (o.kind == Outbound::Kind::send) session->send(std::move(o.text));
    else session->close(o.close_code, std::move(o.reason));
  }
  arm_timer();
}

void SignalingHub::arm_timer() {
  const auto next = rooms_.next_wakeup();
  if (!next) {
    timer_.cancel();
    return;
  }
  timer_.expires_at(*next);
  timer_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
    if (ec) return;  // cancelled or re-armed
    self->apply(self->rooms_.on_timeout(std::chrono::steady_clock::now()));
  });
}

}  // namespace tessera::gateway
