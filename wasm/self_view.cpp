#include "wasm/self_view.hpp"

#include <algorithm>
#include <array>
#include <cmath>

namespace tessera::client {

namespace {

float clamp_axis(float v, float lo, float extent, float size) {
  // A self view larger than the bounds keeps its top or left edge inside.
  return std::max(lo, std::min(v, lo + extent - size));
}

}  // namespace

Rect SelfViewPlacement::place(Rect home, Rect bounds) {
  bounds_ = bounds;
  Rect r = home;
  if (at_) {
    r.x = at_->x;
    r.y = at_->y;
  }
  r.x = clamp_axis(r.x, bounds.x, bounds.w, r.w);
  r.y = clamp_axis(r.y, bounds.y, bounds.h, r.h);
  if (at_) at_ = Point{r.x, r.y};  // a shrunk window does not leave it outside for later
  last_ = r;
  return r;
}

void SelfViewPlacement::drag(float dx, float dy) {
  at_ = Point{last_.x + dx, last_.y + dy};
  last_.x += dx;
  last_.y += dy;
}

void SelfViewPlacement::next_corner() {
  const float left = bounds_.x, top = bounds_.y;
  const float right = bounds_.x + bounds_.w - last_.w, bottom = bounds_.y + bounds_.h - last_.h;
  // Clockwise: top left, top right, bottom right, bottom left.
  const std::array<Point, 4> corners{Point{left, top}, Point{right, top}, Point{right, bottom}, Point{left, bottom}};
  std::size_t nearest = 0;
  float best = 0;
  for (std::size_t i = 0; i < corners.size(); ++i) {
    const float d = std::hypot(corners[i].x - last_.x, corners[i].y - last_.y);
    if (i == 0 || d < best) {
      best = d;
      nearest = i;
    }
  }
  at_ = corners[(nearest + 1) % corners.size()];
  last_.x = at_->x;
  last_.y = at_->y;
}

}  // namespace tessera::client
