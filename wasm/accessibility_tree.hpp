#pragma once
// The accessible DOM layer's model: what the client drew this frame, as a
// screen reader must see it (role, name, state, place), and what assistive
// input arrived from the DOM for the widgets to consume next frame.
//
// Screen readers see nothing of a canvas (ocornut/imgui#4122, #8022), so every
// heading and interactive widget is mirrored into real DOM elements by
// web/bridge.js. This file is plain C++ with no ImGui and no JS: the widgets
// feed it, the bridge publishes its JSON, and tests check it natively.
#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace tessera::client {

// A key pressed in a DOM field, as the browser reported it (KeyboardEvent).
struct FieldKey {
  std::string_view key;  // event.key: "Enter", "a", "Process" ...
  int key_code = 0;      // event.keyCode: 229 while an IME composes, in browsers that do not set isComposing
  bool composing = false;  // event.isComposing
  bool shift = false;      // event.shiftKey
};

// Whether a key in a field that submits sends it, as the Send button would:
// Enter, but not while an IME composition is in progress (the Enter then
// commits the composed text), and not Shift+Enter in a multi-line field
// (a new line).
[[nodiscard]] bool key_submits(const FieldKey& key, bool multiline);

// ARIA role names, as the DOM layer renders them.
enum class AccessibleRole : std::uint8_t { heading, text, button, checkbox, textbox, combobox, image };
[[nodiscard]] std::string_view role_name(AccessibleRole role);

// In canvas backbuffer pixels (device pixels); the bridge converts to CSS px.
struct Rect {
  float x = 0, y = 0, w = 0, h = 0;
  friend bool operator==(const Rect&, const Rect&) = default;
};

struct AccessibleNode {
  std::uint32_t id = 0;  // the ImGui item id: stable across frames
  AccessibleRole role = AccessibleRole::text;
  std::string name;      // the accessible name (a label, or the text itself)
  Rect rect;
  bool disabled = false;
  bool checked = false;  // checkbox only
  std::string value;     // textbox only (never published for a password)
  bool password = false; // textbox only: shown as dots, never echoed into the page
  std::string autocomplete;  // textbox only: the HTML autocomplete token, or empty
  bool multiline = false;    // textbox only: a <textarea>
  bool submits = false;      // textbox only: Enter sends it (the chat's message field)
  int level = 0;         // heading only: 1..6
  std::vector<std::string> options;  // combobox only: what can be chosen, in order
  int selected = -1;     // combobox only: the index of the chosen option
  friend bool operator==(const AccessibleNode&, const AccessibleNode&) = default;
};

class AccessibilityTree {
 public:
  void begin_frame();
  // Describes one item drawn this frame. Ids must be unique within a frame.
  void add(AccessibleNode node);
  // What ImGui itself reported about an item (test-engine hooks). Items no
  // widget described are still mirrored, so nothing interactive is invisible.
  void note_item(std::uint32_t id, Rect rect);
  void note_item_label(std::uint32_t id, std::string_view label, bool checkable, bool checked);
  void end_frame();

  [[nodiscard]] const std::vector<AccessibleNode>& nodes() const { return nodes_; }
  // JSON for the DOM layer when the tree differs from the last one taken.
  [[nodiscard]] std::optional<std::string> take_update();

  // Input that arrives from the DOM layer between frames waits in arrival
  // order; each begin_frame hands the widgets the next step of it: the text
  // typed up to the next button or Enter (only its latest value per field),
  // or that one button or Enter. So a script or assistive tech that types,
  // sends and types again within one frame sends both messages, each with its
  // own text. False when kMaxPendingInput steps already wait (input is dropped).
  static constexpr std::size_t kMaxPendingInput = 256;
  [[nodiscard]] bool request_activation(std::uint32_t id);
  [[nodiscard]] bool set_text_from_dom(std::uint32_t id, std::string text);
  // A key pressed in the DOM field `id`: true when it submits that field (a
  // field drawn last frame with `submits`; see key_submits). The bridge then
  // cancels the key's default action; the field's widget consumes the submit.
  [[nodiscard]] bool submit_from_dom(std::uint32_t id, const FieldKey& key);
  // Input still waiting for a frame: the client draws another.
  [[nodiscard]] bool has_pending_input() const { return !pending_.empty(); }

  // What the widgets take while drawing, each once.
  [[nodiscard]] bool consume_activation(std::uint32_t id) { return activations_.erase(id) > 0; }
  [[nodiscard]] std::optional<std::string> take_text_from_dom(std::uint32_t id);
  [[nodiscard]] bool consume_submit(std::uint32_t id) { return submits_.erase(id) > 0; }
  // Drops input no widget took (a kiosk between visits: typed text must not wait for the next patient).
  void forget_input();

 private:
  struct SeenItem {
    Rect rect;
    std::string label;
    bool checkable = false;
    bool checked = false;
  };
  struct DomInput {
    enum class Kind : std::uint8_t { text, activation, submit } kind;
    std::uint32_t id = 0;
    std::string text;  // text only
  };
  [[nodiscard]] bool enqueue(DomInput input);
  void release_input();

  std::vector<AccessibleNode> nodes_;
  std::vector<AccessibleNode> published_;
  bool ever_published_ = false;
  std::unordered_set<std::uint32_t> described_;
  std::vector<std::uint32_t> seen_order_;
  std::unordered_map<std::uint32_t, SeenItem> seen_;
  std::deque<DomInput> pending_;
  std::unordered_set<std::uint32_t> activations_;
  std::unordered_map<std::uint32_t, std::string> texts_;
  std::unordered_set<std::uint32_t> submits_;
};

// ImGui labels may carry an id suffix ("Send##chat"); only the part before it is shown.
[[nodiscard]] std::string_view visible_label(std::string_view label);

}  // namespace tessera::client
