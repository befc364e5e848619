#include "gateway/visit_room.hpp"

#include <sodium.h>

#include <algorithm>
#include <utility>

#include "shared/envelope.hpp"

namespace tessera::gateway {

// ---------------------------------------------------------------------------
// helpers

namespace {

Refusal refuse(SignalingErrorCode code, const char* detail, std::uint16_t close = 0) {
  return Refusal{code, detail, close};
}

}  // namespace

VisitRoom::VisitRoom(const VisitId& visit, ProviderId owner, RoomSettings settings, const Limits& limits)
    : visit_(visit),
      owner_(owner),
      capacity_(std::clamp<std::size_t>(settings.people, 2, std::max<std::size_t>(2, limits.max_people_per_room))),
      ends_with_provider_(settings.ends_with_provider),
      admits_left_(settings.admits_left),
      limits_(limits) {}

const VisitRoom::Member* VisitRoom::find(const SessionId& session) const {
  for (const auto& m : members_)
    if (m.session == session) return &m;
  return nullptr;
}
VisitRoom::Member* VisitRoom::find_mut(const SessionId& session) {
  return const_cast<Member*>(std::as_const(*this).find(session));
}
const VisitRoom::Member* VisitRoom::provider() const {
  for (const auto& m : members_)
    if (m.provider) return &m;
  return nullptr;
}
VisitRoom::Member* VisitRoom::provider_mut() { return const_cast<Member*>(std::as_const(*this).provider()); }

std::size_t VisitRoom::admitted_count() const {
  return static_cast<std::size_t>(
      std::count_if(members_.begin(), members_.end(), [](const Member& m) { return m.place == Place::admitted; }));
}
std::size_t VisitRoom::waiting_count() const {
  return static_cast<std::size_t>(std::count_if(members_.begin(), members_.end(), [](const Member& m) {
    return !m.provider && m.place != Place::admitted;
  }));
}

void VisitRoom::remove(const SessionId& session) {
  members_.erase(std::remove_if(members_.begin(), members_.end(),
                                [&](const Member& m) { return m.session == session; }),
                 members_.end());
}

std::string VisitRoom::message(SignalingType type, const SessionId& session, std::vector<std::uint8_t> payload) const {
  SignalingMessage m;
  m.type = type;
  m.visit = visit_;
  m.session = session;
  m.payload = std::move(payload);
  return signaling_serialize(m);
}

void VisitRoom::deliver(Member& to, std::string text, Time now, std::vector<Outbound>& out) {
  if (to.connection) {
    out.push_back(Outbound::send(*to.connection, std::move(text)));
    return;
  }
  if (to.held.size() >= limits_.max_held_messages) {
    // More than we keep for someone away: its place goes at the next timeout.
    to.away_until = std::min(to.away_until, now);
    return;
  }
  to.held.push_back(std::move(text));
}

void VisitRoom::tell_provider_gone(const Member& guest, Time now, std::vector<Outbound>& out) {
  if (guest.place == Place::arrived) return;  // the provider never heard of it
  if (Member* p = provider_mut()) deliver(*p, message(SignalingType::end, guest.session), now, out);
}

// ---------------------------------------------------------------------------
// arriving

Outcome VisitRoom::provider_hello(ConnectionId connection, const SessionId& session, const Hash& resume_hash,
                                  std::vector<Outbound>& out) {
  if (find(session)) return refuse(SignalingErrorCode::not_allowed, "session already open: resume it", close_code::kNotAllowed);
  if (Member* old = provider_mut()) {
    // A new page load of the owner takes over.
    const SessionId old_session = old->session;
    if (old->connection)
      out.push_back(Outbound::close(*old->connection, close_code::kReplaced, "a newer provider session took over"));
    for (auto& m : members_) {
      if (m.provider || m.place != Place::admitted) continue;
      if (m.connection) {
        out.push_back(Outbound::send(*m.connection, message(SignalingType::end, old_session)));
        out.push_back(Outbound::close(*m.connection, close_code::kVisitEnded, "the provider restarted; join again"));
      }
    }
    members_.erase(std::remove_if(members_.begin(), members_.end(),
                                  [](const Member& m) { return m.provider || m.place == Place::admitted; }),
                   members_.end());
  }
  Member p;
  p.session = session;
  p.provider = true;
  p.place = Place::admitted;
  p.connection = connection;
  p.resume_hash = resume_hash;
  members_.push_back(std::move(p));
  // Show the new session who waits (the old one may never have answered).
  for (const auto& m : members_)
    if (m.place == Place::waiting) out.push_back(Outbound::send(connection, message(SignalingType::waiting, m.session, m.guest_hello)));
  return std::nullopt;
}

Outcome VisitRoom::guest_hello(ConnectionId connection, const SessionId& session, const Hash& resume_hash) {
  if (find(session)) return refuse(SignalingErrorCode::not_allowed, "session already in this visit", close_code::kNotAllowed);
  if (waiting_count() >= limits_.max_waiting_per_room)
    return refuse(SignalingErrorCode::visit_full, "the waiting room is full", close_code::kVisitFull);
  // A live share opened as often as allowed: whoever skipped its open gets nothing more.
  if (admits_left_ && *admits_left_ == 0)
    return refuse(SignalingErrorCode::expired, "no more guests may be admitted here", close_code::kVisitEnded);
  Member g;
  g.session = session;
  g.connection = connection;
  g.resume_hash = resume_hash;
  members_.push_back(std::move(g));
  return std::nullopt;
}

void VisitRoom::rearm(const SessionId& session, const Hash& resume_hash) {
  if (Member* m = find_mut(session)) {
    m->resume_hash = resume_hash;
    m->resume_used = false;
  }
}

// ---------------------------------------------------------------------------
// the waiting room

Outcome VisitRoom::join(const SessionId& guest, std::vector<std::uint8_t> guest_hello, Time now,
                        std::vector<Outbound>& out) {
  Member* g = find_mut(guest);
  if (!g || g->provider) return refuse(SignalingErrorCode::not_allowed, "say hello first", close_code::kNotAllowed);
  if (g->place != Place::arrived) return refuse(SignalingErrorCode::not_allowed, "already joined");
  g->place = Place::waiting;
  g->guest_hello = std::move(guest_hello);
  if (Member* p = provider_mut()) deliver(*p, message(SignalingType::waiting, guest, g->guest_hello), now, out);
  return std::nullopt;
}

Outcome VisitRoom::admit(const SignalingMessage& msg, Time now, std::vector<Outbound>& out) {
  Member* g = find_mut(msg.session);
  if (!g || g->provider || g->place != Place::waiting)
    return refuse(SignalingErrorCode::not_allowed, "no such guest waiting");
  if (admits_left_ && *admits_left_ == 0) return refuse(SignalingErrorCode::not_allowed, "no more guests may be admitted here");
  if (admitted_count() >= capacity_) return refuse(SignalingErrorCode::visit_full, "the visit is full");
  if (admits_left_) --*admits_left_;
  g->place = Place::admitted;
  // PROTOCOL.md §11: the guest gets the same `admit`, accept byte for byte.
  deliver(*g, message(SignalingType::admit, g->session, msg.payload), now, out);
  return std::nullopt;
}

Outcome VisitRoom::deny(const SignalingMessage& msg, std::vector<Outbound>& out) {
  Member* g = find_mut(msg.session);
  if (!g || g->provider || g->place != Place::waiting)
    return refuse(SignalingErrorCode::not_allowed, "no such guest waiting");
  if (!g->connection) {
    // Away: it learns the answer if it resumes within the grace, then goes.
    g->held.clear();
    g->held.push_back(message(SignalingType::deny, g->session, msg.payload));
    g->denied = true;
    g->place = Place::arrived;  // no longer waiting; the provider needs no `end` for it
    return std::nullopt;
  }
  out.push_back(Outbound::send(*g->connection, message(SignalingType::deny, g->session, msg.payload)));
  out.push_back(Outbound::close(*g->connection, close_code::kDenied, "the provider did not admit you"));
  remove(msg.session);
  return std::nullopt;
}

Outcome VisitRoom::note(const SignalingMessage& msg, Time now, std::vector<Outbound>& out) {
  Member* g = find_mut(msg.session);
  if (!g || g->provider || g->place != Place::waiting)
    return refuse(SignalingErrorCode::not_allowed, "no such guest waiting");
  deliver(*g, message(SignalingType::note, g->session, msg.payload), now, out);
  return std::nullopt;
}

// ---------------------------------------------------------------------------
// relaying sealed envelopes

Outcome VisitRoom::relay(const SessionId& from, const SignalingRelay& relay, Time now, std::vector<Outbound>& out) {
  const Member* sender = find(from);
  if (!sender || sender->place != Place::admitted)
    return refuse(SignalingErrorCode::not_allowed, "not admitted yet");
  const EnvelopeHeader& header = relay.header;  // parsed with the message, which named this visit
  if (header.visit_id != visit_) return refuse(SignalingErrorCode::bad_message, "bad envelope header");
  if (header.sender != from)
    return refuse(SignalingErrorCode::not_allowed, "envelope sender is not you", close_code::kNotAllowed);
  Member* to = find_mut(header.recipient);
  if (!to || to == sender || to->place != Place::admitted)
    return refuse(SignalingErrorCode::not_allowed, "recipient is not admitted in this visit");
  deliver(*to, signaling_serialize_relay(visit_, relay.envelope), now, out);
  return std::nullopt;
}

// ---------------------------------------------------------------------------
// leaving and ending

void VisitRoom::guest_leave(const SessionId& guest, Time now, std::vector<Outbound>& out, std::uint16_t code,
                            const char* reason) {
  Member* g = find_mut(guest);
  if (!g || g->provider) return;
  if (g->connection) out.push_back(Outbound::close(*g->connection, code, reason));
  const Member gone = std::move(*g);
  remove(guest);
  tell_provider_gone(gone, now, out);
}

void VisitRoom::end(std::uint16_t code, const char* reason, std::vector<Outbound>& out) {
  const Member* p = provider();
  const SessionId who = p ? p->session : SessionId{};
  for (const auto& m : members_) {
    if (!m.connection) continue;
    if (!m.provider) out.push_back(Outbound::send(*m.connection, message(SignalingType::end, who)));
    out.push_back(Outbound::close(*m.connection, code, reason));
  }
  members_.clear();
}

// ---------------------------------------------------------------------------
// losing a connection and resuming

void VisitRoom::connection_lost(const SessionId& session, ConnectionId connection, Time now) {
  Member* m = find_mut(session);
  if (!m || m->connection != connection) return;
  m->connection.reset();
  m->away_until = m->provider && ends_with_provider_ ? now : now + limits_.resume_grace;
}

Outcome VisitRoom::resume(ConnectionId connection, const SessionId& session,
                          std::span<const std::uint8_t, kResumeSecretBytes> secret, bool as_provider, Time now,
                          std::vector<Outbound>& out) {
  Member* m = find_mut(session);
  if (!m) return refuse(SignalingErrorCode::expired, "nothing to resume", close_code::kExpired);
  if (m->provider != as_provider)
    return refuse(SignalingErrorCode::not_allowed, "not your session", close_code::kNotAllowed);
  const Hash presented = signaling_resume_hash(secret);
  if (sodium_memcmp(presented.data(), m->resume_hash.data(), presented.size()) != 0)
    return refuse(SignalingErrorCode::not_allowed, "resume secret does not match", close_code::kNotAllowed);
  if (m->resume_used)
    return refuse(SignalingErrorCode::not_allowed, "resume secret already used", close_code::kNotAllowed);
  if (!m->connection && now >= m->away_until)
    return refuse(SignalingErrorCode::expired, "resume grace period is over", close_code::kExpired);
  if (m->connection)
    out.push_back(Outbound::close(*m->connection, close_code::kReplaced, "session resumed on another connection"));
  m->connection = connection;
  m->resume_used = true;
  // PROTOCOL.md §11: `resumed` first, then what was held, oldest first.
  out.push_back(Outbound::send(connection, message(SignalingType::resumed, session)));
  for (auto& text : m->held) out.push_back(Outbound::send(connection, std::move(text)));
  m->held = {};
  if (m->denied) {
    out.push_back(Outbound::close(connection, close_code::kDenied, "the provider did not admit you"));
    remove(session);
  }
  return std::nullopt;
}

void VisitRoom::on_timeout(Time now, std::vector<Outbound>& out) {
  const Member* p = provider();
  if (p && !p->connection && now >= p->away_until) {
    end(close_code::kVisitEnded, "the provider left the visit", out);
    return;
  }
  for (;;) {
    auto it = std::find_if(members_.begin(), members_.end(),
                           [&](const Member& m) { return !m.provider && !m.connection && now >= m.away_until; });
    if (it == members_.end()) break;
    const Member gone = std::move(*it);
    members_.erase(it);
    tell_provider_gone(gone, now, out);
  }
}

std::optional<Time> VisitRoom::next_deadline() const {
  std::optional<Time> next;
  for (const auto& m : members_)
    if (!m.connection && (!next || m.away_until < *next)) next = m.away_until;
  return next;
}

}  // namespace tessera::gateway
