#include "gateway/visit_rooms.hpp"

#include <algorithm>
#include <iterator>

#include "shared/base64url.hpp"
#include "shared/envelope.hpp"

namespace tessera::gateway {

// ---------------------------------------------------------------------------
// helpers

namespace {

std::string error_message(SignalingErrorCode code, const char* detail) {
  SignalingMessage m;
  m.type = SignalingType::error;
  m.code = code;
  m.detail = detail;
  return signaling_serialize(m);
}

Hash to_hash(const std::vector<std::uint8_t>& bytes) {
  Hash h{};
  std::copy_n(bytes.begin(), std::min(bytes.size(), h.size()), h.begin());
  return h;
}

}  // namespace

VisitRooms::VisitRooms(Limits limits, VisitLookup lookup, VisitRecorder record)
    : limits_(limits), lookup_(std::move(lookup)), record_(std::move(record)) {}

VisitRooms::Connection& VisitRooms::connection(ConnectionId id, Time now) {
  auto it = connections_.find(id);
  if (it == connections_.end())
    it = connections_.emplace(id, Connection{TokenBucket(limits_.messages_per_second, limits_.message_burst, now),
                                             std::nullopt, false, std::nullopt, false, {}, {}})
             .first;
  return it->second;
}

const VisitRoom* VisitRooms::room(const VisitId& visit) const {
  const auto it = rooms_.find(visit);
  return it == rooms_.end() ? nullptr : &it->second;
}

// ---------------------------------------------------------------------------
// events from the I/O layer

void VisitRooms::on_connected(ConnectionId id, Time now) {
  Connection& c = connection(id, now);
  if (c.bound || c.hello_by) return;
  c.hello_by = now + limits_.hello_timeout;
  hello_deadlines_.insert({*c.hello_by, id});
}

void VisitRooms::on_provider_connected(ConnectionId id, ProviderId provider, Time now) {
  connection(id, now).provider = provider;
}

std::vector<Outbound> VisitRooms::on_message(ConnectionId id, std::string_view text, Time now) {
  std::vector<Outbound> out;
  Connection& c = connection(id, now);
  const std::optional<VisitId> bound_visit = c.bound ? std::optional<VisitId>(c.visit) : std::nullopt;

  if (text.size() > limits_.max_message_bytes) {
    out.push_back(Outbound::send(id, error_message(SignalingErrorCode::too_large, "message too large")));
    close(id, close_code::kMessageTooBig, "message too large", now, out);
  } else if (!c.bucket.take(now)) {
    refuse(id, {SignalingErrorCode::rate_limited, "too many messages per second", close_code::kRateLimited}, now,
           out);
  } else if (const auto relay = signaling_parse_relay(text)) {
    // The common relay, read without a JSON document; anything else is decided below.
    Outcome r;
    if (VisitRoom* room = own_room(c, relay->visit, r)) r = room->relay(c.session, *relay, now, out);
    if (r) refuse(id, *r, now, out);
    if (!bound_visit) settle(relay->visit, 0, out);
  } else if (auto parsed = signaling_parse(text, SignalingDirection::to_gateway); !parsed) {
    refuse(id, {SignalingErrorCode::bad_message, signaling_parse_error_name(parsed.error()), close_code::kBadMessage},
           now, out);
  } else {
    dispatch(id, c, *parsed, now, out);
    if (!bound_visit) settle(parsed->visit, 0, out);
  }
  if (bound_visit) settle(*bound_visit, 0, out);
  return out;
}

std::vector<Outbound> VisitRooms::on_disconnect(ConnectionId id, Time now) {
  std::vector<Outbound> out;
  const auto it = connections_.find(id);
  if (it == connections_.end()) return out;
  const bool bound = it->second.bound;
  const VisitId visit = it->second.visit;
  const SessionId session = it->second.session;
  forget(id);
  if (!bound) return out;
  if (auto r = rooms_.find(visit); r != rooms_.end()) {
    r->second.connection_lost(session, id, now);
    // Whoever's grace is already over goes now (a live share's provider has none).
    r->second.on_timeout(now, out);
  }
  settle(visit, 0, out);
  return out;
}

std::vector<Outbound> VisitRooms::expel(ConnectionId id, std::uint16_t code, const char* reason, Time now) {
  std::vector<Outbound> out;
  const auto it = connections_.find(id);
  if (it != connections_.end() && it->second.bound && !it->second.as_provider) {
    const VisitId visit = it->second.visit;
    if (auto r = rooms_.find(visit); r != rooms_.end()) r->second.guest_leave(it->second.session, now, out, code, reason);
    settle(visit, 0, out);
  }
  const bool closed = std::any_of(out.begin(), out.end(), [&](const Outbound& o) {
    return o.kind == Outbound::Kind::close && o.connection == id;
  });
  if (!closed) close(id, code, reason, now, out);
  forget(id);
  return out;
}

std::vector<Outbound> VisitRooms::on_timeout(Time now) {
  std::vector<Outbound> out;
  while (!hello_deadlines_.empty() && hello_deadlines_.begin()->first <= now) {
    const auto due = *hello_deadlines_.begin();
    refuse(due.second, {SignalingErrorCode::timeout, "no hello in time", close_code::kHelloTimeout}, now, out);
    hello_deadlines_.erase(due);  // forget() has, unless the table had lost it
  }
  std::vector<VisitId> due;
  for (const auto& [when, visit] : wakeups_) {
    if (when > now) break;
    due.push_back(visit);
  }
  for (const auto& visit : due) {
    const std::size_t first = out.size();
    if (auto r = rooms_.find(visit); r != rooms_.end()) r->second.on_timeout(now, out);
    settle(visit, first, out);
  }
  return out;
}

std::vector<Outbound> VisitRooms::end_visit(const VisitId& visit) {
  std::vector<Outbound> out;
  if (auto r = rooms_.find(visit); r != rooms_.end())
    r->second.end(close_code::kVisitEnded, "the provider ended the visit", out);
  settle(visit, 0, out);
  return out;
}

std::optional<Time> VisitRooms::next_wakeup() const {
  std::optional<Time> next;
  if (!wakeups_.empty()) next = wakeups_.begin()->first;
  if (!hello_deadlines_.empty() && (!next || hello_deadlines_.begin()->first < *next))
    next = hello_deadlines_.begin()->first;
  return next;
}

// ---------------------------------------------------------------------------
// messages

void VisitRooms::dispatch(ConnectionId id, Connection& c, const SignalingMessage& msg, Time now,
                          std::vector<Outbound>& out) {
  Outcome r;
  if (msg.type == SignalingType::hello) {
    r = hello(id, c, msg, out);
  } else if (msg.type == SignalingType::resume) {
    r = resume(id, c, msg, now, out);
  } else if (VisitRoom* room = own_room(c, msg.visit, r)) {
    r = in_room(c, *room, msg, now, out);
  }
  if (r) refuse(id, *r, now, out);
}

VisitRoom* VisitRooms::own_room(const Connection& c, const VisitId& visit, Outcome& refusal) {
  if (!c.bound) {
    refusal = Refusal{SignalingErrorCode::not_allowed, "say hello first", close_code::kNotAllowed};
  } else if (visit != c.visit) {
    refusal = Refusal{SignalingErrorCode::not_allowed, "not the visit of this connection", close_code::kNotAllowed};
  } else if (auto room = rooms_.find(c.visit); room == rooms_.end()) {
    refusal = Refusal{SignalingErrorCode::internal, "room gone", close_code::kVisitEnded};  // not expected
  } else {
    return &room->second;
  }
  return nullptr;
}

Outcome VisitRooms::hello(ConnectionId id, Connection& c, const SignalingMessage& msg, std::vector<Outbound>& out) {
  const Hash resume_hash = to_hash(msg.payload);
  const bool as_provider = msg.role == SignalingRole::provider;
  if (c.bound) {
    // Again on its own connection: a fresh resume hash, one more resume (PROTOCOL.md §11).
    if (msg.visit != c.visit || msg.session != c.session || as_provider != c.as_provider)
      return Refusal{SignalingErrorCode::not_allowed, "this connection already has a session", close_code::kNotAllowed};
    if (auto room = rooms_.find(c.visit); room != rooms_.end()) room->second.rearm(c.session, resume_hash);
    return std::nullopt;
  }

  auto room = rooms_.find(msg.visit);
  if (as_provider) {
    if (!c.provider)
      return Refusal{SignalingErrorCode::not_allowed, "sign in as the provider first", close_code::kNotAllowed};
    const ProviderId who = *c.provider;
    if (room != rooms_.end()) {
      if (room->second.owner() != who)
        return Refusal{SignalingErrorCode::not_allowed, "not your visit", close_code::kNotAllowed};
    } else {
      const std::optional<RoomSettings> settings = lookup_ ? lookup_(who, msg.visit) : RoomSettings{};
      if (!settings) return Refusal{SignalingErrorCode::unknown_visit, "not your visit", close_code::kUnknownVisit};
      const auto count = rooms_per_provider_.find(who);
      if (count != rooms_per_provider_.end() && count->second >= limits_.max_rooms_per_provider)
        return Refusal{SignalingErrorCode::room_limit, "too many open visits", close_code::kTooManyRooms};
      room = rooms_.emplace(msg.visit, VisitRoom(msg.visit, who, *settings, limits_)).first;
      ++rooms_per_provider_[who];
    }
    if (auto r = room->second.provider_hello(id, msg.session, resume_hash, out)) return r;
    out.push_back(Outbound::grant_turn(id));
  } else {
    if (room == rooms_.end())
      return Refusal{SignalingErrorCode::unknown_visit, "no open visit with this id", close_code::kUnknownVisit};
    if (auto r = room->second.guest_hello(id, msg.session, resume_hash)) return r;
  }
  bind(c, id, msg, as_provider);
  return std::nullopt;
}

Outcome VisitRooms::resume(ConnectionId id, Connection& c, const SignalingMessage& msg, Time now,
                           std::vector<Outbound>& out) {
  if (c.bound)
    return Refusal{SignalingErrorCode::not_allowed, "this connection already has a session", close_code::kNotAllowed};
  const auto room = rooms_.find(msg.visit);
  if (room == rooms_.end())
    return Refusal{SignalingErrorCode::unknown_visit, "no open visit with this id", close_code::kUnknownVisit};
  const VisitRoom::Member* member = room->second.find(msg.session);
  const bool as_provider = member && member->provider;
  // A provider's session also needs the provider's sign-in: a leaked secret alone is not enough.
  if (as_provider && !(c.provider && *c.provider == room->second.owner()))
    return Refusal{SignalingErrorCode::not_allowed, "not your session", close_code::kNotAllowed};
  if (msg.payload.size() != kResumeSecretBytes)
    return Refusal{SignalingErrorCode::bad_message, "bad resume secret", close_code::kBadMessage};
  const std::span<const std::uint8_t, kResumeSecretBytes> secret(msg.payload.data(), kResumeSecretBytes);
  if (auto r = room->second.resume(id, msg.session, secret, as_provider, now, out)) return r;
  // Back in its place: credentials again, the earlier ones may be near expiry.
  if (const auto* back = room->second.find(msg.session); back && back->place == VisitRoom::Place::admitted)
    out.push_back(Outbound::grant_turn(id));
  bind(c, id, msg, as_provider);
  return std::nullopt;
}

Outcome VisitRooms::in_room(Connection& c, VisitRoom& room, const SignalingMessage& msg, Time now,
                            std::vector<Outbound>& out) {
  const Refusal not_yours{SignalingErrorCode::not_allowed, "not the session of this connection",
                          close_code::kNotAllowed};
  const Refusal provider_only{SignalingErrorCode::not_allowed, "only the visit's provider may do this",
                              close_code::kNotAllowed};
  switch (msg.type) {
    case SignalingType::join:
      if (c.as_provider || msg.session != c.session) return not_yours;
      return room.join(msg.session, msg.payload, now, out);
    case SignalingType::admit: {
      if (!c.as_provider) return provider_only;
      if (auto r = room.admit(msg, now, out)) return r;
      // Admitted: the guest may now relay media through TURN (away: on resume).
      if (const auto* guest = room.find(msg.session); guest && guest->connection)
        out.push_back(Outbound::grant_turn(*guest->connection));
      if (record_) record_(VisitMoment::guest_admitted, room.owner(), c.visit);
      return std::nullopt;
    }
    case SignalingType::deny:
      if (!c.as_provider) return provider_only;
      return room.deny(msg, out);
    case SignalingType::note:
      if (!c.as_provider) return provider_only;
      return room.note(msg, now, out);
    case SignalingType::relay: {
      // A relay signaling_parse_relay left to the general parser (another
      // form of the same message): the same route, from the decoded envelope.
      const auto header = envelope_header_parse(msg.payload);  // signaling_parse checked it
      if (!header) return Refusal{SignalingErrorCode::bad_message, "bad envelope header"};
      const std::string envelope = base64url_encode(msg.payload);
      return room.relay(c.session, SignalingRelay{msg.visit, *header, envelope}, now, out);
    }
    case SignalingType::end:
      if (msg.session != c.session) return not_yours;
      if (!c.as_provider) {
        room.guest_leave(c.session, now, out);
        return std::nullopt;
      }
      // Kept first: a visit ended here must not reopen on the provider's next hello.
      if (record_) record_(VisitMoment::ended_by_provider, room.owner(), c.visit);
      room.end(close_code::kVisitEnded, "the provider ended the visit", out);
      return std::nullopt;
    default:  // hello and resume are handled before; the rest cannot be parsed to_gateway
      return Refusal{SignalingErrorCode::internal, "unexpected message", close_code::kBadMessage};
  }
}

// ---------------------------------------------------------------------------
// refusing, closing, settling

void VisitRooms::refuse(ConnectionId id, const Refusal& r, Time now, std::vector<Outbound>& out) {
  out.push_back(Outbound::send(id, error_message(r.code, r.detail)));
  if (r.close != 0) close(id, r.close, r.detail, now, out);
}

void VisitRooms::bind(Connection& c, ConnectionId id, const SignalingMessage& msg, bool as_provider) {
  c.bound = true;
  c.as_provider = as_provider;
  c.visit = msg.visit;
  c.session = msg.session;
  if (c.hello_by) hello_deadlines_.erase({*c.hello_by, id});
  c.hello_by.reset();
}

void VisitRooms::forget(ConnectionId id) {
  const auto it = connections_.find(id);
  if (it == connections_.end()) return;
  if (it->second.hello_by) hello_deadlines_.erase({*it->second.hello_by, id});
  connections_.erase(it);
}

void VisitRooms::close(ConnectionId id, std::uint16_t code, const char* reason, Time now,
                       std::vector<Outbound>& out) {
  out.push_back(Outbound::close(id, code, reason));
  const auto it = connections_.find(id);
  if (it == connections_.end()) return;
  if (it->second.bound)
    if (auto r = rooms_.find(it->second.visit); r != rooms_.end()) r->second.connection_lost(it->second.session, id, now);
  forget(id);
}

void VisitRooms::settle(const VisitId& visit, std::size_t first, std::vector<Outbound>& out) {
  for (std::size_t i = first; i < out.size(); ++i)
    if (out[i].kind == Outbound::Kind::close) forget(out[i].connection);

  if (const auto old = wakeup_of_.find(visit); old != wakeup_of_.end()) {
    wakeups_.erase({old->second, visit});
    wakeup_of_.erase(old);
  }
  const auto room = rooms_.find(visit);
  if (room == rooms_.end()) return;
  if (room->second.ended()) {
    const auto count = rooms_per_provider_.find(room->second.owner());
    if (count != rooms_per_provider_.end() && --count->second == 0) rooms_per_provider_.erase(count);
    const ProviderId owner = room->second.owner();
    rooms_.erase(room);
    if (record_) record_(VisitMoment::room_closed, owner, visit);
    return;
  }
  if (const auto next = room->second.next_deadline()) {
    wakeups_.insert({*next, visit});
    wakeup_of_[visit] = *next;
  }
}

}  // namespace tessera::gateway
