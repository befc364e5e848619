#include "wasm/chat_view.hpp"

#include <imgui.h>
#include <nlohmann/json.hpp>
#include <sodium.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>

#include "wasm/bridge.hpp"

namespace tessera::client {
namespace {

// The wall-clock time of a moment on the steady clock, as "14:05".
std::string clock_words(VisitTime at) {
  const auto ago = std::chrono::steady_clock::now() - at;
  const std::time_t t = std::chrono::system_clock::to_time_t(
      std::chrono::system_clock::now() - std::chrono::duration_cast<std::chrono::system_clock::duration>(ago));
  std::tm local{};
  localtime_r(&t, &local);
  char out[8];
  std::snprintf(out, sizeof out, "%02d:%02d", local.tm_hour, local.tm_min);
  return out;
}

const char* delivery_words(Delivery d) {
  switch (d) {
    case Delivery::waiting: return "Waiting for the connection";
    case Delivery::sent: return "Sent";
    case Delivery::delivered: return "Delivered";
    case Delivery::lost: return "Not delivered: the connection lost it. Send it again";
  }
  return "";
}

nlohmann::json action(const char* what, const char* label, const std::string& name) {
  return {{"action", what}, {"label", std::string(label) + " " + name}};
}

bool is_image(const std::string& media_type) { return media_type.rfind("image/", 0) == 0; }

nlohmann::json file_json(const ChatFile& f, int handle, const std::string& peer, bool kiosk) {
  nlohmann::json j = {{"name", f.name}, {"about", f.media_type + ", " + size_words(f.size)}, {"src", handle}};
  nlohmann::json actions = nlohmann::json::array();
  std::string status;
  switch (f.step) {
    case TransferStep::offered:
      if (f.outgoing) {
        status = "Waiting for " + peer + " to accept.";
        actions.push_back(action("cancel", "Cancel", f.name));
      } else {
        status = peer + " wants to send you this file.";
        actions.push_back(action("accept", "Accept", f.name));
        actions.push_back(action("decline", "Decline", f.name));
      }
      break;
    case TransferStep::moving:
      j["progress"] = f.size ? static_cast<double>(f.bytes_done()) / static_cast<double>(f.size) : 0.0;
      status = (f.outgoing ? "Sending: " : "Receiving: ") + progress_words(f.bytes_done(), f.size, f.rate());
      actions.push_back(action("cancel", "Cancel", f.name));
      break;
    case TransferStep::done:
      status = f.outgoing ? "Sent." : "Received.";
      j["save"] = !f.outgoing && !kiosk;
      break;
    case TransferStep::declined:
      status = f.cancelled_here ? "You declined this file." : peer + " declined this file.";
      break;
    case TransferStep::cancelled:
      status = f.cancelled_here ? "You cancelled this file." : peer + " stopped this file.";
      break;
    case TransferStep::failed:
      status = std::string(f.problem) + " The transfer stopped.";
      break;
    case TransferStep::refused:
      status = f.cancelled_here ? "Too large to show here: this tablet shows files of up to " +
                                      size_words(kKioskMaxFileBytes) + ". Nothing was received."
                                : "Not sent: " + peer + " is on a clinic tablet, which shows files of up to " +
                                      size_words(kKioskMaxFileBytes) + ".";
      break;
  }
  j["status"] = status;
  j["actions"] = actions;
  j["preview"] = is_image(f.media_type) && (f.outgoing || f.step == TransferStep::done);
  return j;
}

}  // namespace

std::string size_words(std::uint64_t bytes) {
  char out[32];
  if (bytes < 1000) {
    std::snprintf(out, sizeof out, "%llu bytes", static_cast<unsigned long long>(bytes));
  } else if (bytes < 1000 * 1000) {
    std::snprintf(out, sizeof out, "%.0f KB", static_cast<double>(bytes) / 1e3);
  } else if (bytes < 1000ull * 1000 * 1000) {
    std::snprintf(out, sizeof out, "%.1f MB", static_cast<double>(bytes) / 1e6);
  } else {
    std::snprintf(out, sizeof out, "%.2f GB", static_cast<double>(bytes) / 1e9);
  }
  return out;
}

std::string progress_words(std::uint64_t done, std::uint64_t total, const TransferRate* rate) {
  std::string words = size_words(done) + " of " + size_words(total);
  if (!rate || rate->bytes_per_second() <= 0) return words;
  words += ", " + size_words(static_cast<std::uint64_t>(rate->bytes_per_second())) + "/s";
  if (const auto left = rate->seconds_left(done, total)) {
    words += *left < 120 ? ", " + std::to_string(*left) + " s left" : ", " + std::to_string(*left / 60) + " min left";
  }
  return words;
}

ChatView::~ChatView() { sodium_memzero(draft_.data(), draft_.size()); }

void ChatView::hide() {
  if (placed_ == Rect{}) return;
  placed_ = {};
  tessera_chat_place(0, 0, 0, 0);
}

void ChatView::draw(ui::Ui& ui, VisitChatDriver& driver, const std::string& peer_name) {
  if (shown_for_ != &driver) {
    shown_for_ = &driver;
    placed_ = {};
    shown_.clear();
    driver.on_progress([this, &driver] {
      if (!(placed_ == Rect{})) show(driver);
    });
  }
  peer_name_ = peer_name;
  // Beside the call on a wide screen (then back to where the column was), else in the column.
  const bool beside = ui.side.w > 0;
  const ImVec2 column = ImGui::GetCursorScreenPos();
  if (beside) {
    ImGui::SetCursorScreenPos({ui.side.x, ui.side.y});
    ImGui::BeginGroup();
    ImGui::PushItemWidth(ui.side.w);
    ImGui::PushTextWrapPos(ui.side.x + ui.side.w - ImGui::GetWindowPos().x);
  }
  draw_panel(ui, driver);
  if (beside) {
    ImGui::PopTextWrapPos();
    ImGui::PopItemWidth();
    ImGui::EndGroup();
    ImGui::SetCursorScreenPos(column);
  }
}

void ChatView::draw_panel(ui::Ui& ui, VisitChatDriver& driver) {
  VisitChat& chat = driver.chat();
  const std::size_t unread = chat.unread();
  ui::heading(ui, unread ? ("Chat, " + std::to_string(unread) + " unread").c_str() : "Chat", 2);
  if (ui::button(ui, open_ ? "Hide chat" : "Show chat")) open_ = !open_;
  chat.set_seen(open_);
  if (!chat.chat_open()) ui::paragraph(ui, "The chat is reconnecting. What you write is sent once it is back.");
  if (chat.rejected()) ui::paragraph(ui, "Something arrived that failed its checks, and was dropped.");
  if (chat.skipped()) ui::paragraph(ui, "Some messages may be missing: the connection lost them. Ask if something is unclear.");
  if (!open_) return hide();

  const float width = ImGui::CalcItemWidth();
  // Beside the call: down to the field and Send at the bottom of the screen; in the column: 4:3.
  const float below = 2 * ImGui::GetFrameHeightWithSpacing() + ImGui::GetFontSize() * 4.0f;
  const float height = ui.side.w > 0 ? std::max(width * 0.5f, ui.side.y + ui.side.h - ImGui::GetCursorScreenPos().y - below)
                                     : width * 0.75f;
  ImGui::Dummy(ImVec2(width, height));
  const ImVec2 min = ImGui::GetItemRectMin();
  const Rect at{min.x, min.y, width, height};
  if (!(at == placed_)) {
    placed_ = at;
    tessera_chat_place(at.x, at.y, at.w, at.h);
  }
  show(driver);

  bool entered = false;  // Enter in the field sends, as the button does
  if (ui::text_field(ui, "Message", draft_, kChatMaxBody, ui::FieldKind::plain, &entered)) refusal_ = "";
  if (ui::button(ui, "Send") || entered) {
    const SendRefusal r = chat.send_text(draft_, std::chrono::steady_clock::now());
    refusal_ = send_refusal_words(r);
    if (r == SendRefusal::none) {
      sodium_memzero(draft_.data(), draft_.size());
      draft_.clear();
    } else {
      tessera_page_announce(refusal_);
    }
    driver.pump();
  }
  if (*refusal_) ui::paragraph(ui, refusal_);
}

void ChatView::show(const VisitChatDriver& driver) {
  std::string json = panel_json(driver);
  if (json == shown_) return;
  tessera_chat_show(json.c_str());
  sodium_memzero(shown_.data(), shown_.size());
  shown_ = std::move(json);
}

std::string ChatView::panel_json(const VisitChatDriver& driver) const {
  const std::string& peer_name = peer_name_;
  const VisitChat& chat = driver.chat();
  nlohmann::json entries = nlohmann::json::array();
  for (const ChatEntry& e : chat.entries()) {
    nlohmann::json j = {{"id", e.id}, {"mine", e.mine}, {"who", e.mine ? std::string("You") : peer_name},
                        {"time", clock_words(e.at)}};
    if (e.file) {
      j["file"] = file_json(*e.file, driver.file_handle(e), peer_name, kiosk_);
    } else {
      j["text"] = e.text;
    }
    if (e.mine) j["state"] = delivery_words(e.delivery);
    entries.push_back(std::move(j));
  }
  nlohmann::json state = {{"entries", std::move(entries)}, {"canSend", true}};
  return state.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace tessera::client
