#include "wasm/call_view.hpp"

#include <imgui.h>

#include <algorithm>

#include "shared/safety_code.hpp"
#include "wasm/bridge.hpp"

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

std::string microphone_words(const std::string& who, bool on) {
  return who + (on ? " turned their microphone back on." : " has muted their microphone.");
}

std::string camera_words(const std::string& who, bool on) {
  return on ? who + " turned their camera back on." : who + "'s camera is off.";
}

bool in_call(const VisitSession& visit) {
  return visit.phase() == VisitPhase::admitted || visit.phase() == VisitPhase::in_call;
}

// The index of the chosen device in the list (the browser's default, listed first, when none was chosen).
int chosen_index(const std::vector<MediaDevice>& devices, const std::string& chosen) {
  for (std::size_t i = 0; i < devices.size(); ++i)
    if (devices[i].id == chosen) return static_cast<int>(i);
  return 0;
}

std::vector<std::string> device_labels(const std::vector<MediaDevice>& devices) {
  std::vector<std::string> labels;
  labels.reserve(devices.size());
  for (const auto& d : devices) labels.push_back(d.label);
  return labels;
}

}  // namespace

MediaState local_media_state(const LocalMedia& media) { return {!media.muted(), !media.camera_off()}; }

std::string waited_text(const char* who, long minutes) {
  if (minutes < 1) return std::string(who) + " waited less than a minute.";
  if (minutes == 1) return std::string(who) + " waited 1 minute.";
  return std::string(who) + " waited " + std::to_string(minutes) + " minutes.";
}

void CallView::announce(const VisitSession& visit, const std::string& peer_name) {
  const MediaState now = visit.peer_media();
  if (now == said_) return;
  // A call that ends forgets the peer's state: nothing to say then.
  if (in_call(visit)) {
    if (now.microphone != said_.microphone) tessera_page_announce(microphone_words(peer_name, now.microphone).c_str());
    if (now.camera != said_.camera) tessera_page_announce(camera_words(peer_name, now.camera).c_str());
  }
  said_ = now;
}

bool CallView::draw(ui::Ui& ui, const VisitSession& visit, IceConnectionState ice, const ConnectionQuality& quality,
                    LocalMedia& media, const char* peer, const std::string& peer_name) {
  const float width = ImGui::CalcItemWidth();
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  ui::video(ui, ui::VideoSlot::remote, width, width * 0.75f);
  const ImVec2 after_video = ImGui::GetCursorScreenPos();
  draw_self_view(ui, {origin.x, origin.y, width, width * 0.75f});
  ImGui::SetCursorScreenPos(after_video);

  ui::paragraph(ui, call_status(visit, ice));
  if (visit.phase() == VisitPhase::in_call) ui::paragraph(ui, quality.words());
  const MediaState remote = visit.peer_media();
  if (!remote.microphone) ui::paragraph(ui, microphone_words(peer_name, false).c_str());
  if (!remote.camera) ui::paragraph(ui, camera_words(peer_name, false).c_str());

  if (const SafetyCode* code = visit.safety_code()) {
    const std::string digits = "Safety code: " + safety_code_digits(*code);
    ui::heading(ui, digits.c_str(), 2);
    const std::string prompt = std::string("Read this code aloud. ") + peer +
                               " should see the same code. If it is different, hang up.";
    ui::paragraph(ui, prompt.c_str());
    const std::string words = "In words: " + safety_code_words(*code);
    ui::paragraph(ui, words.c_str());
  }

  bool changed = false;
  if (ui::button(ui, media.muted() ? "Unmute" : "Mute")) {
    media.set_muted(!media.muted());
    changed = true;
  }
  ImGui::SameLine();
  if (ui::button(ui, media.camera_off() ? "Turn camera on" : "Turn camera off")) {
    media.set_camera_off(!media.camera_off());
    changed = true;
  }
  ImGui::SameLine();
  if (ui::button(ui, "Move your picture")) self_view_.next_corner();
  draw_device_pickers(ui, media);
  return changed;
}

// The self view over the remote video's lower right corner until moved; an
// invisible button under the <video> (which lets the pointer through) takes
// the drag, by mouse or touch.
void CallView::draw_self_view(ui::Ui& ui, Rect remote) {
  const float w = std::max(remote.w * 0.28f, 96.0f * ui.scale);
  const float h = w * 0.75f;
  const float inset = 8.0f * ui.scale;
  const ImGuiViewport* window = ImGui::GetMainViewport();
  const Rect r = self_view_.place({remote.x + remote.w - w - inset, remote.y + remote.h - h - inset, w, h},
                                  {window->Pos.x, window->Pos.y, window->Size.x, window->Size.y});
  ImGui::SetCursorScreenPos({r.x, r.y});
  ImGui::InvisibleButton("##self-view", {r.w, r.h});
  if (ImGui::IsItemActive() && ImGui::IsMouseDragging(ImGuiMouseButton_Left, 0.0f)) {
    const ImVec2 delta = ImGui::GetIO().MouseDelta;
    self_view_.drag(delta.x, delta.y);
  }
  ui::video_at(ui, ui::VideoSlot::self, self_view_.place({r.x, r.y, w, h}, {window->Pos.x, window->Pos.y,
                                                                           window->Size.x, window->Size.y}));
}

// A device that will not start leaves the call on the one it had: say why, and what to do.
void draw_device_pickers(ui::Ui& ui, LocalMedia& media) {
  if (const char* help = local_media_help(media.state()); *help) ui::paragraph(ui, help);
  if (!media.cameras().empty()) {
    int camera = chosen_index(media.cameras(), media.camera());
    if (ui::choice(ui, "Camera", device_labels(media.cameras()), camera))
      media.choose_camera(media.cameras()[static_cast<std::size_t>(camera)].id);
  }
  if (!media.microphones().empty()) {
    int microphone = chosen_index(media.microphones(), media.microphone());
    if (ui::choice(ui, "Microphone", device_labels(media.microphones()), microphone))
      media.choose_microphone(media.microphones()[static_cast<std::size_t>(microphone)].id);
  }
}

}  // namespace tessera::client
