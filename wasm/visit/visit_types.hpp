#pragma once
// The vocabulary between the visit state machines (GuestVisit, ProviderVisit)
// and whoever drives them: the time, what to tell the browser's WebRTC layer
// and WebSocket, what the screen shows, and problems worth reporting. Plain
// data; the bridge (wasm/, web/) turns commands into browser calls and
// browser callbacks into handle_* events.
#include <chrono>
#include <cstdint>
#include <string>

#include "shared/signaling.hpp"

namespace tessera::client {

// The caller's clock, only ever passed in: tests use a virtual one.
using VisitTime = std::chrono::steady_clock::time_point;
using VisitDuration = std::chrono::steady_clock::duration;

// The gateway's signaling WebSocket lives at wss://HOST/signal.
inline constexpr const char* kSignalingPath = "/signal";

// Where a visit stands, for the screen. Guests pass connecting ->
// waiting_room -> admitted -> in_call -> ended (or denied); a provider's
// waiting_room means "visit open, nobody in the call".
enum class VisitPhase { connecting, waiting_room, admitted, in_call, denied, ended };

// Why a visit is over (phase ended or denied).
enum class EndReason {
  none,
  provider_ended,   // the provider ended the visit, left, or restarted (guest view)
  self_ended,       // this side pressed "end" / "leave"
  denied,           // the provider did not admit this guest (verified signature)
  replaced,         // this session continues in another tab, or a newer provider page took over
  connection_lost,  // the place in the visit could not be resumed in time
  no_visit,         // the gateway has no open visit for this link (not started yet, or over)
  visit_full,       // the waiting room is full
  refused,          // the gateway refused us (a bug on one side: not_allowed, bad_message)
};

// RTCIceConnectionState, with the spec's state names ("new" is a keyword).
enum class IceConnectionState { new_state, checking, connected, completed, disconnected, failed, closed };

// An RTCIceCandidateInit. An empty candidate means "no more candidates".
struct IceCandidate {
  std::string candidate;
  std::string sdp_mid;
  int sdp_mline_index = 0;
};

// One thing for the RTCPeerConnection to do, in order.
struct WebRtcCommand {
  enum class Kind {
    set_ice_servers,         // turn: use these TURN/STUN servers (the newest grant wins)
    create_offer,            // then report handle_local_description(offer)
    create_answer,           // then report handle_local_description(answer)
    set_remote_description,  // sdp_type "offer" or "answer", text = SDP
    add_ice_candidate,       // candidate (after the remote description is set)
    restart_ice,             // restartIce() + createOffer(): report the new offer
    close,                   // the call is over: close the connection, release media
  };
  Kind kind = Kind::close;
  std::string sdp_type;  // set_remote_description
  std::string sdp;       // set_remote_description
  IceCandidate candidate;
  TurnGrant ice_servers;
};

// What to do with the signaling WebSocket.
struct SocketCommand {
  enum class Kind { open, close };
  Kind kind = Kind::open;
  std::string url;  // open: wss://HOST/signal
};

// A message that was refused, for a status line and the developer console.
// Both fields are static strings naming a protocol step and an error
// (e.g. "envelope" / "forged"): never content, never a name or secret.
struct VisitProblem {
  const char* what = "";
  const char* error = "";
};

[[nodiscard]] const char* visit_phase_name(VisitPhase p);
[[nodiscard]] const char* end_reason_name(EndReason r);

}  // namespace tessera::client
