// The signaling core on one strand: see signaling_hub.hpp.
#include "gateway/signaling_hub.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <sodium.h>

#include <algorithm>
#include <chrono>
#include <iterator>

#include "gateway/keep_alive.hpp"
#include "shared/base64url.hpp"

namespace tessera::gateway {
namespace net = boost::asio;

SignalingHub::SignalingHub(net::any_io_executor executor, SignalingConfig config, VisitLookup lookup,
                           std::shared_ptr<Metrics> metrics, VisitRecorder record)
    : strand_(net::make_strand(std::move(executor))),
      timer_(strand_),
      sweep_timer_(strand_),
      config_(std::move(config)),
      metrics_(std::move(metrics)),
      rooms_(config_.limits, std::move(lookup), std::move(record)) {}

bool SignalingHub::origin_allowed(std::string_view origin) const {
  return std::find(config_.allowed_origins.begin(), config_.allowed_origins.end(), origin) !=
         config_.allowed_origins.end();
}

ConnectionId SignalingHub::attach(const std::shared_ptr<SignalingPeer>& session, std::optional<ProviderId> provider,
                                  std::optional<KioskId> kiosk) {
  const ConnectionId id{next_id_.fetch_add(1)};
  live_.fetch_add(1);
  net::post(strand_, [self = shared_from_this(), id, provider, kiosk, weak = std::weak_ptr<SignalingPeer>(session)] {
    self->sessions_.emplace(id, weak);
    if (self->shutting_down_) {
      if (const auto s = weak.lock()) s->close(close_code::kGoingAway, kGoingAwayReason);
      return;
    }
    if (kiosk) {
      // Revoked between its upgrade's check and now: cut off before it starts.
      if (self->revoked_kiosks_.count(*kiosk)) {
        if (const auto s = weak.lock()) s->close(close_code::kKioskRevoked, kKioskRevokedReason);
        return;
      }
      self->kiosk_connections_.emplace(id, *kiosk);
    }
    const auto now = std::chrono::steady_clock::now();
    self->rooms_.on_connected(id, now);
    if (provider) self->rooms_.on_provider_connected(id, *provider, now);
    self->arm_timer();
    if (!self->sweeping_) self->arm_sweep();
  });
  return id;
}

void SignalingHub::end_visit(const VisitId& visit) {
  net::post(strand_, [self = shared_from_this(), visit] { self->apply(self->rooms_.end_visit(visit)); });
}

void SignalingHub::revoke_kiosk(KioskId kiosk) {
  net::post(strand_, [self = shared_from_this(), kiosk] {
    self->revoked_kiosks_.insert(kiosk);
    std::vector<Outbound> out;
    const auto now = std::chrono::steady_clock::now();
    for (auto it = self->kiosk_connections_.begin(); it != self->kiosk_connections_.end();) {
      if (it->second != kiosk) {
        ++it;
        continue;
      }
      auto cut = self->rooms_.expel(it->first, close_code::kKioskRevoked, kKioskRevokedReason, now);
      std::move(cut.begin(), cut.end(), std::back_inserter(out));
      it = self->kiosk_connections_.erase(it);
    }
    self->apply(std::move(out));
  });
}

void SignalingHub::provider_connected(ConnectionId id, ProviderId provider) {
  net::post(strand_, [self = shared_from_this(), id, provider] {
    self->rooms_.on_provider_connected(id, provider, std::chrono::steady_clock::now());
  });
}

void SignalingHub::message(ConnectionId id, std::string text, Time read_at) {
  // dispatch, not post: when the strand is free (always, on the gateway's one
  // I/O thread) the message is handled at once, without a second trip
  // through the scheduler for every relayed message.
  net::dispatch(strand_, [self = shared_from_this(), id, text = std::move(text), read_at] {
    // Already closed by the core (a message read before the close landed): drop it.
    if (!self->sessions_.count(id)) return;
    self->apply(self->rooms_.on_message(id, text, std::chrono::steady_clock::now()), id, read_at);
  });
}

void SignalingHub::disconnect(ConnectionId id) {
  net::post(strand_, [self = shared_from_this(), id] {
    self->sessions_.erase(id);
    self->kiosk_connections_.erase(id);
    self->apply(self->rooms_.on_disconnect(id, std::chrono::steady_clock::now()));
    self->live_.fetch_sub(1);
    self->maybe_done();
  });
}

void SignalingHub::shut_down(std::function<void()> done) {
  net::post(strand_, [self = shared_from_this(), done = std::move(done)]() mutable {
    self->shutting_down_ = true;
    self->on_done_ = std::move(done);
    for (const auto& [id, weak] : self->sessions_) {
      if (const auto s = weak.lock()) s->close(close_code::kGoingAway, kGoingAwayReason);
    }
    self->timer_.cancel();
    self->timer_at_.reset();
    self->sweep_timer_.cancel();
    self->maybe_done();
  });
}

void SignalingHub::maybe_done() {
  if (!shutting_down_ || !on_done_ || live_.load() != 0) return;
  auto done = std::move(on_done_);
  on_done_ = nullptr;
  done();
}

void SignalingHub::apply(std::vector<Outbound> out, std::optional<ConnectionId> from, Time read_at) {
  for (auto& o : out) {
    const auto it = sessions_.find(o.connection);
    if (it == sessions_.end()) continue;
    const auto session = it->second.lock();
    if (o.kind == Outbound::Kind::close) sessions_.erase(it);
    if (!session) continue;
    count(o, from, read_at);
    switch (o.kind) {
      case Outbound::Kind::send: session->send(std::move(o.text)); break;
      case Outbound::Kind::close: session->close(o.close_code, std::move(o.reason)); break;
      case Outbound::Kind::grant_turn:
        if (auto text = turn_message(); !text.empty()) session->send(std::move(text));
        break;
    }
  }
  metrics_->set_rooms_open(rooms_.room_count());
  arm_timer();
}

void SignalingHub::count(const Outbound& o, std::optional<ConnectionId> from, Time read_at) {
  if (o.kind != Outbound::Kind::send) return;
  // The gateway wrote this text itself (signaling_serialize, keys sorted), so
  // these searches read our own JSON, never a client's: the envelope is
  // base64url and cannot hold a quote. "type" follows "envelope", near the end.
  if (from && o.connection != *from && o.text.rfind(R"("type":"relay")") != std::string::npos) {
    metrics_->relayed(std::chrono::steady_clock::now() - read_at);
    return;
  }
  if (o.text.size() <= 512 && o.text.find(R"("type":"error")") != std::string::npos) {
    // Small and ours: parse it for its code, one of a fixed set.
    if (const auto m = signaling_parse(o.text, SignalingDirection::from_gateway); m && m->type == SignalingType::error)
      metrics_->rejected(reject_reason_for(m->code));
  }
}

std::string SignalingHub::turn_message() const {
  if (!config_.turn.enabled()) return {};
  std::array<std::uint8_t, 16> id{};  // 128 random bits: unlinkable in a TURN server's logs
  randombytes_buf(id.data(), id.size());
  const auto unix_now =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  SignalingMessage m;
  m.type = SignalingType::turn;
  m.turn = turn_grant(config_.turn, unix_now, base64url_encode(id));
  return signaling_serialize(m);
}

void SignalingHub::arm_timer() {
  if (shutting_down_) return;  // no more deadlines: every connection is closing
  const auto next = rooms_.next_wakeup();
  // Called after every message: most leave the next deadline where it was,
  // and re-arming would cancel and queue a timer wait per relayed message.
  if (next == timer_at_) return;
  timer_at_ = next;
  if (!next) {
    timer_.cancel();
    return;
  }
  timer_.expires_at(*next);
  timer_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
    if (ec) return;  // cancelled or re-armed
    self->timer_at_.reset();
    self->apply(self->rooms_.on_timeout(std::chrono::steady_clock::now()));
  });
}

void SignalingHub::arm_sweep() {
  if (shutting_down_) return;  // every connection is closing anyway
  sweeping_ = true;
  sweep_timer_.expires_after(config_.limits.idle_timeout / KeepAlive::kSweepsPerIdleTimeout);
  sweep_timer_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
    self->sweeping_ = false;
    if (ec) return;  // shutting down
    for (const auto& [id, weak] : self->sessions_) {
      if (const auto s = weak.lock()) s->sweep_idle();
    }
    // Idle hubs (no connections) stop sweeping until the next attach.
    if (!self->sessions_.empty()) self->arm_sweep();
  });
}

}  // namespace tessera::gateway
