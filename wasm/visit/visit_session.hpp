#pragma once
// What both sides of a visit share (GuestVisit and ProviderVisit derive from
// it): the link to the gateway, the outbox the driver polls, the sealed call
// once a guest is admitted, and the events and views that are the same for
// a patient and a provider (the browser's WebRTC reports, the time, the
// safety code, "reconnecting").
//
// Without the gateway: the gateway keeps rooms and resume secrets in memory,
// so after it restarts a resume is refused (4004 no room, 4007 no such
// session). Media is peer to peer, so a call whose media flows goes on
// without signaling (without_gateway()); it cannot be restored if ICE fails
// (no way to send an ICE restart), and then it ends as connection_lost.
#include <cstdint>
#include <optional>
#include <string_view>

#include "wasm/visit/call_signaling.hpp"
#include "wasm/visit/gateway_connection.hpp"
#include "wasm/visit/visit_outbox.hpp"
#include "wasm/visit/visit_types.hpp"

namespace tessera::client {

class VisitSession {
 public:
  // ---- events from the browser's WebRTC layer and the clock
  void handle_local_description(std::string_view sdp, VisitTime now);
  void handle_local_candidate(const IceCandidate& candidate, VisitTime now);
  void handle_ice_state(IceConnectionState state, VisitTime now);
  void handle_timeout(VisitTime now);
  // This page's microphone or camera went on or off; the peer is told now,
  // or when a call starts if there is none yet.
  void set_local_media(MediaState state, VisitTime now);

  // ---- what to do
  [[nodiscard]] VisitOutbox& outbox() { return out_; }
  [[nodiscard]] std::optional<VisitTime> poll_timeout() const { return connection_.wake(); }

  // ---- what the screen shows
  [[nodiscard]] VisitPhase phase() const;
  [[nodiscard]] EndReason end_reason() const { return end_reason_; }
  [[nodiscard]] bool reconnecting() const { return connection_.reconnecting(); }
  // The gateway forgot this session (restarted) while the call's media flowed: the call goes on.
  [[nodiscard]] bool without_gateway() const { return without_gateway_; }
  [[nodiscard]] const SafetyCode* safety_code() const;
  [[nodiscard]] bool ice_restarting() const { return call_ && call_->ice_restarting(); }
  // The other side's microphone and camera, as it last said (both on when no call).
  [[nodiscard]] MediaState peer_media() const { return call_ ? call_->peer_media() : MediaState{}; }
  // The call's keys and whether this side offers, while there is a call (for its chat).
  [[nodiscard]] const SessionKeys* call_keys() const { return call_ ? &call_->keys() : nullptr; }
  [[nodiscard]] bool call_offerer() const { return call_ && call_->offerer(); }

 protected:
  explicit VisitSession(GatewayConnection connection) : connection_(std::move(connection)) {}
  // `resumed`, `turn` and `error` mean the same to both sides. True if m was one of them.
  [[nodiscard]] bool on_session_message(const SignalingMessage& m, const SessionId& self);
  // The call is over: the browser closes it, its keys go.
  void close_call();
  // The socket closed for good with `code`: true if the call goes on without the gateway.
  [[nodiscard]] bool keep_call_without_gateway(std::uint16_t code);
  // A call was just made (call_): the peer learns a state that is not the default.
  void call_opened();
  [[nodiscard]] bool over() const { return phase_ == VisitPhase::ended || phase_ == VisitPhase::denied; }

  GatewayConnection connection_;
  VisitOutbox out_;
  VisitPhase phase_ = VisitPhase::connecting;
  EndReason end_reason_ = EndReason::none;
  std::optional<CallSignaling> call_;
  bool without_gateway_ = false;
  MediaState local_media_;
};

}  // namespace tessera::client
