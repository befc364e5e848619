#pragma once
// One visit's room: its provider session, the guests in the waiting room and
// the admitted ones, and what each of them may say to whom
// (docs/PROTOCOL.md §6.6, §11; issue 9 item 2). Pure logic: the caller
// (VisitRooms) has already parsed the message, checked who sent it and on
// which connection, and passes the time; the room appends to `out` what to
// send or close, and never reads a clock or touches a socket.
//
// Places: a guest that said hello has *arrived*; after `join` it is *waiting*
// and the provider is shown its sealed GuestHello (opaque bytes: the gateway
// never opens a name); after `admit` it is *admitted*. Sealed envelopes pass
// only between admitted members (the provider is always admitted), so nothing
// a guest says reaches the provider before admission except its join.
//
// A member whose connection drops is *away*: it keeps its place until
// away_until (the resume grace), messages for it are held (bounded), and
// `resume` with the secret whose hash it sent in hello puts it back — once
// per hello. A provider that stays away past the grace ends the visit; in a
// room that ends with its provider (a live share) there is no grace for it.
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "gateway/signaling_types.hpp"
#include "shared/signaling.hpp"
#include "shared/signaling_relay.hpp"

namespace tessera::gateway {

// Why the room refused: the error to send back, and whether to close the
// sender's connection (close == 0: it stays open; the refusal is a race or a
// harmless mistake).
struct Refusal {
  SignalingErrorCode code = SignalingErrorCode::not_allowed;
  const char* detail = "";
  std::uint16_t close = 0;
};
using Outcome = std::optional<Refusal>;

class VisitRoom {
 public:
  enum class Place { arrived, waiting, admitted };

  struct Member {
    SessionId session{};
    bool provider = false;
    Place place = Place::arrived;
    std::optional<ConnectionId> connection;  // nullopt: away
    Hash resume_hash{};
    bool resume_used = false;
    bool denied = false;                     // denied while away: told on resume, then closed
    Time away_until{};                       // meaningful while away
    std::vector<std::uint8_t> guest_hello;   // from join; shown again to a new provider session
    // For an away member, oldest first. A vector, not a deque: libstdc++'s
    // deque allocates ~600 bytes even when empty, and nearly every member's is.
    std::vector<std::string> held;
  };

  VisitRoom(const VisitId& visit, ProviderId owner, RoomSettings settings, const Limits& limits);

  [[nodiscard]] const VisitId& visit() const { return visit_; }
  [[nodiscard]] ProviderId owner() const { return owner_; }
  [[nodiscard]] std::size_t capacity() const { return capacity_; }
  // No members left: the visit is over and the room can go.
  [[nodiscard]] bool ended() const { return members_.empty(); }
  [[nodiscard]] const Member* find(const SessionId& session) const;
  [[nodiscard]] const Member* provider() const;
  [[nodiscard]] std::size_t admitted_count() const;  // the provider included
  [[nodiscard]] std::size_t waiting_count() const;   // arrived or waiting guests

  // The owner's hello: opens the room, or takes it over with a new session
  // (a reloaded page). A takeover closes the old provider connection, ends the
  // admitted guests' part (their keys were with the old session) and shows the
  // waiting guests to the new session.
  Outcome provider_hello(ConnectionId connection, const SessionId& session, const Hash& resume_hash,
                         std::vector<Outbound>& out);
  // A guest's hello: it arrives, and may then join.
  Outcome guest_hello(ConnectionId connection, const SessionId& session, const Hash& resume_hash);
  // A member's hello again on its own connection: a fresh resume hash (one resume per hello).
  void rearm(const SessionId& session, const Hash& resume_hash);

  Outcome join(const SessionId& guest, std::vector<std::uint8_t> guest_hello, Time now, std::vector<Outbound>& out);
  Outcome admit(const SignalingMessage& admit, Time now, std::vector<Outbound>& out);
  Outcome deny(const SignalingMessage& deny, std::vector<Outbound>& out);
  Outcome note(const SignalingMessage& note, Time now, std::vector<Outbound>& out);
  // Routed on the envelope header's recipient; the envelope's text is passed on as it came.
  Outcome relay(const SessionId& from, const SignalingRelay& relay, Time now, std::vector<Outbound>& out);

  // A guest's own `end`: it leaves; the provider is told. Its connection, if
  // any, is closed with `code` (a revoked kiosk: kKioskRevoked).
  void guest_leave(const SessionId& guest, Time now, std::vector<Outbound>& out,
                   std::uint16_t code = close_code::kLeft, const char* reason = "you left the visit");
  // The visit ends: every connection in it gets `end` and is closed.
  void end(std::uint16_t code, const char* reason, std::vector<Outbound>& out);

  // The member on `connection` lost it (or the caller closed it): away until now + grace.
  void connection_lost(const SessionId& session, ConnectionId connection, Time now);
  // `resume` on a new connection. as_provider: the connection is the owner's.
  // On success it gets `resumed`, then the messages held for it.
  Outcome resume(ConnectionId connection, const SessionId& session,
                 std::span<const std::uint8_t, kResumeSecretBytes> secret, bool as_provider, Time now,
                 std::vector<Outbound>& out);

  // Members away past their grace lose their place.
  void on_timeout(Time now, std::vector<Outbound>& out);
  [[nodiscard]] std::optional<Time> next_deadline() const;

 private:
  Member* find_mut(const SessionId& session);
  Member* provider_mut();
  void remove(const SessionId& session);
  // To a member: now if connected, else held until it resumes.
  void deliver(Member& to, std::string text, Time now, std::vector<Outbound>& out);
  [[nodiscard]] std::string message(SignalingType type, const SessionId& session,
                                    std::vector<std::uint8_t> payload = {}) const;
  // Tell the provider that a guest it knew of is gone.
  void tell_provider_gone(const Member& guest, Time now, std::vector<Outbound>& out);

  VisitId visit_;
  ProviderId owner_;
  std::size_t capacity_;
  bool ends_with_provider_;
  std::optional<std::size_t> admits_left_;  // RoomSettings::admits_left, counted down
  Limits limits_;
  std::vector<Member> members_;  // a handful: capacity + waiting room
};

}  // namespace tessera::gateway
