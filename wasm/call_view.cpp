#include "wasm/call_view.hpp"

#include <imgui.h>

#include <algorithm>

#include "shared/safety_code.hpp"

namespace tessera::client {
namespace {

const char* call_status(const VisitSession& visit, IceConnectionState ice) {
  if (visit.reconnecting()) return "The connection to the clinic dropped. Reconnecting...";
  if (visit.ice_restarting() || ice == IceConnectionState::disconnected)
    return "The video connection is weak. Trying to restore it...";
  if (ice == IceConnectionState::failed) return "The video connection failed. Trying again...";
  if (visit.phase() == VisitPhase::in_call && visit.without_gateway())
    return "Connected. The clinic's server restarted: the call goes on without it, but if the call stops it "
           "cannot reconnect.";
  if (visit.phase() == VisitPhase::in_call) return "Connected.";
  return "Connecting the call...";
}

}  // namespace

std::string waited_text(const char* who, long minutes) {
  if (minutes < 1) return std::string(who) + " waited less than a minute.";
  if (minutes == 1) return std::string(who) + " waited 1 minute.";
  return std::string(who) + " waited " + std::to_string(minutes) + " minutes.";
}

void draw_call_view(ui::Ui& ui, const VisitSession& visit, IceConnectionState ice,
                    const ConnectionQuality& quality, LocalMedia& media, const char* peer) {
  const float width = ImGui::CalcItemWidth();
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  ui::video(ui, ui::VideoSlot::remote, width, width * 0.75f);
  // The self view sits in the remote video's lower right corner.
  const float self_w = std::max(width * 0.28f, 96.0f * ui.scale);
  const float inset = 8.0f * ui.scale;
  ui::video_at(ui, ui::VideoSlot::self,
               {origin.x + width - self_w - inset, origin.y + width * 0.75f - self_w * 0.75f - inset, self_w,
                self_w * 0.75f});
  ui::paragraph(ui, call_status(visit, ice));
  if (visit.phase() == VisitPhase::in_call) ui::paragraph(ui, quality.words());

  if (const SafetyCode* code = visit.safety_code()) {
    const std::string digits = "Safety code: " + safety_code_digits(*code);
    ui::heading(ui, digits.c_str(), 2);
    const std::string prompt = std::string("Read this code aloud. ") + peer +
                               " should see the same code. If it is different, hang up.";
    ui::paragraph(ui, prompt.c_str());
    const std::string words = "In words: " + safety_code_words(*code);
    ui::paragraph(ui, words.c_str());
  }

  if (ui::button(ui, media.muted() ? "Unmute" : "Mute")) media.set_muted(!media.muted());
  ImGui::SameLine();
  if (ui::button(ui, media.camera_off() ? "Turn camera on" : "Turn camera off")) media.set_camera_off(!media.camera_off());
  ImGui::SameLine();
}

}  // namespace tessera::client
