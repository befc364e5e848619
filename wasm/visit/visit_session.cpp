#include "wasm/visit/visit_session.hpp"

namespace tessera::client {

VisitPhase VisitSession::phase() const {
  if (phase_ == VisitPhase::admitted && call_ && call_->media_connected()) return VisitPhase::in_call;
  return phase_;
}

const SafetyCode* VisitSession::safety_code() const {
  return call_ && call_->safety_code() ? &*call_->safety_code() : nullptr;
}

void VisitSession::handle_local_description(std::string_view sdp, VisitTime) {
  if (call_) call_->on_local_description(sdp, out_);
}

void VisitSession::handle_local_candidate(const IceCandidate& candidate, VisitTime) {
  if (call_) call_->on_local_candidate(candidate, out_);
}

void VisitSession::handle_ice_state(IceConnectionState state, VisitTime) {
  if (!call_) return;
  if (without_gateway_ && state == IceConnectionState::failed) {
    // No gateway to carry an ICE restart: the call is over.
    phase_ = VisitPhase::ended;
    end_reason_ = EndReason::connection_lost;
    return close_call();
  }
  call_->on_ice_state(state, out_);
}

void VisitSession::handle_timeout(VisitTime now) { connection_.on_timeout(now, out_); }

void VisitSession::set_local_media(MediaState state, VisitTime) {
  if (state == local_media_) return;
  local_media_ = state;
  if (call_) call_->send_media_state(state, out_);
}

void VisitSession::call_opened() {
  if (call_ && local_media_ != MediaState{}) call_->send_media_state(local_media_, out_);
}

bool VisitSession::on_session_message(const SignalingMessage& m, const SessionId& self) {
  switch (m.type) {
    case SignalingType::resumed:
      if (m.session == self) connection_.on_resumed(out_);
      return true;
    case SignalingType::turn: {
      WebRtcCommand c{WebRtcCommand::Kind::set_ice_servers, {}, {}, {}, m.turn};
      out_.webrtc(std::move(c));
      return true;
    }
    case SignalingType::error:
      out_.problem("gateway", signaling_error_code_name(m.code));
      return true;
    default:
      return false;
  }
}

bool VisitSession::keep_call_without_gateway(std::uint16_t code) {
  const bool forgotten = code == 4004 || code == 4007;  // no room, or no such session: a restarted gateway
  if (!forgotten || !call_ || !call_->media_connected()) return false;
  without_gateway_ = true;
  return true;
}

void VisitSession::close_call() {
  if (call_) out_.webrtc({WebRtcCommand::Kind::close, {}, {}, {}, {}});
  call_.reset();
}

}  // namespace tessera::client
