#pragma once
// Runs one visit state machine (GuestVisit or ProviderVisit) in the browser,
// as docs/ARCHITECTURE.md's driving contract says: after every event it
// sends the outbox's signaling text on the socket, runs the WebRTC commands,
// then the socket commands, logs problems (static names only), and arms a
// timer for poll_timeout(). Everything here runs from socket, WebRTC and
// timer callbacks, never from animation frames, which hidden tabs stop.
// on_change runs after every event so the page can redraw and announce.
//
// A visit's call carries camera, microphone, chat and files. A live share's
// call (issue 13) carries only the share's channel (ShareChannel): no camera
// or microphone is asked for or sent, no video shown, no chat attached.
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "wasm/browser_peer.hpp"
#include "wasm/browser_socket.hpp"
#include "wasm/share_channel.hpp"
#include "wasm/visit_chat_driver.hpp"
#include "wasm/visit/guest_visit.hpp"
#include "wasm/visit/provider_visit.hpp"

namespace tessera::client {

inline constexpr double kStatsIntervalMs = 2000;

enum class CallKind { visit, share };

template <class Visit>
class VisitDriver final : SocketEvents, PeerEvents {
 public:
  // Call pump() once the driver is where on_change can find it: that opens the socket.
  // A visit's call; received: where its received files go (in memory only on a kiosk).
  VisitDriver(Visit visit, std::function<void()> on_change, ReceivedFiles received = ReceivedFiles::download);
  // A live share's call (kind share): share_sealed is what the provider sends
  // each opener it admits (share_seal's output); the opener gives none and receives it.
  VisitDriver(Visit visit, std::function<void()> on_change, CallKind kind, std::vector<std::uint8_t> share_sealed);
  VisitDriver(const VisitDriver&) = delete;
  VisitDriver& operator=(const VisitDriver&) = delete;
  ~VisitDriver();

  [[nodiscard]] Visit& visit() { return visit_; }
  [[nodiscard]] const Visit& visit() const { return visit_; }
  [[nodiscard]] IceConnectionState ice_state() const { return peer_.ice_state(); }
  // The connection indicator, sampled every kStatsIntervalMs while media flows.
  [[nodiscard]] const ConnectionQuality& quality() const { return quality_; }
  // The call's chat and files, while a call's connection exists.
  [[nodiscard]] VisitChatDriver* chat() { return chat_.get(); }
  // The chat messages not seen yet (none without a call).
  [[nodiscard]] std::size_t unread() const { return chat_ ? chat_->chat().unread() : 0; }
  // A share's content on the call, while a share's call's connection exists.
  [[nodiscard]] ShareChannel* share() { return share_.get(); }
  // After an action on visit() (admit, leave, ...): do what it asks.
  void pump();

 private:
  void on_socket_open() override;
  void on_socket_text(std::string_view text) override;
  void on_socket_closed(std::uint16_t code) override;
  void on_local_description(std::string_view sdp) override;
  void on_local_candidate(const IceCandidate& candidate) override;
  void on_ice_state(IceConnectionState state) override;
  void on_transport_sample(const TransportSample& sample) override;
  void on_peer_created(int peer) override;
  void on_data_channel(int channel, std::string_view label) override;
  void on_peer_closed() override;
  void arm_timer();
  static void on_timer(void* user);
  static void on_stats_timer(void* user);

  Visit visit_;
  std::function<void()> on_change_;
  ReceivedFiles received_ = ReceivedFiles::download;
  CallKind kind_ = CallKind::visit;
  std::vector<std::uint8_t> share_sealed_;
  BrowserSocket socket_{*this};
  BrowserPeer peer_{*this, kind_ == CallKind::visit};
  long timer_ = 0;
  ConnectionQuality quality_;
  long stats_timer_ = 0;
  std::unique_ptr<VisitChatDriver> chat_;  // declared last: its channels close before the connection
  std::unique_ptr<ShareChannel> share_;     // likewise
};

extern template class VisitDriver<GuestVisit>;
extern template class VisitDriver<ProviderVisit>;

}  // namespace tessera::client
