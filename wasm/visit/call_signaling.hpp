#pragma once
// The sealed conversation between two admitted sessions (provider and one
// guest) once the handshake has made their SessionKeys: SDP offer and
// answer, ICE candidates, the safety code's commit and reveal, the
// provider's display name and control words, each in a sealed envelope
// (shared/envelope.hpp) relayed by the gateway. Used by both GuestVisit and
// ProviderVisit; the provider is always the offerer (it also restarts ICE),
// the guest answers.
//
// Envelope bodies (PROTOCOL.md §7 leaves them to the application):
//   sdp_offer, sdp_answer  the SDP text (UTF-8)
//   ice_candidate          JSON {"candidate": s, "sdpMid": s, "sdpMLineIndex": n}
//   safety_commit/reveal   shared/safety_code.hpp messages
//   display_name           the provider's name (UTF-8, 1-64 bytes)
//   control                "ice-restart": the guest's ICE failed, please restart it;
//                          or a media state (wasm/visit/media_state.hpp): mute / camera off
//
// The safety code (PROTOCOL.md §8) starts once our own DTLS fingerprint is
// known (from our local SDP): commit; reveal after the peer's commit; the
// peer's reveal is checked against the fingerprint in the peer's SDP, which
// is the one DTLS will enforce. A later SDP may not change the peer's
// fingerprint (fingerprint_changed): the code was shown for the first one.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "shared/envelope.hpp"
#include "shared/handshake.hpp"
#include "shared/safety_code.hpp"
#include "wasm/visit/media_state.hpp"
#include "wasm/visit/visit_outbox.hpp"

namespace tessera::client {

inline constexpr std::string_view kControlIceRestart = "ice-restart";

// The DTLS fingerprint of an SDP: its a=fingerprint lines, which must all
// agree (browsers use one certificate per connection). Nullopt if none, or
// if they differ or do not parse.
[[nodiscard]] std::optional<DtlsFingerprint> sdp_dtls_fingerprint(std::string_view sdp);

class CallSignaling {
 public:
  CallSignaling(SessionKeys keys, std::span<const std::uint8_t, kSafetyNonceBytes> safety_nonce);

  [[nodiscard]] const SessionId& peer() const { return keys_.peer_session; }
  [[nodiscard]] bool offerer() const { return keys_.role == Role::provider; }
  // The call's keys: the chat (wasm/visit/visit_chat.hpp) derives its own from them.
  [[nodiscard]] const SessionKeys& keys() const { return keys_; }

  // The offerer's first step: ask the browser for an offer.
  void start(VisitOutbox& out);
  // Our browser made its offer or answer: seal and send it; our fingerprint starts the safety code.
  void on_local_description(std::string_view sdp, VisitOutbox& out);
  void on_local_candidate(const IceCandidate& candidate, VisitOutbox& out);
  // failed: the offerer restarts ICE, the answerer asks it to.
  void on_ice_state(IceConnectionState state, VisitOutbox& out);
  // A relayed envelope addressed to us; anything refused is reported, not acted on.
  void on_envelope(ByteSpan envelope, VisitOutbox& out);
  // Provider: its display name for the guest's screen.
  void send_display_name(std::string_view name, VisitOutbox& out);
  // Our microphone or camera went on or off: tell the peer's screen.
  void send_media_state(MediaState state, VisitOutbox& out);

  [[nodiscard]] bool media_connected() const { return media_connected_; }
  [[nodiscard]] bool ice_restarting() const { return ice_restarting_; }
  [[nodiscard]] const std::optional<SafetyCode>& safety_code() const { return code_; }
  [[nodiscard]] std::string_view peer_name() const { return peer_name_.view(); }
  // What the peer last said of its microphone and camera (both on until it says).
  [[nodiscard]] MediaState peer_media() const { return peer_media_; }

 private:
  void seal(MessageType type, ByteSpan body, VisitOutbox& out);
  void on_remote_description(const SecretBuffer& sdp, VisitOutbox& out);
  void on_remote_candidate(const SecretBuffer& body, VisitOutbox& out);
  void on_control(const SecretBuffer& body, std::uint64_t seq, VisitOutbox& out);
  void restart_ice(VisitOutbox& out);
  // Moves the commit/reveal exchange as far as what we hold allows.
  void safety_step(VisitOutbox& out);

  SessionKeys keys_;
  EnvelopeSender sender_;
  EnvelopeReceiver receiver_;
  Secret<kSafetyNonceBytes> nonce_;
  std::optional<DtlsFingerprint> own_fingerprint_, peer_fingerprint_;
  std::optional<SafetyExchange> safety_;
  std::optional<std::vector<std::uint8_t>> pending_commit_, pending_reveal_;
  bool reveal_sent_ = false;
  bool reveal_checked_ = false;
  std::optional<SafetyCode> code_;
  bool media_connected_ = false;
  bool ice_restarting_ = false;
  DisplayName peer_name_;
  MediaState peer_media_;
  std::optional<std::uint64_t> peer_media_seq_;  // a media state older than the one shown is ignored
};

}  // namespace tessera::client
