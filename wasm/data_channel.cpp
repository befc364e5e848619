#include "wasm/data_channel.hpp"

#include "wasm/bridge.hpp"

namespace tessera::client {

bool BrowserDataChannel::create(int peer, const char* label) {
  close();
  handle_ = tessera_channel_create(peer, label);
  if (handle_) listen();
  return handle_ != 0;
}

void BrowserDataChannel::adopt(int channel) {
  close();
  handle_ = channel;
  listen();
}

void BrowserDataChannel::listen() {
  tessera_channel_listen(handle_, static_cast<int>(low_water_), this, opened, message, closed, drained);
}

bool BrowserDataChannel::send(std::span<const std::uint8_t> bytes) {
  return open_ && tessera_channel_send(handle_, bytes.data(), static_cast<int>(bytes.size())) == 1;
}

std::size_t BrowserDataChannel::buffered() const {
  return handle_ ? static_cast<std::size_t>(tessera_channel_buffered(handle_)) : 0;
}

void BrowserDataChannel::close() {
  if (handle_) tessera_channel_close(handle_);
  handle_ = 0;
  open_ = false;
}

void BrowserDataChannel::opened(void* user) {
  auto* self = static_cast<BrowserDataChannel*>(user);
  self->open_ = true;
  self->events_.on_channel_open(*self);
}

void BrowserDataChannel::message(void* user, const std::uint8_t* bytes, int size) {
  auto* self = static_cast<BrowserDataChannel*>(user);
  self->events_.on_channel_message(*self, {bytes, static_cast<std::size_t>(size)});
}

void BrowserDataChannel::closed(void* user) {
  auto* self = static_cast<BrowserDataChannel*>(user);
  self->handle_ = 0;
  self->open_ = false;
  self->events_.on_channel_closed(*self);
}

void BrowserDataChannel::drained(void* user) {
  auto* self = static_cast<BrowserDataChannel*>(user);
  self->events_.on_channel_drained(*self);
}

}  // namespace tessera::client
