#pragma once
// The one place where VisitRooms meets the network: it owns the signaling
// core, runs it on a single strand with the real clock, hands the core's
// answers to the WebSocket sessions, and keeps one timer armed at the core's
// next_wakeup() and another sweeping every session for silence each
// idle_timeout / 4 (keep_alive.hpp). Sessions talk to it only by posting
// (message, disconnect).
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "gateway/metrics.hpp"
#include "gateway/turn_credentials.hpp"
#include "gateway/signaling_peer.hpp"
#include "gateway/visit_rooms.hpp"

namespace tessera::gateway {

// The close reason sent with 1001 on shutdown: clients reconnect (and resume).
inline constexpr const char* kGoingAwayReason = "gateway restarting";
// The close reason sent with kKioskRevoked: the tablet must be enrolled again.
inline constexpr const char* kKioskRevokedReason = "kiosk revoked";

// Who may open a signaling WebSocket: exact Origin header values
// ("https://clinic.example"). Empty: nobody.
struct SignalingConfig {
  std::vector<std::string> allowed_origins;
  Limits limits;
  TurnConfig turn;  // disabled: no `turn` messages
};

class SignalingHub : public std::enable_shared_from_this<SignalingHub> {
 public:
  // metrics: rooms open, relays and their latency, refusals (shared with the listener).
  // lookup, record: the visit store's side of VisitRooms (visit_rooms.hpp).
  SignalingHub(boost::asio::any_io_executor executor, SignalingConfig config, VisitLookup lookup = {},
               std::shared_ptr<Metrics> metrics = std::make_shared<Metrics>(), VisitRecorder record = {});

  [[nodiscard]] bool origin_allowed(std::string_view origin) const;
  [[nodiscard]] const Limits& limits() const { return config_.limits; }
  [[nodiscard]] Metrics& metrics() const { return *metrics_; }

  // Thread-safe: each posts to the hub's strand (message dispatches: it may
  // run before it returns).
  // provider: the signed-in provider the upgrade request's session cookie
  // names (nullopt: a guest); known to the core before the first message.
  // kiosk: the enrolled kiosk the upgrade's kiosk cookie names (it joins as
  // a guest; revoke_kiosk closes it).
  [[nodiscard]] ConnectionId attach(const std::shared_ptr<SignalingPeer>& session,
                                    std::optional<ProviderId> provider = std::nullopt,
                                    std::optional<KioskId> kiosk = std::nullopt);
  void provider_connected(ConnectionId id, ProviderId provider);  // for the sign-in layer
  // The visit ended through the visits API: its room closes for everyone (kVisitEnded).
  void end_visit(const VisitId& visit);
  // An admin revoked the kiosk: every connection it holds, and any it attaches
  // later, is closed with kKioskRevoked, and a guest place it held in a room
  // is given up (VisitRooms::expel: no resume).
  void revoke_kiosk(KioskId kiosk);
  // read_at: when the session finished reading it (for the relay latency histogram).
  void message(ConnectionId id, std::string text, Time read_at);
  void disconnect(ConnectionId id);

  // Graceful stop (SIGTERM): close every signaling connection, and any that
  // attaches later, with 1001 (going away); call done on the hub's strand once
  // every attached session has reported its disconnect. Call once.
  void shut_down(std::function<void()> done);

 private:
  // from: the connection whose message produced out, and when it was read.
  void apply(std::vector<Outbound> out, std::optional<ConnectionId> from = {}, Time read_at = {});
  void count(const Outbound& o, std::optional<ConnectionId> from, Time read_at);
  // The `turn` message for one grant, or empty when TURN is not configured.
  [[nodiscard]] std::string turn_message() const;
  void arm_timer();
  void arm_sweep();

  boost::asio::strand<boost::asio::any_io_executor> strand_;
  boost::asio::steady_timer timer_;
  std::optional<Time> timer_at_;  // strand_ only; when timer_ is armed for (unarmed: nullopt)
  boost::asio::steady_timer sweep_timer_;
  bool sweeping_ = false;  // strand_ only; sweep_timer_ armed
  SignalingConfig config_;
  std::shared_ptr<Metrics> metrics_;
  VisitRooms rooms_;  // strand_ only
  std::unordered_map<ConnectionId, std::weak_ptr<SignalingPeer>> sessions_;  // strand_ only
  std::unordered_map<ConnectionId, KioskId> kiosk_connections_;             // strand_ only
  std::set<KioskId> revoked_kiosks_;  // strand_ only; revoked while running (a few per clinic)
  std::atomic<std::uint64_t> next_id_{1};
  // Attached and not yet disconnected; counted in attach() itself, so a session
  // whose attach is still in flight is waited for too.
  std::atomic<std::size_t> live_{0};
  bool shutting_down_ = false;     // strand_ only
  std::function<void()> on_done_;  // strand_ only; called once
  void maybe_done();
};

}  // namespace tessera::gateway
