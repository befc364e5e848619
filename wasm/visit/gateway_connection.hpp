#pragma once
// One visit session's link to the gateway's signaling WebSocket, across
// drops (PROTOCOL.md §11.1, §11.2): the first connection says `hello`; after a
// drop it waits (ReconnectBackoff), opens a new socket and says `resume`
// with the secret whose hash the last hello carried; on `resumed` it says
// `hello` again with a fresh secret, since each secret allows one resume.
// Messages written while it is not online are held in the outbox until then.
//
// The close codes that end a session for good (the visit ended, denied,
// replaced, expired, refused) are final; any other close (the network, a
// gateway restart's 1001, a rate limit) is retried.
#include <cstdint>
#include <optional>
#include <string>

#include "shared/protocol.hpp"
#include "shared/signaling.hpp"
#include "wasm/visit/reconnect_backoff.hpp"
#include "wasm/visit/seed_stream.hpp"
#include "wasm/visit/visit_outbox.hpp"

namespace tessera::client {

// True if a WebSocket close with this code ends the session (no reconnect).
[[nodiscard]] bool close_code_final(std::uint16_t code);

class GatewayConnection {
 public:
  GatewayConnection(std::string url, SignalingRole role, const VisitId& visit, const SessionId& session,
                    SeedStream seeds);

  // Asks for the first socket.
  void start(VisitOutbox& out);
  // The socket is open. True: the first connection (hello sent, online:
  // the caller may send join); false: resume sent, online after `resumed`.
  [[nodiscard]] bool on_open(VisitOutbox& out);
  // `resumed` arrived: hello again with a fresh secret, then online.
  void on_resumed(VisitOutbox& out);
  // The socket closed. True if it will reconnect (call on_timeout at wake()).
  [[nodiscard]] bool on_closed(std::uint16_t code, VisitTime now, VisitOutbox& out);
  void on_timeout(VisitTime now, VisitOutbox& out);
  // Done with the gateway: close the socket, never reconnect.
  void shutdown(VisitOutbox& out);
  // Done, and the gateway will close the socket itself (after our `end`).
  void finish(VisitOutbox& out);
  [[nodiscard]] bool online() const { return state_ == State::online; }

  [[nodiscard]] std::optional<VisitTime> wake() const;
  // Lost and not yet back: the screen says "reconnecting".
  [[nodiscard]] bool reconnecting() const { return bound_ && state_ != State::online && state_ != State::closed; }
  [[nodiscard]] std::uint32_t attempts() const { return backoff_.attempts(); }

 private:
  enum class State { idle, opening, resuming, online, waiting, closed };
  [[nodiscard]] std::string hello_text();

  std::string url_;
  SignalingRole role_;
  VisitId visit_;
  SessionId session_;
  SeedStream seeds_;
  ReconnectBackoff backoff_;
  Secret<kResumeSecretBytes> resume_secret_;
  State state_ = State::idle;
  bool bound_ = false;  // hello sent on some connection
  VisitTime retry_at_{};
};

}  // namespace tessera::client
