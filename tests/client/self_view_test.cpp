// The call screen's self view: home corner, dragged, stepped from corner to
// corner, and never outside the window.
#include <catch2/catch.hpp>

#include "wasm/self_view.hpp"

namespace tessera::client {

namespace {
constexpr Rect kWindow{0, 0, 1000, 800};
constexpr Rect kHome{700, 500, 200, 150};
}  // namespace

TEST_CASE("the self view stays home until moved, follows a drag and stays inside the window", "[self_view]") {
  SelfViewPlacement p;
  CHECK(p.place(kHome, kWindow) == kHome);
  CHECK_FALSE(p.moved());

  p.drag(-300, -200);
  CHECK(p.moved());
  CHECK(p.place(kHome, kWindow) == Rect{400, 300, 200, 150});

  p.drag(5000, 5000);  // dragged far past the corner
  CHECK(p.place(kHome, kWindow) == Rect{800, 650, 200, 150});
  p.drag(-9000, -9000);
  CHECK(p.place(kHome, kWindow) == Rect{0, 0, 200, 150});

  // The window shrinks: the self view comes back inside, and stays there.
  p.drag(700, 500);
  CHECK(p.place(kHome, {0, 0, 500, 400}) == Rect{300, 250, 200, 150});
  CHECK(p.place(kHome, kWindow) == Rect{300, 250, 200, 150});
}

TEST_CASE("the move button steps the self view clockwise through the window's corners", "[self_view]") {
  SelfViewPlacement p;
  (void)p.place(kHome, kWindow);
  p.next_corner();  // nearest is bottom right: next is bottom left
  CHECK(p.place(kHome, kWindow) == Rect{0, 650, 200, 150});
  p.next_corner();
  CHECK(p.place(kHome, kWindow) == Rect{0, 0, 200, 150});
  p.next_corner();
  CHECK(p.place(kHome, kWindow) == Rect{800, 0, 200, 150});
  p.next_corner();
  CHECK(p.place(kHome, kWindow) == Rect{800, 650, 200, 150});
}

TEST_CASE("a self view larger than the window keeps its top left corner inside", "[self_view]") {
  SelfViewPlacement p;
  CHECK(p.place({50, 50, 300, 300}, {0, 0, 200, 200}) == Rect{0, 0, 300, 300});
}

}  // namespace tessera::client
