#pragma once
// Everything a visit wants done, queued in order until its driver polls it
// (webrtc-rs style poll_write): signaling text for the gateway, commands for
// the WebRTC layer and the WebSocket, and problems to report.
//
// Signaling text written while the session is not online (socket down, or
// not yet resumed) is held and released, in order, once it is: nothing may
// reach a new connection before its `resume`.
#include <cstddef>
#include <deque>
#include <optional>
#include <string>

#include "wasm/visit/visit_types.hpp"

namespace tessera::client {

// Signaling messages kept while offline; more means the session is lost anyway.
inline constexpr std::size_t kMaxHeldSignaling = 256;

class VisitOutbox {
 public:
  // Sends when online, else holds.
  void send(std::string text) {
    if (online_) {
      signaling_.push_back(std::move(text));
    } else if (held_.size() < kMaxHeldSignaling) {
      held_.push_back(std::move(text));
    } else {
      problem("signaling", "held_overflow");
    }
  }
  // Bypasses the hold: hello, join and resume open a connection.
  void send_now(std::string text) { signaling_.push_back(std::move(text)); }
  void set_online(bool online) {
    online_ = online;
    if (!online_) return;
    while (!held_.empty()) {
      signaling_.push_back(std::move(held_.front()));
      held_.pop_front();
    }
  }
  void drop_held() { held_.clear(); }
  void webrtc(WebRtcCommand c) { webrtc_.push_back(std::move(c)); }
  void socket(SocketCommand c) { socket_.push_back(std::move(c)); }
  void problem(const char* what, const char* error) { problems_.push_back({what, error}); }

  [[nodiscard]] std::optional<std::string> poll_signaling() { return pop(signaling_); }
  [[nodiscard]] std::optional<WebRtcCommand> poll_webrtc() { return pop(webrtc_); }
  [[nodiscard]] std::optional<SocketCommand> poll_socket() { return pop(socket_); }
  [[nodiscard]] std::optional<VisitProblem> poll_problem() { return pop(problems_); }

 private:
  template <class T>
  static std::optional<T> pop(std::deque<T>& q) {
    if (q.empty()) return std::nullopt;
    T v = std::move(q.front());
    q.pop_front();
    return v;
  }
  bool online_ = false;
  std::deque<std::string> signaling_, held_;
  std::deque<WebRtcCommand> webrtc_;
  std::deque<SocketCommand> socket_;
  std::deque<VisitProblem> problems_;
};

}  // namespace tessera::client
