#include "wasm/visit/kiosk_cycle.hpp"

#include <algorithm>
#include <utility>

namespace tessera::client {
namespace {

// A gateway that states a poll interval outside this is not followed blindly.
constexpr std::chrono::seconds kMinPoll{1};
constexpr std::chrono::seconds kMaxPoll{300};

}  // namespace

void KioskCycle::enrolled(VisitTime now) {
  if (screen_ != KioskScreen::enrol) return;
  screen_ = KioskScreen::idle;
  fetching_ = false;
  next_fetch_ = now;
}

void KioskCycle::not_enrolled() {
  if (screen_ == KioskScreen::ready || screen_ == KioskScreen::journey || screen_ == KioskScreen::ended) wipe_ = true;
  screen_ = KioskScreen::enrol;
  in_visit_ = false;
  fetch_ = fetching_ = false;
}

void KioskCycle::set_poll_interval(std::chrono::seconds interval) {
  poll_interval_ = std::clamp(interval, kMinPoll, kMaxPoll);
}

void KioskCycle::inbox_fetched(VisitTime now) {
  fetching_ = false;
  next_fetch_ = now + poll_interval_;
}

bool KioskCycle::visit_arrived(VisitTime now) {
  if (screen_ != KioskScreen::idle) return false;
  screen_ = KioskScreen::ready;
  deadline_ = now + kKioskIdleTimeout;
  return true;
}

void KioskCycle::start(VisitTime now) {
  if (screen_ != KioskScreen::ready) return;
  screen_ = KioskScreen::journey;
  in_visit_ = false;
  deadline_ = now + kKioskIdleTimeout;
}

void KioskCycle::touch(VisitTime now) {
  if (screen_ == KioskScreen::ready || (screen_ == KioskScreen::journey && !in_visit_)) {
    deadline_ = now + kKioskIdleTimeout;
  }
}

void KioskCycle::joined() {
  if (screen_ == KioskScreen::journey) in_visit_ = true;
}

void KioskCycle::visit_over(VisitTime now) {
  if (screen_ != KioskScreen::journey) return;
  screen_ = KioskScreen::ended;
  in_visit_ = false;
  wipe_ = true;
  deadline_ = now + kKioskEndedScreen;
}

void KioskCycle::dismiss(VisitTime now) {
  if (screen_ == KioskScreen::ended) back_to_idle(now);
}

void KioskCycle::back_to_idle(VisitTime now) {
  screen_ = KioskScreen::idle;
  in_visit_ = false;
  next_fetch_ = now;  // at once: the inbox may hold the next visit
}

void KioskCycle::handle_timeout(VisitTime now) {
  switch (screen_) {
    case KioskScreen::enrol: return;
    case KioskScreen::idle:
      if (!fetching_ && now >= next_fetch_) fetch_ = fetching_ = true;
      return;
    case KioskScreen::ready:
    case KioskScreen::journey:
      if (in_visit_ || now < deadline_) return;
      wipe_ = true;  // nobody finished starting this visit: it goes, unseen
      return back_to_idle(now);
    case KioskScreen::ended:
      if (now >= deadline_) back_to_idle(now);
      return;
  }
}

std::optional<VisitTime> KioskCycle::poll_timeout() const {
  switch (screen_) {
    case KioskScreen::enrol: return std::nullopt;
    case KioskScreen::idle: return fetching_ ? std::nullopt : std::optional(next_fetch_);
    case KioskScreen::ready:
    case KioskScreen::journey: return in_visit_ ? std::nullopt : std::optional(deadline_);
    case KioskScreen::ended: return deadline_;
  }
  return std::nullopt;
}

bool KioskCycle::take_wipe() { return std::exchange(wipe_, false); }
bool KioskCycle::take_fetch() { return std::exchange(fetch_, false); }

}  // namespace tessera::client
