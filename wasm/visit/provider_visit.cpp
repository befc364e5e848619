#include "wasm/visit/provider_visit.hpp"

#include <algorithm>

namespace tessera::client {

// ---------------------------------------------------------------------------
// helpers

const char* provider_action_error_name(ProviderActionError e) {
  switch (e) {
    case ProviderActionError::no_such_guest: return "no_such_guest";
    case ProviderActionError::already_in_call: return "already_in_call";
    case ProviderActionError::bad_note: return "bad_note";
    case ProviderActionError::not_open: return "not_open";
  }
  return "unknown";
}

namespace {

// This page load's session, from its own child of the seed (drawn twice: the
// base class needs the id before the members exist; same seed, same session).
Session provider_session(std::span<const std::uint8_t, kSeedBytes> seed) {
  const auto s = SeedStream(seed).child("tessera/client/session").draw<kSessionSeedBytes>();
  return session_from_seed(s.span());
}

}  // namespace

ProviderVisit::ProviderVisit(VisitKeys keys, std::string signaling_url, std::string_view own_name,
                             std::span<const std::uint8_t, kSeedBytes> seed)
    : VisitSession(GatewayConnection(std::move(signaling_url), SignalingRole::provider, keys.visit_id,
                                     provider_session(seed).id,
                                     SeedStream(seed).child("tessera/client/connection"))),
      keys_(std::move(keys)),
      seeds_(SeedStream(seed).child("tessera/client/provider")),
      session_(provider_session(seed)) {
  if (!own_name.empty() && !own_name_.assign(own_name)) out_.problem("display_name", "bad_name");
  connection_.start(out_);
}

std::string ProviderVisit::message(SignalingType type, const SessionId& session, ByteSpan payload) const {
  SignalingMessage m;
  m.type = type;
  m.visit = keys_.visit_id;
  m.session = session;
  m.payload.assign(payload.begin(), payload.end());
  return signaling_serialize(m);
}

std::optional<SessionId> ProviderVisit::in_call_with() const {
  if (!call_) return std::nullopt;
  return call_->peer();
}

std::vector<WaitingEntry>::iterator ProviderVisit::find_waiting(const SessionId& guest) {
  return std::find_if(waiting_.begin(), waiting_.end(), [&](const WaitingEntry& e) { return e.guest.session == guest; });
}

// ---------------------------------------------------------------------------
// the gateway

void ProviderVisit::handle_socket_open(VisitTime) {
  if (connection_.on_open(out_) && phase_ == VisitPhase::connecting) phase_ = VisitPhase::waiting_room;
}

void ProviderVisit::handle_socket_closed(std::uint16_t code, VisitTime now) {
  if (phase_ == VisitPhase::ended) return;
  if (connection_.on_closed(code, now, out_)) return;  // reconnecting
  if (keep_call_without_gateway(code)) {
    waiting_.clear();  // the gateway forgot them too: nobody can be admitted now
    return;
  }
  switch (code) {
    case 4000: return finish(EndReason::self_ended);  // after our own end, or the grace ran out
    case 4004: return finish(EndReason::no_visit);
    case 4006: return finish(EndReason::replaced);
    case 4007: return finish(EndReason::connection_lost);
    default: return finish(EndReason::refused);
  }
}

void ProviderVisit::handle_signaling(std::string_view text, VisitTime now) {
  if (phase_ == VisitPhase::ended) return;
  auto parsed = signaling_parse(text, SignalingDirection::from_gateway);
  if (!parsed) return out_.problem("signaling", signaling_parse_error_name(parsed.error()));
  const SignalingMessage& m = *parsed;
  if (m.type != SignalingType::error && m.type != SignalingType::turn && m.visit != keys_.visit_id)
    return out_.problem("signaling", "wrong_visit");
  if (on_session_message(m, session_.id)) return;
  switch (m.type) {
    case SignalingType::waiting: return on_waiting(m, now);
    case SignalingType::relay: return on_relay(m);
    case SignalingType::end: return on_guest_gone(m.session);
    default: return out_.problem("signaling", "unexpected_type");
  }
}

void ProviderVisit::on_waiting(const SignalingMessage& m, VisitTime now) {
  // A replayed hello shows nothing new (PROTOCOL.md §1): ignore sessions we hold.
  if (find_waiting(m.session) != waiting_.end() || (call_ && call_->peer() == m.session)) return;
  auto guest = handshake_provider_read_hello(keys_, m.payload);
  if (!guest) {
    out_.problem("hello", handshake_error_name(guest.error()));
    // A hello for this visit that does not check (a changed or cut link, a
    // name that does not open): refuse it now, so that page can say so
    // instead of waiting for nobody. It never reaches the waiting list.
    if (auto refused = handshake_provider_refuse_hello(keys_, m.payload); refused && refused->session == m.session)
      out_.send(message(SignalingType::deny, m.session, refused->deny));
    return;
  }
  if (guest->session != m.session) return out_.problem("hello", "wrong_session");
  waiting_.push_back({std::move(guest.value()), now, 0});
}

void ProviderVisit::on_guest_gone(const SessionId& guest) {
  if (auto it = find_waiting(guest); it != waiting_.end()) waiting_.erase(it);
  if (call_ && call_->peer() == guest) {
    close_call();
    guest_left_ = true;
    phase_ = VisitPhase::waiting_room;
  }
}

void ProviderVisit::on_relay(const SignalingMessage& m) {
  const auto header = envelope_header_parse(m.payload);
  if (!header) return out_.problem("envelope", envelope_error_name(header.error()));
  if (!call_ || header->sender != call_->peer())
    return out_.problem("envelope", envelope_error_name(EnvelopeError::wrong_sender));
  call_->on_envelope(m.payload, out_);
}

// ---------------------------------------------------------------------------
// the provider's actions

Status<ProviderActionError> ProviderVisit::admit(const SessionId& guest, VisitTime) {
  if (phase_ == VisitPhase::ended) return ProviderActionError::not_open;
  if (call_) return ProviderActionError::already_in_call;
  const auto it = find_waiting(guest);
  if (it == waiting_.end()) return ProviderActionError::no_such_guest;
  auto accepted = handshake_provider_accept(keys_, session_, it->guest);
  if (!accepted) {
    // A guest key that gives no shared secret: that entry can never join.
    out_.problem("admit", handshake_error_name(accepted.error()));
    waiting_.erase(it);
    return ProviderActionError::no_such_guest;
  }
  out_.send(message(SignalingType::admit, guest, accepted->accept));
  const auto nonce = seeds_.draw<kSafetyNonceBytes>();
  call_.emplace(std::move(accepted->keys), nonce.span());
  waiting_.erase(it);
  guest_left_ = false;
  phase_ = VisitPhase::admitted;
  if (own_name_.size() > 0) call_->send_display_name(own_name_.view(), out_);
  call_->start(out_);  // the provider is the offerer
  call_opened();
  return Unit{};
}

Status<ProviderActionError> ProviderVisit::deny(const SessionId& guest, VisitTime) {
  if (phase_ == VisitPhase::ended) return ProviderActionError::not_open;
  const auto it = find_waiting(guest);
  if (it == waiting_.end()) return ProviderActionError::no_such_guest;
  out_.send(message(SignalingType::deny, guest, handshake_provider_deny(keys_, it->guest)));
  waiting_.erase(it);
  return Unit{};
}

Status<ProviderActionError> ProviderVisit::send_note(const SessionId& guest, std::string_view text, VisitTime) {
  if (phase_ == VisitPhase::ended) return ProviderActionError::not_open;
  const auto it = find_waiting(guest);
  if (it == waiting_.end()) return ProviderActionError::no_such_guest;
  const auto seal_seed = seeds_.draw<kSeedBytes>();
  auto note = handshake_provider_note(keys_, it->guest, it->notes_sent + 1, text, seal_seed.span());
  if (!note) return ProviderActionError::bad_note;
  ++it->notes_sent;
  out_.send(message(SignalingType::note, guest, *note));
  return Unit{};
}

void ProviderVisit::end_visit(VisitTime) {
  if (phase_ == VisitPhase::ended) return;
  if (connection_.online()) {
    out_.send(message(SignalingType::end, session_.id, {}));
    connection_.finish(out_);  // the gateway closes with 4000
  }
  finish(EndReason::self_ended);
}

void ProviderVisit::finish(EndReason reason) {
  phase_ = VisitPhase::ended;
  end_reason_ = reason;
  close_call();
  waiting_.clear();
  connection_.shutdown(out_);
}

}  // namespace tessera::client
