#pragma once
// Tessera's widgets: thin wrappers over Dear ImGui that also describe each
// item to the accessible DOM layer (role, name, state, rectangle), and accept
// activation and text from it. Screens use only these, never raw ImGui
// widgets, so everything a person can see or press is reachable by a screen
// reader, a keyboard, and the browser tests.
#include <cstddef>
#include <string>

#include "wasm/accessibility_tree.hpp"

struct ImFont;

namespace tessera::client::ui {

// What every widget needs for one frame.
struct Ui {
  AccessibilityTree& a11y;
  ImFont* body_font = nullptr;
  ImFont* heading_font = nullptr;
  float scale = 1.0f;  // device pixels per CSS pixel
};

void heading(Ui& ui, const char* text, int level = 1);
void paragraph(Ui& ui, const char* text);
// True on the frame the button is pressed, by pointer or through the DOM layer.
[[nodiscard]] bool button(Ui& ui, const char* label, bool enabled = true);
// A labelled single-line field. Returns true when the value changed.
// Text is truncated to max_bytes at a UTF-8 boundary.
bool text_field(Ui& ui, const char* label, std::string& value, std::size_t max_bytes);

// Cuts at most max_bytes of UTF-8 without splitting a character.
void truncate_utf8(std::string& text, std::size_t max_bytes);

}  // namespace tessera::client::ui
