#pragma once
// A patient's visit, from the link to the end screen, as a state machine in
// the style of webrtc-rs/rtc: no I/O, no clock, no globals. The bridge feeds
// it events (handle_*: socket opened or closed, signaling text, what the
// browser's WebRTC layer produced, the time, the user's "leave") and polls
// outbox() for what to do (signaling text to send, WebRTC and socket
// commands, problems to report) and poll_timeout() for when to wake it.
//
//   link ─parse─> connecting ─socket open─> hello + join ─> waiting_room
//   waiting_room ─note─> waiting_room (notes shown)
//   waiting_room ─admit (signed, bound to our hello)─> admitted ─ICE up─> in_call
//   waiting_room ─deny (signed)─> denied
//   admitted/in_call: the provider offers, we answer; the safety code shows
//   once both DTLS fingerprints are known (CallSignaling)
//   any ─end from the gateway─> ended(provider_ended) ; leave() ─> ended(self_ended)
//
// The display name is sealed to the provider's visit key inside the hello;
// it is not kept here and never appears in anything sent.
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "shared/handshake.hpp"
#include "shared/result.hpp"
#include "shared/visit_link.hpp"
#include "wasm/visit/visit_session.hpp"

namespace tessera::client {

// Why a visit could not start, before anything touched the network.
struct GuestStartError {
  enum class Kind { bad_link, bad_name };
  Kind kind = Kind::bad_link;
  LinkError link = LinkError::bad_fragment;  // bad_link: which part of the link
};
// One sentence for the screen that says what to do next.
[[nodiscard]] const char* guest_start_error_text(const GuestStartError& e);

struct GuestNote {
  NoteText text;
  VisitTime received{};
};

class GuestVisit : public VisitSession {
 public:
  // seed: 32 fresh random bytes; every random value of this page load comes from it.
  [[nodiscard]] static Result<GuestVisit, GuestStartError> start(std::string_view link_text,
                                                                 std::string_view display_name,
                                                                 std::span<const std::uint8_t, kSeedBytes> seed);

  // ---- events (the WebRTC ones are VisitSession's)
  void handle_socket_open(VisitTime now);
  void handle_socket_closed(std::uint16_t code, VisitTime now);
  void handle_signaling(std::string_view text, VisitTime now);
  void leave(VisitTime now);

  // ---- what the screen shows (and VisitSession's)
  [[nodiscard]] VisitTime waiting_since() const { return waiting_since_; }
  [[nodiscard]] const std::vector<GuestNote>& notes() const { return notes_; }
  [[nodiscard]] std::string_view provider_name() const { return call_ ? call_->peer_name() : std::string_view{}; }
  [[nodiscard]] const SessionId& session() const { return handshake_.session.id; }
  [[nodiscard]] const VisitId& visit() const { return handshake_.visit_id; }

 private:
  GuestVisit(GuestHandshake handshake, GatewayConnection connection, SeedStream seeds);
  void on_admit(const SignalingMessage& m);
  void on_deny(const SignalingMessage& m);
  void on_note(const SignalingMessage& m, VisitTime now);
  void on_relay(const SignalingMessage& m);
  // The visit is over: media closed, keys dropped.
  void finish(VisitPhase phase, EndReason reason);

  GuestHandshake handshake_;
  SeedStream seeds_;
  VisitTime waiting_since_{};
  std::vector<GuestNote> notes_;
};

}  // namespace tessera::client
