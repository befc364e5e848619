#include "wasm/screens.hpp"

#include <imgui.h>

namespace tessera::client {
namespace {

bool is_blank(const std::string& text) {
  return text.find_first_not_of(" \t\r\n") == std::string::npos;
}

void draw_welcome(ui::Ui& ui, ClientState& state) {
  ui::heading(ui, "Tessera");
  ui::paragraph(ui, "Private video visits with your care team. Nothing to install.");
  ImGui::Spacing();
  ui::text_field(ui, "Your name", state.display_name, kDisplayNameMaxBytes);
  ImGui::Spacing();
  if (ui::button(ui, "Continue", !is_blank(state.display_name))) state.screen = Screen::before_visit;
}

void draw_before_visit(ui::Ui& ui, ClientState& state) {
  ui::heading(ui, "Before your visit");
  ui::paragraph(ui, "When your visit starts, your browser will ask to use your camera and microphone.");
  ImGui::Spacing();
  if (ui::button(ui, "Back")) state.screen = Screen::welcome;
}

}  // namespace

void draw_screen(ui::Ui& ui, ClientState& state) {
  switch (state.screen) {
    case Screen::welcome: draw_welcome(ui, state); break;
    case Screen::before_visit: draw_before_visit(ui, state); break;
  }
}

}  // namespace tessera::client
