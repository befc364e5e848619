#pragma once
// The gateway's counters and gauges for GET /metrics (issue 9 item 8), in the
// Prometheus text exposition format (version 0.0.4). One instance, owned by
// main() and shared with the listener, the HTTP and signaling sessions and the
// hub; no globals. Every member is an atomic, so any strand may touch it.
//
// Labels come from fixed sets only (RejectReason, the bucket bounds): never a
// visit id, session id, name, token, path or any other client text.
#include <array>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "shared/signaling.hpp"

namespace tessera::gateway {

inline constexpr std::string_view kMetricsPath = "/metrics";
inline constexpr std::string_view kMetricsContentType = "text/plain; version=0.0.4; charset=utf-8";

// Why the gateway refused something. The first ten are the signaling `error`
// codes (PROTOCOL.md §11.4), named as on the wire; the rest are refusals that
// carry no `error` message.
enum class RejectReason : std::size_t {
  bad_message,
  unknown_visit,
  visit_full,
  not_allowed,
  expired,
  rate_limited,
  internal,
  too_large,
  room_limit,
  timeout,
  message_too_big,  // the WebSocket layer closed with 1009 (no `error`)
  binary_frame,     // 4001 without `error`
  slow_reader,      // 4008: too slow to read what the gateway sends
  origin_refused,   // /signal upgrade from an Origin not on the allowlist (403)
  tls_handshake,    // a TLS handshake failed or timed out (plain HTTP to the TLS port, TLS < 1.2)
  connection_limit, // closed at accept: its address already holds its connections
  idle_timeout,     // silent past the idle timeout, ping unanswered: socket closed (no `error`)
};
inline constexpr std::size_t kRejectReasonCount = 17;

[[nodiscard]] std::string_view reject_reason_name(RejectReason reason);
[[nodiscard]] RejectReason reject_reason_for(SignalingErrorCode code);

// Relay latency buckets: upper bounds in microseconds, with their labels in
// seconds as rendered. A +Inf bucket follows.
inline constexpr std::array<std::uint64_t, 10> kRelayLatencyBoundsUs = {50,   100,   250,   500,    1000,
                                                                        2500, 10000, 50000, 250000, 1000000};
inline constexpr std::array<std::string_view, 10> kRelayLatencyLabels = {
    "0.00005", "0.0001", "0.00025", "0.0005", "0.001", "0.0025", "0.01", "0.05", "0.25", "1"};

class Metrics {
 public:
  void http_opened() { http_open_.fetch_add(1, std::memory_order_relaxed); }
  void http_closed() { http_open_.fetch_sub(1, std::memory_order_relaxed); }
  void signaling_opened() { signaling_open_.fetch_add(1, std::memory_order_relaxed); }
  void signaling_closed() { signaling_open_.fetch_sub(1, std::memory_order_relaxed); }
  void set_rooms_open(std::size_t n) { rooms_open_.store(n, std::memory_order_relaxed); }
  // A relay message read from one connection was queued to another.
  void relayed(std::chrono::steady_clock::duration latency);
  void rejected(RejectReason reason);

  [[nodiscard]] std::uint64_t http_open() const { return http_open_.load(std::memory_order_relaxed); }
  [[nodiscard]] std::uint64_t signaling_open() const { return signaling_open_.load(std::memory_order_relaxed); }
  [[nodiscard]] std::uint64_t rooms_open() const { return rooms_open_.load(std::memory_order_relaxed); }
  [[nodiscard]] std::uint64_t messages_relayed() const { return relayed_.load(std::memory_order_relaxed); }
  [[nodiscard]] std::uint64_t rejects(RejectReason reason) const;

  // The whole exposition, every series present (zero until counted).
  [[nodiscard]] std::string render() const;

 private:
  std::atomic<std::uint64_t> http_open_{0};
  std::atomic<std::uint64_t> signaling_open_{0};
  std::atomic<std::uint64_t> rooms_open_{0};
  std::atomic<std::uint64_t> relayed_{0};
  std::array<std::atomic<std::uint64_t>, kRejectReasonCount> rejects_{};
  // Per bucket, not cumulative; the last one is +Inf.
  std::array<std::atomic<std::uint64_t>, kRelayLatencyBoundsUs.size() + 1> latency_buckets_{};
  std::atomic<std::uint64_t> latency_sum_ns_{0};
};

}  // namespace tessera::gateway
