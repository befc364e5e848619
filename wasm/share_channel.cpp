#include "wasm/share_channel.hpp"

#include "wasm/bridge.hpp"

namespace tessera::client {

ShareChannel::ShareChannel(int peer, std::span<const std::uint8_t> sealed, std::function<void()> on_change)
    : on_change_(std::move(on_change)), sender_(std::in_place, sealed) {
  // A channel the browser refused leaves the opener waiting until it leaves;
  // the next opener's call makes a new one.
  if (!channel_.create(peer, kShareChannelLabel)) tessera_page_warn("share", "channel_refused");
}

ShareChannel::ShareChannel(std::function<void()> on_change) : on_change_(std::move(on_change)) {}

void ShareChannel::adopt(int channel, std::string_view label) {
  if (sender_ || label != kShareChannelLabel || channel_.exists()) return tessera_channel_close(channel);
  channel_.adopt(channel);
}

std::optional<std::span<const std::uint8_t>> ShareChannel::received() const {
  if (!receiver_.complete()) return std::nullopt;
  return receiver_.sealed();
}

void ShareChannel::send() {
  if (!sender_) return;
  while (auto frame = sender_->poll_frame(channel_.buffered()))
    if (!channel_.send(*frame)) return;  // closing: this opener's call is over
}

void ShareChannel::on_channel_open(BrowserDataChannel&) { send(); }

void ShareChannel::on_channel_drained(BrowserDataChannel&) { send(); }

void ShareChannel::on_channel_message(BrowserDataChannel&, std::span<const std::uint8_t> bytes) {
  if (sender_ || failed_) return;  // the provider's channel carries nothing back
  if (auto taken = receiver_.handle_frame(bytes); !taken) {
    tessera_page_warn("share", share_delivery_error_name(taken.error()));
    failed_ = true;
    channel_.close();
  }
  if (failed_ || receiver_.complete()) on_change_();
}

void ShareChannel::on_channel_closed(BrowserDataChannel&) {
  // The opener's side: closed before the whole content came.
  if (sender_ || receiver_.complete() || failed_) return;
  failed_ = true;
  on_change_();
}

}  // namespace tessera::client
