#pragma once
// The signaling core of the gateway (issue 9 item 2): every visit room and
// every signaling connection, as pure logic in the style of webrtc-rs/rtc.
// The WebSocket layer feeds it text messages, disconnects and the time; it
// answers with what to send to whom and which connections to close, and says
// when it next needs on_timeout. No sockets, no clock, no threads, no globals:
// call it from one strand.
//
//   provider connection               VisitRooms                guest connection
//   on_provider_connected(c, P)
//   hello{provider, V, S_p, rh}  -->  room V opened, owned by P
//                                     room V <--  hello{guest, V, S_g, rh}
//                                     room V <--  join{V, S_g, GuestHello}
//   waiting{V, S_g, GuestHello}  <--  (sealed name: never opened here)
//   admit{V, S_g, accept}        -->  --> admit{V, S_g, accept}
//   relay{V, envelope}          <-->  only between admitted members, routed on
//                                     the envelope header's recipient
//   end{V, S_p}                  -->  --> end{V, S_p}, every connection closed
//   resume{V, S, secret}         -->  resumed{V, S}, then what was held
//
// Rules enforced here, each with a named limit (gateway/signaling_types.hpp):
// message size, messages per second per connection (token bucket on the
// caller's time), people per room, guests waiting per room, rooms per
// provider, resume grace, time from connecting to hello. A connection that breaks a rule gets an `error`
// message and a close code and reason; its member, if any, keeps its place
// for the grace period as if it had dropped; nobody else is affected.
//
// A close in the returned list means the core has already forgotten that
// connection: the caller closes it and need not report its disconnect (doing
// so is harmless).
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "gateway/signaling_types.hpp"
#include "gateway/token_bucket.hpp"
#include "gateway/visit_room.hpp"

namespace tessera::gateway {

// Whether provider P may open visit V, and with which settings; nullopt: not
// P's visit, unknown, or expired. Empty: any signed-in provider may open a
// visit id no other provider holds open, with default settings (until the
// visit store of issue 9 item 5 answers this).
using VisitLookup = std::function<std::optional<RoomSettings>(ProviderId, const VisitId&)>;

// What happens in a room that the visit store and the audit trail keep: a
// guest admitted, the visit ended by its provider over signaling (the same end
// as POST /api/visits/ID/end). Called during on_message, on the core's strand;
// it does the storage I/O itself. Empty: nothing is kept.
// room_closed: the room went away for any reason (after ended_by_provider
// too); what a live share's end hangs on.
enum class VisitMoment { guest_admitted, ended_by_provider, room_closed };
using VisitRecorder = std::function<void(VisitMoment, ProviderId owner, const VisitId&)>;

class VisitRooms {
 public:
  explicit VisitRooms(Limits limits = {}, VisitLookup lookup = {}, VisitRecorder record = {});

  // A new connection: it must say hello (or resume) within limits().hello_timeout.
  void on_connected(ConnectionId connection, Time now);
  // The sign-in layer vouches that this connection is provider P. Call before
  // its first message.
  void on_provider_connected(ConnectionId connection, ProviderId provider, Time now);
  // One text message as received (not yet parsed).
  [[nodiscard]] std::vector<Outbound> on_message(ConnectionId connection, std::string_view text, Time now);
  // The connection is gone (closed by the peer, broken, or timed out).
  [[nodiscard]] std::vector<Outbound> on_disconnect(ConnectionId connection, Time now);
  // Call at or after next_wakeup(); early or extra calls are harmless.
  [[nodiscard]] std::vector<Outbound> on_timeout(Time now);
  [[nodiscard]] std::optional<Time> next_wakeup() const;
  // The visit was ended elsewhere (the provider's POST /api/visits/ID/end):
  // everyone in its room gets `end` and is closed with kVisitEnded. No room
  // open for it: nothing to do.
  [[nodiscard]] std::vector<Outbound> end_visit(const VisitId& visit);
  // The connection is cut off for good (its kiosk was revoked): it is closed
  // with `code`, and a guest it carried leaves its room as after its own
  // `end` (the provider gets `end` for it; no resume). A provider connection
  // goes away as after any close. Unknown connections are just closed.
  [[nodiscard]] std::vector<Outbound> expel(ConnectionId connection, std::uint16_t code, const char* reason, Time now);

  // For metrics and tests.
  [[nodiscard]] std::size_t room_count() const { return rooms_.size(); }
  [[nodiscard]] std::size_t connection_count() const { return connections_.size(); }
  [[nodiscard]] const VisitRoom* room(const VisitId& visit) const;
  [[nodiscard]] const Limits& limits() const { return limits_; }

 private:
  struct Connection {
    TokenBucket bucket;
    std::optional<ProviderId> provider;  // signed in as
    bool bound = false;                  // said hello (or resumed) successfully
    std::optional<Time> hello_by;        // set by on_connected until bound
    bool as_provider = false;            // bound as its visit's provider
    VisitId visit{};
    SessionId session{};
  };

  Connection& connection(ConnectionId id, Time now);
  void dispatch(ConnectionId id, Connection& c, const SignalingMessage& msg, Time now, std::vector<Outbound>& out);
  Outcome hello(ConnectionId id, Connection& c, const SignalingMessage& msg, std::vector<Outbound>& out);
  Outcome resume(ConnectionId id, Connection& c, const SignalingMessage& msg, Time now, std::vector<Outbound>& out);
  // The room of a message that must come from a bound connection and name its
  // visit (PROTOCOL.md §11.1); nullptr with refusal set when it does not.
  VisitRoom* own_room(const Connection& c, const VisitId& visit, Outcome& refusal);
  Outcome in_room(Connection& c, VisitRoom& room, const SignalingMessage& msg, Time now, std::vector<Outbound>& out);
  // Sends `error`, and closes if the refusal says so.
  void refuse(ConnectionId id, const Refusal& r, Time now, std::vector<Outbound>& out);
  // Closes a connection the caller gave us; its member goes away.
  void close(ConnectionId id, std::uint16_t code, const char* reason, Time now, std::vector<Outbound>& out);
  // After a room acted: forget connections it closed, drop an ended room, refresh its wakeup.
  void settle(const VisitId& visit, std::size_t first, std::vector<Outbound>& out);
  // Drops a connection from the table and from the hello deadlines.
  void forget(ConnectionId id);
  void bind(Connection& c, ConnectionId id, const SignalingMessage& msg, bool as_provider);

  Limits limits_;
  VisitLookup lookup_;
  VisitRecorder record_;
  std::unordered_map<ConnectionId, Connection> connections_;
  std::map<VisitId, VisitRoom> rooms_;
  std::map<ProviderId, std::size_t> rooms_per_provider_;
  std::set<std::pair<Time, VisitId>> wakeups_;  // each room's next deadline
  std::map<VisitId, Time> wakeup_of_;
  std::set<std::pair<Time, ConnectionId>> hello_deadlines_;
};

}  // namespace tessera::gateway
