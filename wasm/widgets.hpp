#pragma once
// Tessera's widgets: thin wrappers over Dear ImGui that also describe each
// item to the accessible DOM layer (role, name, state, rectangle), and accept
// activation and text from it. Screens use only these, never raw ImGui
// widgets, so everything a person can see or press is reachable by a screen
// reader, a keyboard, and the browser tests.
#include <array>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "shared/qr_code.hpp"
#include "wasm/accessibility_tree.hpp"

struct ImFont;

namespace tessera::client::ui {

// What every widget needs for one frame.
struct Ui {
  AccessibilityTree& a11y;
  ImFont* body_font = nullptr;
  ImFont* heading_font = nullptr;
  float scale = 1.0f;  // device pixels per CSS pixel
  // Where this frame wants each <video> slot (self, remote); zero: hidden.
  std::array<Rect, 2> videos{};
  // On a wide screen during a call, the column beside the content for the
  // chat; empty otherwise (the chat then follows the call in the column).
  Rect side{};
};

enum class VideoSlot { self = 0, remote = 1 };

// How a text field is filled in, for the browser's autofill and keyboards.
// multiline: a few lines of text (a <textarea>), Enter makes a new line.
enum class FieldKind { plain, username, password, one_time_code, multiline };

void heading(Ui& ui, const char* text, int level = 1);
void paragraph(Ui& ui, const char* text);
// True on the frame the button is pressed, by pointer or through the DOM layer.
[[nodiscard]] bool button(Ui& ui, const char* label, bool enabled = true);
// A labelled single-line field. Returns true when the value changed.
// Text is truncated to max_bytes at a UTF-8 boundary. With `submitted`, the
// field submits: it is set true on the frame Enter was pressed in it (see
// key_submits), which the caller treats as its Send button.
bool text_field(Ui& ui, const char* label, std::string& value, std::size_t max_bytes,
                FieldKind kind = FieldKind::plain, bool* submitted = nullptr);
// A labelled drop-down (a <select> in the DOM layer, so phones show their own
// picker). selected: the chosen index. Returns true when the choice changed.
bool choice(Ui& ui, const char* label, const std::vector<std::string>& options, int& selected);
// Reserves a side x side square at the cursor for a picture the caller
// draws there, named for screen readers. Returns the square.
Rect image(Ui& ui, const char* name, float side);
// A QR code at the cursor, dark on white with its quiet zone, each module a
// whole number of device pixels (a blurred edge is harder to scan).
void qr_code(Ui& ui, const QrCode& code, const char* name);
// Reserves w x h device pixels at the cursor for a <video> slot.
void video(Ui& ui, VideoSlot slot, float w, float h);
// Shows a <video> slot over a rectangle that is already laid out.
void video_at(Ui& ui, VideoSlot slot, Rect rect);

// True if text has nothing but white space (a field not yet filled in).
[[nodiscard]] bool is_blank(std::string_view text);

// A file's size for people: "812 bytes", "34 KB", "2.5 MB".
[[nodiscard]] std::string size_words(std::size_t bytes);

// Cuts at most max_bytes of UTF-8 without splitting a character.
void truncate_utf8(std::string& text, std::size_t max_bytes);

}  // namespace tessera::client::ui

