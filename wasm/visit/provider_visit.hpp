#pragma once
// A provider's visit, from "visit created" to "visit ended", as a state
// machine in the style of webrtc-rs/rtc (see GuestVisit for the shape of
// events and polls). The visit keys are made by the provider's browser when
// the visit is created (shared/handshake.hpp provider_visit_from_seed) and
// given in; a reloaded page gives the same keys back with a fresh seed, so a
// new session takes the visit over (PROTOCOL.md §11.4) and sees the waiting
// room again.
//
//   hello(provider) ─> waiting_room: each `waiting` opens a sealed GuestHello
//   (MAC, sealed name) into the waiting list the screen shows
//   admit(guest) ─> ProviderAccept sent, keys made, create_offer ─> admitted
//   ─ICE up─> in_call ; the safety code shows once both fingerprints are known
//   deny(guest), send_note(guest, text) ; the guest leaves ─> waiting_room
//   end_visit() ─> ended
//
// Guests' names stay in the waiting list (wiped buffers) and are never part
// of anything sent.
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "shared/handshake.hpp"
#include "shared/result.hpp"
#include "wasm/visit/visit_session.hpp"

namespace tessera::client {

// A visit's keys as the provider's browser made them (visit id, link secret, Ed25519 pair).
using VisitKeys = ::tessera::ProviderVisit;

struct WaitingEntry {
  WaitingGuest guest;  // session, kx key, name (for the screen only), TH1
  VisitTime arrived{};
  std::uint32_t notes_sent = 0;
};

enum class ProviderActionError {
  no_such_guest,    // not (or no longer) in the waiting room
  already_in_call,  // one guest at a time: end the call with the other first
  bad_note,         // 1-280 bytes of printable text
  not_open,         // the visit is over
};
[[nodiscard]] const char* provider_action_error_name(ProviderActionError e);

class ProviderVisit : public VisitSession {
 public:
  // signaling_url: wss://HOST/signal of the gateway this page came from.
  // own_name: shown to admitted guests (sealed); may be empty.
  ProviderVisit(VisitKeys keys, std::string signaling_url, std::string_view own_name,
                std::span<const std::uint8_t, kSeedBytes> seed);

  // ---- events (the WebRTC ones are VisitSession's)
  void handle_socket_open(VisitTime now);
  void handle_socket_closed(std::uint16_t code, VisitTime now);
  void handle_signaling(std::string_view text, VisitTime now);

  // ---- the provider's actions
  [[nodiscard]] Status<ProviderActionError> admit(const SessionId& guest, VisitTime now);
  [[nodiscard]] Status<ProviderActionError> deny(const SessionId& guest, VisitTime now);
  [[nodiscard]] Status<ProviderActionError> send_note(const SessionId& guest, std::string_view text, VisitTime now);
  void end_visit(VisitTime now);

  // ---- what the screen shows (and VisitSession's)
  [[nodiscard]] const std::vector<WaitingEntry>& waiting() const { return waiting_; }
  // The admitted guest has left (cleared by the next admit).
  [[nodiscard]] bool guest_left() const { return guest_left_; }
  [[nodiscard]] std::optional<SessionId> in_call_with() const;
  [[nodiscard]] const SessionId& session() const { return session_.id; }
  [[nodiscard]] const VisitId& visit() const { return keys_.visit_id; }

 private:
  void on_waiting(const SignalingMessage& m, VisitTime now);
  void on_guest_gone(const SessionId& guest);
  void on_relay(const SignalingMessage& m);
  [[nodiscard]] std::vector<WaitingEntry>::iterator find_waiting(const SessionId& guest);
  [[nodiscard]] std::string message(SignalingType type, const SessionId& session, ByteSpan payload) const;
  void finish(EndReason reason);

  VisitKeys keys_;
  SeedStream seeds_;
  Session session_;
  DisplayName own_name_;
  std::vector<WaitingEntry> waiting_;
  bool guest_left_ = false;
};

}  // namespace tessera::client
