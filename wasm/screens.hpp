#pragma once
// The client's screens, drawn as functions of plain state (Dear ImGui style):
// no I/O here, and nothing that outlives a frame but ClientState.
#include <cstddef>
#include <string>

#include "wasm/widgets.hpp"

namespace tessera::client {

enum class Screen { welcome, before_visit };

struct ClientState {
  Screen screen = Screen::welcome;
  std::string display_name;  // shown on screen only: never logged or sent in clear
};

inline constexpr std::size_t kDisplayNameMaxBytes = 64;

// Draws the current screen into the current ImGui window.
void draw_screen(ui::Ui& ui, ClientState& state);

}  // namespace tessera::client
