// Counters and their exposition: see metrics.hpp.
#include "gateway/metrics.hpp"

#include <cstdio>

namespace tessera::gateway {

namespace {

constexpr std::array<std::string_view, kRejectReasonCount> kRejectNames = {
    "bad_message", "unknown_visit", "visit_full",      "not_allowed",  "expired",     "rate_limited",  "internal",
    "too_large",   "room_limit",    "timeout",         "message_too_big", "binary_frame", "slow_reader", "origin_refused",
    "tls_handshake", "connection_limit", "idle_timeout",
};

void header(std::string& out, std::string_view name, std::string_view type, std::string_view help) {
  out.append("# HELP ").append(name).append(" ").append(help).append("\n");
  out.append("# TYPE ").append(name).append(" ").append(type).append("\n");
}

void sample(std::string& out, std::string_view name, std::uint64_t value) {
  out.append(name).append(" ").append(std::to_string(value)).append("\n");
}

}  // namespace

std::string_view reject_reason_name(RejectReason reason) { return kRejectNames.at(static_cast<std::size_t>(reason)); }

RejectReason reject_reason_for(SignalingErrorCode code) {
  switch (code) {
    case SignalingErrorCode::bad_message: return RejectReason::bad_message;
    case SignalingErrorCode::unknown_visit: return RejectReason::unknown_visit;
    case SignalingErrorCode::visit_full: return RejectReason::visit_full;
    case SignalingErrorCode::not_allowed: return RejectReason::not_allowed;
    case SignalingErrorCode::expired: return RejectReason::expired;
    case SignalingErrorCode::rate_limited: return RejectReason::rate_limited;
    case SignalingErrorCode::internal: return RejectReason::internal;
    case SignalingErrorCode::too_large: return RejectReason::too_large;
    case SignalingErrorCode::room_limit: return RejectReason::room_limit;
    case SignalingErrorCode::timeout: return RejectReason::timeout;
  }
  return RejectReason::internal;
}

void Metrics::relayed(std::chrono::steady_clock::duration latency) {
  const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(latency).count();
  const auto n = static_cast<std::uint64_t>(ns < 0 ? 0 : ns);
  std::size_t bucket = 0;
  while (bucket < kRelayLatencyBoundsUs.size() && n > kRelayLatencyBoundsUs[bucket] * 1000) ++bucket;
  latency_buckets_[bucket].fetch_add(1, std::memory_order_relaxed);
  latency_sum_ns_.fetch_add(n, std::memory_order_relaxed);
  relayed_.fetch_add(1, std::memory_order_relaxed);
}

void Metrics::rejected(RejectReason reason) {
  rejects_.at(static_cast<std::size_t>(reason)).fetch_add(1, std::memory_order_relaxed);
}

std::uint64_t Metrics::rejects(RejectReason reason) const {
  return rejects_.at(static_cast<std::size_t>(reason)).load(std::memory_order_relaxed);
}

std::string Metrics::render() const {
  std::string out;
  out.reserve(4096);
  header(out, "tessera_gateway_http_connections_open", "gauge", "Open HTTP connections, not counting upgraded ones.");
  sample(out, "tessera_gateway_http_connections_open", http_open());
  header(out, "tessera_gateway_signaling_connections_open", "gauge", "Open signaling WebSockets on /signal.");
  sample(out, "tessera_gateway_signaling_connections_open", signaling_open());
  header(out, "tessera_gateway_rooms_open", "gauge", "Visit rooms open.");
  sample(out, "tessera_gateway_rooms_open", rooms_open());
  header(out, "tessera_gateway_messages_relayed_total", "counter",
         "Relay messages read from one connection and queued to another.");
  sample(out, "tessera_gateway_messages_relayed_total", messages_relayed());

  header(out, "tessera_gateway_rejects_total", "counter", "Refusals, by reason.");
  for (std::size_t i = 0; i < kRejectReasonCount; ++i) {
    out.append("tessera_gateway_rejects_total{reason=\"").append(kRejectNames[i]).append("\"} ");
    out.append(std::to_string(rejects_[i].load(std::memory_order_relaxed))).append("\n");
  }

  constexpr std::string_view hist = "tessera_gateway_relay_latency_seconds";
  header(out, hist, "histogram", "Time from reading a relay message to queueing its forward.");
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i <= kRelayLatencyBoundsUs.size(); ++i) {
    cumulative += latency_buckets_[i].load(std::memory_order_relaxed);
    const std::string_view le = i < kRelayLatencyLabels.size() ? kRelayLatencyLabels[i] : "+Inf";
    out.append(hist).append("_bucket{le=\"").append(le).append("\"} ").append(std::to_string(cumulative)).append("\n");
  }
  const auto sum_ns = latency_sum_ns_.load(std::memory_order_relaxed);
  char sum[64];
  std::snprintf(sum, sizeof sum, "%llu.%09llu", static_cast<unsigned long long>(sum_ns / 1000000000),
                static_cast<unsigned long long>(sum_ns % 1000000000));
  out.append(hist).append("_sum ").append(sum).append("\n");
  // The count is the +Inf bucket, read once, so the two always agree.
  out.append(hist).append("_count ").append(std::to_string(cumulative)).append("\n");
  return out;
}

}  // namespace tessera::gateway
