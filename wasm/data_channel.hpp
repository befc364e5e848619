#pragma once
// One RTCDataChannel (W3C: binary messages, reliable, ordered) as a handle
// into web/bridge.js, reporting to a handler. It carries only bytes the
// module sealed. Made by this side (create) or by the other side
// (adopt, from PeerEvents::on_data_channel); closed by close() or the
// browser, after which it reports nothing.
#include <cstdint>
#include <span>

namespace tessera::client {

class BrowserDataChannel;

class DataChannelEvents {
 public:
  virtual void on_channel_open(BrowserDataChannel& channel) = 0;
  virtual void on_channel_message(BrowserDataChannel& channel, std::span<const std::uint8_t> bytes) = 0;
  virtual void on_channel_closed(BrowserDataChannel& channel) = 0;
  // bufferedAmount fell to the low-water mark given at creation.
  virtual void on_channel_drained(BrowserDataChannel& channel) = 0;

 protected:
  ~DataChannelEvents() = default;
};

class BrowserDataChannel {
 public:
  BrowserDataChannel(DataChannelEvents& events, std::size_t low_water) : events_(events), low_water_(low_water) {}
  BrowserDataChannel(const BrowserDataChannel&) = delete;
  BrowserDataChannel& operator=(const BrowserDataChannel&) = delete;
  ~BrowserDataChannel() { close(); }

  // A new channel on the peer connection `peer`; false if the browser refused.
  [[nodiscard]] bool create(int peer, const char* label);
  // A channel the other side opened (its handle from the bridge).
  void adopt(int channel);
  // False if the channel is not open (the bytes are not sent).
  [[nodiscard]] bool send(std::span<const std::uint8_t> bytes);
  [[nodiscard]] std::size_t buffered() const;
  void close();
  [[nodiscard]] bool exists() const { return handle_ != 0; }
  [[nodiscard]] bool open() const { return open_; }

 private:
  void listen();
  static void opened(void* user);
  static void message(void* user, const std::uint8_t* bytes, int size);
  static void closed(void* user);
  static void drained(void* user);

  DataChannelEvents& events_;
  std::size_t low_water_;
  int handle_ = 0;
  bool open_ = false;
};

}  // namespace tessera::client
