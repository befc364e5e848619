#pragma once
// Where the call screen's self view sits: in the remote video's lower right
// corner until the person moves it, by dragging it (mouse or touch) or with
// the "Move your picture" button, which steps it from corner to corner for
// keyboards and screen readers. Always kept inside the bounds it is given
// (the window), also when the window shrinks. Plain arithmetic: tested in
// tests/client without ImGui.
#include <optional>

#include "wasm/accessibility_tree.hpp"

namespace tessera::client {

class SelfViewPlacement {
 public:
  // This frame's rectangle: `home` (w x h, its default place) until moved,
  // then where it was put, clamped into `bounds`.
  [[nodiscard]] Rect place(Rect home, Rect bounds);
  // The pointer moved by (dx, dy) while holding the self view.
  void drag(float dx, float dy);
  // To the next corner of the bounds, clockwise from the one it is nearest.
  void next_corner();
  [[nodiscard]] bool moved() const { return at_.has_value(); }

 private:
  struct Point {
    float x = 0, y = 0;
  };
  std::optional<Point> at_;  // top-left, once moved
  Rect last_{};              // the last placed rectangle
  Rect bounds_{};
};

}  // namespace tessera::client
