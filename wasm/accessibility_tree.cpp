#include "wasm/accessibility_tree.hpp"

#include <algorithm>
#include <cassert>
#include <nlohmann/json.hpp>

namespace tessera::client {

std::string_view role_name(AccessibleRole role) {
  switch (role) {
    case AccessibleRole::heading: return "heading";
    case AccessibleRole::text: return "text";
    case AccessibleRole::button: return "button";
    case AccessibleRole::checkbox: return "checkbox";
    case AccessibleRole::textbox: return "textbox";
    case AccessibleRole::combobox: return "combobox";
    case AccessibleRole::image: return "img";
  }
  return "text";
}

std::string_view visible_label(std::string_view label) {
  const auto cut = label.find("##");
  return cut == std::string_view::npos ? label : label.substr(0, cut);
}

void AccessibilityTree::begin_frame() {
  release_input();
  nodes_.clear();
  described_.clear();
  seen_order_.clear();
  seen_.clear();
}

void AccessibilityTree::add(AccessibleNode node) {
  const bool fresh = described_.insert(node.id).second;
  assert(fresh && "two widgets share an ImGui id this frame: give one a '##suffix'");
  if (!fresh) return;
  nodes_.push_back(std::move(node));
}

void AccessibilityTree::note_item(std::uint32_t id, Rect rect) {
  if (id == 0) return;
  auto [it, inserted] = seen_.try_emplace(id);
  if (inserted) seen_order_.push_back(id);
  it->second.rect = rect;
}

void AccessibilityTree::note_item_label(std::uint32_t id, std::string_view label, bool checkable,
                                        bool checked) {
  auto it = seen_.find(id);
  if (it == seen_.end()) return;
  it->second.label = std::string(visible_label(label));
  it->second.checkable = checkable;
  it->second.checked = checked;
}

void AccessibilityTree::end_frame() {
  // Anything ImGui drew with an id and a label that no widget described is
  // still an interactive item a person can reach: mirror it as best we can.
  for (const auto id : seen_order_) {
    if (described_.count(id)) continue;
    const auto& item = seen_.at(id);
    if (item.label.empty()) continue;
    AccessibleNode node;
    node.id = id;
    node.role = item.checkable ? AccessibleRole::checkbox : AccessibleRole::button;
    node.name = item.label;
    node.rect = item.rect;
    node.checked = item.checked;
    nodes_.push_back(std::move(node));
  }
}

std::optional<std::string> AccessibilityTree::take_update() {
  if (ever_published_ && nodes_ == published_) return std::nullopt;
  nlohmann::json list = nlohmann::json::array();
  for (const auto& n : nodes_) {
    nlohmann::json j = {{"id", n.id},
                        {"role", role_name(n.role)},
                        {"name", n.name},
                        {"x", n.rect.x},
                        {"y", n.rect.y},
                        {"w", n.rect.w},
                        {"h", n.rect.h}};
    if (n.disabled) j["disabled"] = true;
    if (n.role == AccessibleRole::checkbox) j["checked"] = n.checked;
    if (n.role == AccessibleRole::textbox && n.password) {
      j["password"] = true;
      j["empty"] = n.value.empty();
    } else if (n.role == AccessibleRole::textbox) {
      j["value"] = n.value;
    }
    if (!n.autocomplete.empty()) j["autocomplete"] = n.autocomplete;
    if (n.multiline) j["multiline"] = true;
    if (n.role == AccessibleRole::heading) j["level"] = n.level;
    if (n.role == AccessibleRole::combobox) {
      j["options"] = n.options;
      j["selected"] = n.selected;
    }
    list.push_back(std::move(j));
  }
  published_ = nodes_;
  ever_published_ = true;
  // Replace invalid UTF-8 rather than abort: a label is never worth a crash.
  return list.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

bool AccessibilityTree::enqueue(DomInput input) {
  // Typing sends the whole field on every key: one waiting value per field is enough.
  if (input.kind == DomInput::Kind::text && !pending_.empty() && pending_.back().kind == DomInput::Kind::text &&
      pending_.back().id == input.id) {
    pending_.back().text = std::move(input.text);
    return true;
  }
  if (pending_.size() >= kMaxPendingInput) return false;
  pending_.push_back(std::move(input));
  return true;
}

bool AccessibilityTree::request_activation(std::uint32_t id) {
  return enqueue({.kind = DomInput::Kind::activation, .id = id});
}

bool AccessibilityTree::set_text_from_dom(std::uint32_t id, std::string text) {
  return enqueue({.kind = DomInput::Kind::text, .id = id, .text = std::move(text)});
}

// Text up to the next action in one frame, an action alone in the next: the
// action then sees the text typed before it, whatever order the widgets draw in.
void AccessibilityTree::release_input() {
  bool took_text = false;
  while (!pending_.empty()) {
    DomInput& input = pending_.front();
    if (input.kind == DomInput::Kind::text) {
      texts_[input.id] = std::move(input.text);
      took_text = true;
    } else if (took_text) {
      break;
    } else {
      (input.kind == DomInput::Kind::activation ? activations_ : submits_).insert(input.id);
      pending_.pop_front();
      break;
    }
    pending_.pop_front();
  }
}

std::optional<std::string> AccessibilityTree::take_text_from_dom(std::uint32_t id) {
  auto it = texts_.find(id);
  if (it == texts_.end()) return std::nullopt;
  std::string text = std::move(it->second);
  texts_.erase(it);
  return text;
}

bool key_submits(const FieldKey& key, bool multiline) {
  constexpr int kImeKeyCode = 229;  // "the IME is processing this key" (UI Events, legacy keyCode)
  if (key.key != "Enter" || key.composing || key.key_code == kImeKeyCode) return false;
  return !(multiline && key.shift);
}

bool AccessibilityTree::submit_from_dom(std::uint32_t id, const FieldKey& key) {
  const auto field = std::find_if(nodes_.begin(), nodes_.end(), [id](const AccessibleNode& n) { return n.id == id; });
  if (field == nodes_.end() || field->role != AccessibleRole::textbox || !field->submits) return false;
  if (!key_submits(key, field->multiline)) return false;
  return enqueue({.kind = DomInput::Kind::submit, .id = id});
}

void AccessibilityTree::forget_input() {
  pending_.clear();
  activations_.clear();
  texts_.clear();
  submits_.clear();
}

}  // namespace tessera::client
