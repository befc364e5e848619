#include "wasm/widgets.hpp"

#include <imgui.h>
#include <imgui_internal.h>
#include <imgui_stdlib.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>

namespace tessera::client::ui {
namespace {

Rect last_item_rect() {
  const ImVec2 min = ImGui::GetItemRectMin();
  const ImVec2 max = ImGui::GetItemRectMax();
  return {min.x, min.y, max.x - min.x, max.y - min.y};
}

}  // namespace

bool is_blank(std::string_view text) { return text.find_first_not_of(" \t\r\n") == std::string_view::npos; }

std::string size_words(std::size_t bytes) {
  if (bytes < 1024) return std::to_string(bytes) + " bytes";
  if (bytes < 1024 * 1024) return std::to_string((bytes + 512) / 1024) + " KB";
  const auto tenths = (bytes * 10 + 512 * 1024) / (1024 * 1024);
  return std::to_string(tenths / 10) + "." + std::to_string(tenths % 10) + " MB";
}

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
    case FieldKind::multiline: return "";
  }
  return "";
}
}  // namespace

bool text_field(Ui& ui, const char* label, std::string& value, std::size_t max_bytes, FieldKind kind,
                bool* submitted) {
  const std::string_view name = visible_label(label);
  ImGui::TextUnformatted(name.data(), name.data() + name.size());
  ImGui::PushID(label);
  const bool password = kind == FieldKind::password;
  const bool multiline = kind == FieldKind::multiline;
  bool changed = multiline ? ImGui::InputTextMultiline("##field", &value, ImVec2(-1.0f, ImGui::GetFontSize() * 8.0f))
                           : ImGui::InputText("##field", &value, password ? ImGuiInputTextFlags_Password : 0);
  const ImGuiID id = ImGui::GetItemID();
  ImGui::PopID();
  // The DOM <input> is where phones, IME and paste deliver text
  // (ocornut/imgui#3654, #4910); take it from there.
  if (auto from_dom = ui.a11y.take_text_from_dom(id)) {
    changed = changed || *from_dom != value;
    value = std::move(*from_dom);
  }
  truncate_utf8(value, max_bytes);
  if (submitted) *submitted = ui.a11y.consume_submit(id);  // after the text: Enter sends what was typed
  ui.a11y.add({.id = id, .role = AccessibleRole::textbox, .name = std::string(name),
               .rect = last_item_rect(), .value = value, .password = password,
               .autocomplete = autocomplete_token(kind), .multiline = multiline, .submits = submitted != nullptr});
  return changed;
}

bool choice(Ui& ui, const char* label, const std::vector<std::string>& options, int& selected) {
  const std::string_view name = visible_label(label);
  ImGui::TextUnformatted(name.data(), name.data() + name.size());
  ImGui::PushID(label);
  const auto item = [](void* data, int i, const char** text) {
    *text = (*static_cast<const std::vector<std::string>*>(data))[static_cast<std::size_t>(i)].c_str();
    return true;
  };
  bool changed = ImGui::Combo("##choice", &selected, item, const_cast<std::vector<std::string>*>(&options),
                              static_cast<int>(options.size()));
  const ImGuiID id = ImGui::GetItemID();
  ImGui::PopID();
  // The <select> reports the chosen option's index as text.
  if (auto from_dom = ui.a11y.take_text_from_dom(id)) {
    const int index = std::atoi(from_dom->c_str());
    if (index >= 0 && index < static_cast<int>(options.size()) && index != selected) {
      selected = index;
      changed = true;
    }
  }
  ui.a11y.add({.id = id, .role = AccessibleRole::combobox, .name = std::string(name), .rect = last_item_rect(),
               .options = options, .selected = selected});
  return changed;
}

Rect image(Ui& ui, const char* name, float side) {
  ImGui::Dummy(ImVec2(side, side));
  ImGui::PushID("image");
  const ImGuiID id = ImGui::GetID(name);
  ImGui::PopID();
  ui.a11y.add({.id = id, .role = AccessibleRole::image, .name = name, .rect = last_item_rect()});
  return last_item_rect();
}

void qr_code(Ui& ui, const QrCode& code, const char* name) {
  constexpr float kSideCssPx = 180.0f;
  const int modules = code.size() + 2 * kQrQuietZone;
  const float module = std::max(2.0f, std::floor(kSideCssPx * ui.scale / static_cast<float>(modules)));
  const Rect at = image(ui, name, module * static_cast<float>(modules));
  ImDrawList* draw = ImGui::GetWindowDrawList();
  draw->AddRectFilled({at.x, at.y}, {at.x + at.w, at.y + at.h}, IM_COL32_WHITE);
  const float x0 = at.x + module * kQrQuietZone, y0 = at.y + module * kQrQuietZone;
  for (int y = 0; y < code.size(); ++y)
    for (int x = 0; x < code.size(); ++x)
      if (code.dark(x, y))
        draw->AddRectFilled({x0 + module * static_cast<float>(x), y0 + module * static_cast<float>(y)},
                            {x0 + module * static_cast<float>(x + 1), y0 + module * static_cast<float>(y + 1)},
                            IM_COL32_BLACK);
}

void video(Ui& ui, VideoSlot slot, float w, float h) {
  ImGui::Dummy(ImVec2(w, h));
  video_at(ui, slot, last_item_rect());
}

void video_at(Ui& ui, VideoSlot slot, Rect rect) { ui.videos[static_cast<std::size_t>(slot)] = rect; }

}  // namespace tessera::client::ui
