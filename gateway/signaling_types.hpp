#pragma once
// What the signaling core (VisitRooms, VisitRoom) and its caller, the
// WebSocket layer, exchange: opaque handles, the time, the limits, and what to
// do next (send a text message, or close a connection with a code and reason).
// Nothing here reads a clock or touches a socket.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "shared/signaling.hpp"

namespace tessera::gateway {

// A connection, as the I/O layer names it. Never reused while the core knows it.
enum class ConnectionId : std::uint64_t {};
// A signed-in provider account (pseudonymous; the sign-in layer says who).
enum class ProviderId : std::uint64_t {};
// An enrolled kiosk tablet (kiosk_store.hpp), as its cookie authenticated it.
enum class KioskId : std::int64_t {};

// The caller's clock. Only ever passed in: tests use a virtual one.
using Time = std::chrono::steady_clock::time_point;
using Duration = std::chrono::steady_clock::duration;

// ---------------------------------------------------------------------------
// Limits. The defaults are the product's; Limits lets a benchmark or a test
// raise or lower them.

inline constexpr std::size_t kMaxMessageBytes = kSignalingMaxBytes;      // one JSON message
inline constexpr double kMessagesPerSecond = 50.0;                       // sustained, per connection
inline constexpr double kMessageBurst = 100.0;                           // bucket size, per connection
inline constexpr std::size_t kDefaultPeoplePerRoom = 2;                  // provider + one guest
inline constexpr std::size_t kMaxPeoplePerRoom = 8;                      // ceiling of any room's setting
inline constexpr std::size_t kMaxWaitingPerRoom = 8;                     // guests not yet admitted
inline constexpr std::size_t kMaxRoomsPerProvider = 4;                   // open visits at once
inline constexpr Duration kResumeGrace = std::chrono::seconds(30);       // place kept after a drop
inline constexpr std::size_t kMaxHeldMessages = 64;                      // kept for someone away
inline constexpr Duration kHelloTimeout = std::chrono::seconds(10);      // connect -> hello or resume
inline constexpr Duration kIdleTimeout = std::chrono::seconds(300);      // silence (pinged at half) -> dropped

struct Limits {
  std::size_t max_message_bytes = kMaxMessageBytes;
  double messages_per_second = kMessagesPerSecond;
  double message_burst = kMessageBurst;
  std::size_t max_people_per_room = kMaxPeoplePerRoom;
  std::size_t max_waiting_per_room = kMaxWaitingPerRoom;
  std::size_t max_rooms_per_provider = kMaxRoomsPerProvider;
  Duration resume_grace = kResumeGrace;
  std::size_t max_held_messages = kMaxHeldMessages;
  Duration hello_timeout = kHelloTimeout;
  Duration idle_timeout = kIdleTimeout;  // swept by the hub (keep_alive.hpp), not the core
};

// A visit's own settings, from whoever knows the visit (the visit store).
struct RoomSettings {
  std::size_t people = kDefaultPeoplePerRoom;  // provider included; clamped to [2, max_people_per_room]
  // No resume grace for the provider: the room ends as soon as its provider's
  // connection goes (a live share, whose content lives only in that tab).
  bool ends_with_provider = false;
  // How many guests the room may still admit in its life (a live share's
  // opens left); none: no such limit.
  std::optional<std::size_t> admits_left;
};

// ---------------------------------------------------------------------------
// WebSocket close codes (RFC 6455 §7.4; 4000–4999 are ours).
namespace close_code {
inline constexpr std::uint16_t kGoingAway = 1001;       // RFC 6455: the gateway is shutting down; reconnect
inline constexpr std::uint16_t kMessageTooBig = 1009;   // RFC 6455
inline constexpr std::uint16_t kVisitEnded = 4000;      // the provider ended the visit, or left for good
inline constexpr std::uint16_t kBadMessage = 4001;      // not a valid signaling message
inline constexpr std::uint16_t kNotAllowed = 4003;      // not yours to do, or out of order
inline constexpr std::uint16_t kUnknownVisit = 4004;    // no open room for this visit
inline constexpr std::uint16_t kDenied = 4005;          // the provider denied this guest
inline constexpr std::uint16_t kReplaced = 4006;        // this session continues on another connection
inline constexpr std::uint16_t kExpired = 4007;         // resume too late, or nothing left to resume
inline constexpr std::uint16_t kRateLimited = 4008;     // too many messages per second
inline constexpr std::uint16_t kVisitFull = 4009;       // waiting room full
inline constexpr std::uint16_t kTooManyRooms = 4010;    // rooms per provider
inline constexpr std::uint16_t kLeft = 4011;            // the guest ended its own part; goodbye
inline constexpr std::uint16_t kHelloTimeout = 4012;    // no hello or resume in time after connecting
inline constexpr std::uint16_t kKioskRevoked = 4013;    // an admin revoked this kiosk: do not reconnect
}  // namespace close_code

// What the core asks the I/O layer to do, in order. grant_turn: this
// connection may now use TURN (a signed-in provider, or an admitted guest);
// the I/O layer, which holds the TURN secret and the wall clock, sends it a
// `turn` message with fresh credentials, or nothing when TURN is not set up.
struct Outbound {
  enum class Kind { send, close, grant_turn };
  ConnectionId connection{};
  Kind kind = Kind::send;
  std::string text;             // send: one JSON signaling message
  std::uint16_t close_code = 0;  // close
  std::string reason;           // close: short, printable, no secrets (≤ 123 bytes, RFC 6455)

  static Outbound send(ConnectionId c, std::string text) { return {c, Kind::send, std::move(text), 0, {}}; }
  static Outbound close(ConnectionId c, std::uint16_t code, std::string reason) {
    return {c, Kind::close, {}, code, std::move(reason)};
  }
  static Outbound grant_turn(ConnectionId c) { return {c, Kind::grant_turn, {}, 0, {}}; }
};

}  // namespace tessera::gateway
