#pragma once
// The signaling WebSocket as C++ sees it: one socket at a time, text frames
// only, events to a handler. A thin handle into web/bridge.js; closing it (or
// destroying it) drops its callbacks, so no event reaches a handler that is gone.
#include <cstdint>
#include <string>
#include <string_view>

namespace tessera::client {

class SocketEvents {
 public:
  virtual void on_socket_open() = 0;
  virtual void on_socket_text(std::string_view text) = 0;
  // The socket is gone (the handle is already released): the close code.
  virtual void on_socket_closed(std::uint16_t code) = 0;

 protected:
  ~SocketEvents() = default;
};

class BrowserSocket {
 public:
  explicit BrowserSocket(SocketEvents& events) : events_(events) {}
  BrowserSocket(const BrowserSocket&) = delete;
  BrowserSocket& operator=(const BrowserSocket&) = delete;
  ~BrowserSocket() { close(); }

  // Opens url (closing any socket still held, without an event).
  void open(const std::string& url);
  // Sends on the open socket; dropped if it is not open (the visit holds
  // what it writes while offline, so nothing is lost that matters).
  void send(const std::string& text);
  // Closes without an event.
  void close();

 private:
  static void opened(void* user);
  static void received(void* user, const char* text);
  static void closed(void* user, int code);

  SocketEvents& events_;
  int handle_ = 0;
};

}  // namespace tessera::client
