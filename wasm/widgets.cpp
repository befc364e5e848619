#include "wasm/widgets.hpp"

#include <imgui.h>
#include <imgui_internal.h>
#include <imgui_stdlib.h>

namespace tessera::client::ui {
namespace {

Rect last_item_rect() {
  const ImVec2 min = ImGui::GetItemRectMin();
  const ImVec2 max = ImGui::GetItemRectMax();
  return {min.x, min.y, max.x - min.x, max.y - min.y};
}

}  // namespace

bool is_blank(std::string_view text) { return text.find_first_not_of(" \t\r\n") == std::string_view::npos; }

void truncate_utf8(std::string& text, std::size_t max_bytes) {
  if (text.size() <= max_bytes) return;
  std::size_t cut = max_bytes;
  // Step back over continuation bytes (10xxxxxx) to a character boundary.
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  text.resize(cut);
}

void heading(Ui& ui, const char* text, int level) {
  ImGui::PushFont(ui.heading_font);
  ImGui::TextUnformatted(text);
  ImGui::PopFont();
  ui.a11y.add({.id = ImGui::GetID(text), .role = AccessibleRole::heading, .name = text,
               .rect = last_item_rect(), .level = level});
}

void paragraph(Ui& ui, const char* text) {
  ImGui::TextWrapped("%s", text);  // at the content column's wrap position
  ImGui::PushID("paragraph");
  const ImGuiID id = ImGui::GetID(text);
  ImGui::PopID();
  ui.a11y.add({.id = id, .role = AccessibleRole::text, .name = text, .rect = last_item_rect()});
}

bool button(Ui& ui, const char* label, bool enabled) {
  const float height = ImGui::GetFontSize() * 2.4f;  // large targets for touch
  ImGui::BeginDisabled(!enabled);
  bool pressed = ImGui::Button(label, ImVec2(0.0f, height));
  ImGui::EndDisabled();
  const ImGuiID id = ImGui::GetItemID();
  pressed = (ui.a11y.consume_activation(id) || pressed) && enabled;
  ui.a11y.add({.id = id, .role = AccessibleRole::button, .name = std::string(visible_label(label)),
               .rect = last_item_rect(), .disabled = !enabled});
  return pressed;
}

namespace {
const char* autocomplete_token(FieldKind kind) {
  switch (kind) {
    case FieldKind::plain: return "";
    case FieldKind::username: return "username";
    case FieldKind::password: return "current-password";
    case FieldKind::one_time_code: return "one-time-code";
  }
  return "";
}
}  // namespace

bool text_field(Ui& ui, const char* label, std::string& value, std::size_t max_bytes, FieldKind kind) {
  const std::string_view name = visible_label(label);
  ImGui::TextUnformatted(name.data(), name.data() + name.size());
  ImGui::PushID(label);
  const bool password = kind == FieldKind::password;
  bool changed = ImGui::InputText("##field", &value, password ? ImGuiInputTextFlags_Password : 0);
  const ImGuiID id = ImGui::GetItemID();
  ImGui::PopID();
  // The DOM <input> is where phones, IME and paste deliver text
  // (ocornut/imgui#3654, #4910); take it from there.
  if (auto from_dom = ui.a11y.take_text_from_dom(id)) {
    changed = changed || *from_dom != value;
    value = std::move(*from_dom);
  }
  truncate_utf8(value, max_bytes);
  ui.a11y.add({.id = id, .role = AccessibleRole::textbox, .name = std::string(name),
               .rect = last_item_rect(), .value = value, .password = password,
               .autocomplete = autocomplete_token(kind)});
  return changed;
}

void video(Ui& ui, VideoSlot slot, float w, float h) {
  ImGui::Dummy(ImVec2(w, h));
  video_at(ui, slot, last_item_rect());
}

void video_at(Ui& ui, VideoSlot slot, Rect rect) { ui.videos[static_cast<std::size_t>(slot)] = rect; }

}  // namespace tessera::client::ui
