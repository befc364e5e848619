#pragma once
// What the SignalingHub may do to one signaling connection, whatever carries
// it (ws:// on loopback or wss:// under TLS): send it a text message, close
// it after what is queued, or sweep it for silence (keep_alive.hpp). All are
// thread-safe.
#include <cstdint>
#include <string>

namespace tessera::gateway {

class SignalingPeer {
 public:
  virtual ~SignalingPeer() = default;
  virtual void send(std::string text) = 0;
  virtual void close(std::uint16_t code, std::string reason) = 0;
  // The hub's keep-alive sweep, every idle_timeout / 4: ping or drop if silent.
  virtual void sweep_idle() = 0;

 protected:
  SignalingPeer() = default;
  SignalingPeer(const SignalingPeer&) = default;
  SignalingPeer& operator=(const SignalingPeer&) = default;
};

}  // namespace tessera::gateway
