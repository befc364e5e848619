#pragma once
// A live share's content on its call (issue 13; docs/PROTOCOL.md §13.4). The
// provider's tab makes the "tessera-share" channel before its first offer
// (so the SDP carries the data section) and, once it opens, sends the
// share's sealed bytes as shared/share_delivery.hpp's frames, held while the
// channel's bufferedAmount is at the high water. The opener's page adopts
// the channel and puts the bytes back together; share_opener opens them.
// Like VisitDriver, everything here runs from callbacks. Only sealed bytes
// (share_seal's output) reach tessera_channel_send.
#include <functional>
#include <optional>
#include <span>
#include <string_view>

#include "shared/share_delivery.hpp"
#include "wasm/data_channel.hpp"

namespace tessera::client {

inline constexpr const char* kShareChannelLabel = "tessera-share";

class ShareChannel final : DataChannelEvents {
 public:
  // The provider's side: a new channel on `peer` that sends `sealed` (which
  // must outlive this) once open.
  ShareChannel(int peer, std::span<const std::uint8_t> sealed, std::function<void()> on_change);
  // The opener's side: waits for the provider's channel (adopt).
  explicit ShareChannel(std::function<void()> on_change);
  ShareChannel(const ShareChannel&) = delete;
  ShareChannel& operator=(const ShareChannel&) = delete;

  // The other side opened a data channel: the share's is taken, any other closed.
  void adopt(int channel, std::string_view label);
  // The opener's side: the whole sealed content, once it arrived.
  [[nodiscard]] std::optional<std::span<const std::uint8_t>> received() const;
  // The opener's side: what arrived is not a share's content (the channel is closed).
  [[nodiscard]] bool failed() const { return failed_; }

 private:
  void on_channel_open(BrowserDataChannel& channel) override;
  void on_channel_message(BrowserDataChannel& channel, std::span<const std::uint8_t> bytes) override;
  void on_channel_closed(BrowserDataChannel& channel) override;
  void on_channel_drained(BrowserDataChannel& channel) override;
  void send();

  std::function<void()> on_change_;
  std::optional<ShareSender> sender_;  // the provider's side
  ShareReceiver receiver_;             // the opener's side
  bool failed_ = false;
  BrowserDataChannel channel_{*this, kShareLowWaterBytes};  // declared last: closed first
};

}  // namespace tessera::client
