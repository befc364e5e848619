#include "wasm/browser_socket.hpp"

#include "wasm/bridge.hpp"

namespace tessera::client {

void BrowserSocket::open(const std::string& url) {
  close();
  handle_ = tessera_socket_open(url.c_str(), this, opened, received, closed);
}

void BrowserSocket::send(const std::string& text) {
  if (handle_) tessera_socket_send(handle_, text.c_str());
}

void BrowserSocket::close() {
  if (handle_) tessera_socket_close(handle_);
  handle_ = 0;
}

void BrowserSocket::opened(void* user) { static_cast<BrowserSocket*>(user)->events_.on_socket_open(); }

void BrowserSocket::received(void* user, const char* text) {
  static_cast<BrowserSocket*>(user)->events_.on_socket_text(text);
}

void BrowserSocket::closed(void* user, int code) {
  auto* self = static_cast<BrowserSocket*>(user);
  self->handle_ = 0;  // the bridge already forgot it
  self->events_.on_socket_closed(static_cast<std::uint16_t>(code));
}

}  // namespace tessera::client
