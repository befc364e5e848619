#include "wasm/visit/guest_visit.hpp"

namespace tessera::client {

// ---------------------------------------------------------------------------
// starting

const char* guest_start_error_text(const GuestStartError& e) {
  if (e.kind == GuestStartError::Kind::bad_name)
    return "Please type a name of 1 to 64 letters, without special symbols.";
  switch (e.link) {
    case LinkError::too_long:
    case LinkError::bad_scheme:
    case LinkError::bad_host:
    case LinkError::bad_path:
    case LinkError::bad_visit_id:
      return "This is not a visit link. Open the link from your clinic's message again.";
    case LinkError::missing_fragment:
    case LinkError::bad_fragment:
      return "This visit link is incomplete. Copy the whole link from your clinic's message and open it again.";
    case LinkError::unsupported_version:
      return "This visit link is from another version. Ask your clinic for a new link.";
    case LinkError::bad_provider_key:
      return "This visit link is damaged. Ask your clinic for a new link.";
  }
  return "This visit link does not work. Ask your clinic for a new link.";
}

Result<GuestVisit, GuestStartError> GuestVisit::start(std::string_view link_text, std::string_view display_name,
                                                      std::span<const std::uint8_t, kSeedBytes> seed) {
  auto link = visit_link_parse(link_text);
  if (!link) return GuestStartError{GuestStartError::Kind::bad_link, link.error()};
  SeedStream seeds(seed);
  const auto session_seed = seeds.draw<kSessionSeedBytes>();
  const auto seal_seed = seeds.draw<kSeedBytes>();
  auto handshake = handshake_guest_start(*link, session_from_seed(session_seed.span()), display_name, seal_seed.span());
  if (!handshake) return GuestStartError{GuestStartError::Kind::bad_name, LinkError::bad_fragment};
  GatewayConnection connection("wss://" + link->host + kSignalingPath, SignalingRole::guest, handshake->visit_id,
                               handshake->session.id, seeds.child("tessera/client/connection"));
  GuestVisit visit(std::move(handshake.value()), std::move(connection), seeds.child("tessera/client/guest"));
  visit.connection_.start(visit.out_);
  return visit;
}

GuestVisit::GuestVisit(GuestHandshake handshake, GatewayConnection connection, SeedStream seeds)
    : VisitSession(std::move(connection)), handshake_(std::move(handshake)), seeds_(std::move(seeds)) {}

// ---------------------------------------------------------------------------
// the gateway

void GuestVisit::handle_socket_open(VisitTime now) {
  if (!connection_.on_open(out_)) return;  // a resume: the place is kept
  SignalingMessage join;
  join.type = SignalingType::join;
  join.visit = handshake_.visit_id;
  join.session = handshake_.session.id;
  join.payload.assign(handshake_.hello.begin(), handshake_.hello.end());
  out_.send(signaling_serialize(join));
  phase_ = VisitPhase::waiting_room;
  waiting_since_ = now;
}

void GuestVisit::handle_socket_closed(std::uint16_t code, VisitTime now) {
  if (over()) return;
  if (connection_.on_closed(code, now, out_)) return;  // reconnecting
  if (keep_call_without_gateway(code)) return;
  switch (code) {
    case 4000: return finish(VisitPhase::ended, EndReason::provider_ended);
    case 4004: return finish(VisitPhase::ended, EndReason::no_visit);
    case 4006: return finish(VisitPhase::ended, EndReason::replaced);
    case 4007: return finish(VisitPhase::ended, EndReason::connection_lost);
    case 4009: return finish(VisitPhase::ended, EndReason::visit_full);
    case 4011: return finish(VisitPhase::ended, EndReason::self_ended);
    default:  // 4005 without a deny we could verify is only the gateway's word
      return finish(VisitPhase::ended, EndReason::refused);
  }
}

void GuestVisit::handle_signaling(std::string_view text, VisitTime now) {
  if (over()) return;
  auto parsed = signaling_parse(text, SignalingDirection::from_gateway);
  if (!parsed) return out_.problem("signaling", signaling_parse_error_name(parsed.error()));
  const SignalingMessage& m = *parsed;
  if (m.type != SignalingType::error && m.type != SignalingType::turn && m.visit != handshake_.visit_id)
    return out_.problem("signaling", "wrong_visit");
  if (on_session_message(m, handshake_.session.id)) return;
  switch (m.type) {
    case SignalingType::admit: return on_admit(m);
    case SignalingType::deny: return on_deny(m);
    case SignalingType::note: return on_note(m, now);
    case SignalingType::relay: return on_relay(m);
    case SignalingType::end:  // to a guest: the visit is over for it (PROTOCOL.md §11.3)
      return finish(VisitPhase::ended, EndReason::provider_ended);
    default: return out_.problem("signaling", "unexpected_type");
  }
}

void GuestVisit::on_admit(const SignalingMessage& m) {
  if (phase_ != VisitPhase::waiting_room) return out_.problem("admit", "unexpected");
  auto keys = handshake_guest_finish(handshake_, m.payload);
  if (!keys) return out_.problem("admit", handshake_error_name(keys.error()));
  const auto nonce = seeds_.draw<kSafetyNonceBytes>();
  call_.emplace(std::move(keys.value()), nonce.span());
  phase_ = VisitPhase::admitted;
  call_->start(out_);  // the provider offers; we wait for its offer
  call_opened();
}

void GuestVisit::on_deny(const SignalingMessage& m) {
  if (phase_ != VisitPhase::waiting_room) return out_.problem("deny", "unexpected");
  if (auto ok = handshake_guest_check_deny(handshake_, m.payload); !ok)
    return out_.problem("deny", handshake_error_name(ok.error()));
  finish(VisitPhase::denied, EndReason::denied);
}

void GuestVisit::on_note(const SignalingMessage& m, VisitTime now) {
  if (phase_ != VisitPhase::waiting_room) return out_.problem("note", "unexpected");
  auto note = handshake_guest_open_note(handshake_, m.payload);
  if (!note) return out_.problem("note", handshake_error_name(note.error()));
  notes_.push_back({std::move(note.value()), now});
}

void GuestVisit::on_relay(const SignalingMessage& m) {
  if (!call_) return out_.problem("envelope", "not_admitted");
  call_->on_envelope(m.payload, out_);
}

// ---------------------------------------------------------------------------
// the user

void GuestVisit::leave(VisitTime) {
  if (over()) return;
  if (connection_.online()) {
    SignalingMessage end;
    end.type = SignalingType::end;
    end.visit = handshake_.visit_id;
    end.session = handshake_.session.id;
    out_.send(signaling_serialize(end));
    connection_.finish(out_);  // the gateway closes with 4011
  }
  finish(VisitPhase::ended, EndReason::self_ended);
}

void GuestVisit::finish(VisitPhase phase, EndReason reason) {
  phase_ = phase;
  end_reason_ = reason;
  close_call();
  connection_.shutdown(out_);
}

}  // namespace tessera::client
