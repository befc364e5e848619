#include "wasm/visit_driver.hpp"

#include <emscripten/eventloop.h>

#include <chrono>

#include "wasm/bridge.hpp"

namespace tessera::client {
namespace {
VisitTime now() { return std::chrono::steady_clock::now(); }
}  // namespace

template <class Visit>
VisitDriver<Visit>::VisitDriver(Visit visit, std::function<void()> on_change, ReceivedFiles received)
    : visit_(std::move(visit)), on_change_(std::move(on_change)), received_(received) {}

template <class Visit>
VisitDriver<Visit>::VisitDriver(Visit visit, std::function<void()> on_change, CallKind kind,
                                std::vector<std::uint8_t> share_sealed)
    : visit_(std::move(visit)), on_change_(std::move(on_change)), kind_(kind), share_sealed_(std::move(share_sealed)) {}

template <class Visit>
VisitDriver<Visit>::~VisitDriver() {
  if (timer_) emscripten_clear_timeout(timer_);
  if (stats_timer_) emscripten_clear_timeout(stats_timer_);
}

template <class Visit>
void VisitDriver<Visit>::pump() {
  VisitOutbox& out = visit_.outbox();
  for (bool moved = true; moved;) {
    moved = false;
    while (auto text = out.poll_signaling()) {
      moved = true;
      socket_.send(*text);
    }
    while (auto command = out.poll_webrtc()) {
      moved = true;
      peer_.run(*command);
    }
    while (auto command = out.poll_socket()) {
      moved = true;
      if (command->kind == SocketCommand::Kind::open) {
        socket_.open(command->url);
      } else {
        socket_.close();
      }
    }
    while (auto problem = out.poll_problem()) tessera_page_warn(problem->what, problem->error);
  }
  arm_timer();
  if (on_change_) on_change_();
}

template <class Visit>
void VisitDriver<Visit>::arm_timer() {
  if (timer_) emscripten_clear_timeout(timer_);
  timer_ = 0;
  const auto wake = visit_.poll_timeout();
  if (!wake) return;
  const auto ms = std::chrono::duration<double, std::milli>(*wake - now()).count();
  timer_ = emscripten_set_timeout(on_timer, ms > 0 ? ms : 0, this);
}

template <class Visit>
void VisitDriver<Visit>::on_timer(void* user) {
  auto* self = static_cast<VisitDriver*>(user);
  self->timer_ = 0;
  self->visit_.handle_timeout(now());
  self->pump();
}

template <class Visit>
void VisitDriver<Visit>::on_socket_open() {
  visit_.handle_socket_open(now());
  pump();
}

template <class Visit>
void VisitDriver<Visit>::on_socket_text(std::string_view text) {
  visit_.handle_signaling(text, now());
  pump();
}

template <class Visit>
void VisitDriver<Visit>::on_socket_closed(std::uint16_t code) {
  visit_.handle_socket_closed(code, now());
  pump();
}

template <class Visit>
void VisitDriver<Visit>::on_local_description(std::string_view sdp) {
  visit_.handle_local_description(sdp, now());
  pump();
}

template <class Visit>
void VisitDriver<Visit>::on_local_candidate(const IceCandidate& candidate) {
  visit_.handle_local_candidate(candidate, now());
  pump();
}

template <class Visit>
void VisitDriver<Visit>::on_ice_state(IceConnectionState state) {
  const bool flowing = state == IceConnectionState::connected || state == IceConnectionState::completed;
  // A share's call has no media to judge: no indicator.
  if (flowing && !stats_timer_ && kind_ == CallKind::visit)
    stats_timer_ = emscripten_set_timeout(on_stats_timer, kStatsIntervalMs, this);
  visit_.handle_ice_state(state, now());
  pump();
}

// Samples only while a connection exists: an idle page asks for nothing.
template <class Visit>
void VisitDriver<Visit>::on_stats_timer(void* user) {
  auto* self = static_cast<VisitDriver*>(user);
  self->stats_timer_ = 0;
  if (!self->peer_.open()) return self->quality_.reset();
  self->peer_.request_stats();
  self->stats_timer_ = emscripten_set_timeout(on_stats_timer, kStatsIntervalMs, self);
}

template <class Visit>
void VisitDriver<Visit>::on_transport_sample(const TransportSample& sample) {
  const char* before = quality_.words();
  quality_.add(sample);
  if (quality_.words() != before && on_change_) on_change_();  // redraw only when the words change
}

template <class Visit>
void VisitDriver<Visit>::on_peer_created(int peer) {
  const SessionKeys* keys = visit_.call_keys();
  if (!keys) return;
  if (kind_ == CallKind::visit) {
    chat_ = std::make_unique<VisitChatDriver>(*keys, peer, visit_.call_offerer(), received_, on_change_);
  } else if (visit_.call_offerer()) {
    share_ = std::make_unique<ShareChannel>(peer, share_sealed_, on_change_);
  } else {
    share_ = std::make_unique<ShareChannel>(on_change_);
  }
}

template <class Visit>
void VisitDriver<Visit>::on_data_channel(int channel, std::string_view label) {
  if (chat_) return chat_->adopt(channel, label);
  if (share_) return share_->adopt(channel, label);
  tessera_channel_close(channel);
}

// Nothing of the chat, or of a share's transfer, outlives its call.
template <class Visit>
void VisitDriver<Visit>::on_peer_closed() {
  chat_.reset();
  share_.reset();
}

template class VisitDriver<GuestVisit>;
template class VisitDriver<ProviderVisit>;

}  // namespace tessera::client
