#pragma once
// The browser's RTCPeerConnection as the visit state machines command it:
// runs each WebRtcCommand (made on first use, closed by `close`) and reports
// what the browser produced to a handler. A thin handle into web/bridge.js;
// the local tracks are those LocalMedia started, the remote video shows in
// the remote <video> slot. A data-only peer (a live share's call) has no
// media at all: no tracks sent, none received, no <video> touched.
#include <string>
#include <string_view>

#include "wasm/connection_quality.hpp"
#include "wasm/visit/visit_types.hpp"

namespace tessera::client {

class PeerEvents {
 public:
  virtual void on_local_description(std::string_view sdp) = 0;
  virtual void on_local_candidate(const IceCandidate& candidate) = 0;
  virtual void on_ice_state(IceConnectionState state) = 0;
  virtual void on_transport_sample(const TransportSample& sample) = 0;
  // The RTCPeerConnection was just made (its bridge handle), before any
  // command runs on it: the chat makes its channel here.
  virtual void on_peer_created(int peer) = 0;
  // The other side opened a data channel.
  virtual void on_data_channel(int channel, std::string_view label) = 0;
  // The connection was closed (the call is over).
  virtual void on_peer_closed() = 0;

 protected:
  ~PeerEvents() = default;
};

// RTCConfiguration.iceServers JSON for a TURN grant ("[]" for none).
[[nodiscard]] std::string ice_servers_json(const TurnGrant& grant);

class BrowserPeer {
 public:
  // media: camera and microphone (a visit's call), or data channels only.
  BrowserPeer(PeerEvents& events, bool media) : events_(events), media_(media) {}
  BrowserPeer(const BrowserPeer&) = delete;
  BrowserPeer& operator=(const BrowserPeer&) = delete;
  ~BrowserPeer();  // closes without telling the handler, which is going too

  void run(const WebRtcCommand& command);
  void close();
  // Asks getStats() for one TransportSample (nothing without a connection).
  void request_stats();
  [[nodiscard]] bool open() const { return handle_ != 0; }
  // The last ICE connection state the browser reported (new without a peer).
  [[nodiscard]] IceConnectionState ice_state() const { return ice_state_; }

 private:
  int peer();  // the connection, made on first use
  static void described(void* user, const char* sdp);
  static void candidate(void* user, const char* candidate, const char* sdp_mid, int sdp_mline_index);
  static void state(void* user, int index);
  static void sampled(void* user, const char* json);
  static void channel(void* user, int channel, const char* label);

  PeerEvents& events_;
  bool media_;
  int handle_ = 0;
  std::string ice_servers_ = "[]";
  IceConnectionState ice_state_ = IceConnectionState::new_state;
};

}  // namespace tessera::client
