#pragma once
// The chat part of the call screen: a heading with the unread count, a
// button to hide or show the messages, the messages themselves (the chat
// panel of web/bridge.js: DOM elements over a rectangle reserved here, so
// every script and emoji renders and screen readers read them), the message
// field (a real <input>: phone keyboards, paste, IME) and Send. Files are
// picked or dropped on the panel; their cards show name, size, type,
// Accept / Decline / Cancel, progress with speed and time left, a preview
// of pictures and, for received files, Save (never on a kiosk).
#include <cstdint>
#include <string>

#include "wasm/visit_chat_driver.hpp"
#include "wasm/widgets.hpp"

namespace tessera::client {

class ChatView {
 public:
  // kiosk: received files are shown, never offered to save.
  explicit ChatView(bool kiosk = false) : kiosk_(kiosk) {}
  ~ChatView();
  // peer_name: how the other side is named beside its messages.
  void draw(ui::Ui& ui, VisitChatDriver& driver, const std::string& peer_name);
  // Not drawn this frame (no call): the panel hides.
  void hide();

 private:
  void draw_panel(ui::Ui& ui, VisitChatDriver& driver);
  // Gives the panel the chat's state, if it changed.
  void show(const VisitChatDriver& driver);
  [[nodiscard]] std::string panel_json(const VisitChatDriver& driver) const;

  bool kiosk_;
  bool open_ = true;
  std::string draft_;
  std::string peer_name_;
  const char* refusal_ = "";
  std::string shown_;  // the panel's state last given to the bridge
  Rect placed_{};
  const VisitChatDriver* shown_for_ = nullptr;  // a new call's panel starts afresh
};

// "2.4 MB", "512 KB", "100 bytes".
[[nodiscard]] std::string size_words(std::uint64_t bytes);
// "12.0 MB of 50.0 MB, 11.2 MB/s, 3 s left" (speed and time once known).
[[nodiscard]] std::string progress_words(std::uint64_t done, std::uint64_t total, const TransferRate* rate);

}  // namespace tessera::client
