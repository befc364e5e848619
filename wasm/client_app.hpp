#pragma once
// The client's frame loop: owns the GLFW window (a WebGL2 canvas), the ImGui
// context and the accessible DOM layer, and renders only when something
// changed. Idle frames burn CPU (ocornut/imgui#2749, #5023): a frame runs
// after input, a resize or a state change, plus a few more so hover and
// press states settle, and then the loop sleeps.
//
// The page's address picks the journey: /v/<visit-id>#<fragment> is a
// patient's visit link (PatientFlow), /kiosk a clinic tablet (KioskFlow,
// larger text for touch), anything else the provider's sign-in
// (ProviderFlow); /s/<share-id>#<fragment> opens a share (ShareOpener). The visits themselves run on socket and timer callbacks
// (VisitDriver) and only ask for frames here.
#include <array>
#include <cstdint>
#include <memory>

#include "wasm/accessibility_tree.hpp"
#include "wasm/imgui_renderer.hpp"
#include "wasm/kiosk_flow.hpp"
#include "wasm/patient_flow.hpp"
#include "wasm/provider_flow.hpp"
#include "wasm/share_opener.hpp"

struct GLFWwindow;
struct ImFont;

namespace tessera::client {

class ClientApp {
 public:
  ClientApp() = default;
  ClientApp(const ClientApp&) = delete;
  ClientApp& operator=(const ClientApp&) = delete;

  // Creates the window, context and fonts. False (after telling the page
  // why) when the browser cannot run the client.
  [[nodiscard]] bool start();
  // Asks for frames to be drawn; cheap to call from any event.
  void request_frames(int count = kSettleFrames);
  // A touch, click, key or typing: frames, and a kiosk knows someone is there.
  void on_input();

 private:
  static constexpr int kSettleFrames = 3;

  void install_bridge();
  void on_animation_frame();
  void draw_frame();
  void fit_canvas();
  void load_fonts();
  void start_flow();
  void place_videos(const std::array<Rect, 2>& wanted);
  // A kiosk between visits: what the UI layers keep of typed text.
  void wipe_typed_input();

  GLFWwindow* window_ = nullptr;
  AccessibilityTree a11y_;
  ImGuiRenderer renderer_;
  std::unique_ptr<PatientFlow> patient_;
  std::unique_ptr<ProviderFlow> provider_;
  std::unique_ptr<KioskFlow> kiosk_;
  std::unique_ptr<ShareOpener> share_;
  std::array<Rect, 2> videos_{};  // where the <video> slots are now
  ImFont* body_font_ = nullptr;
  ImFont* heading_font_ = nullptr;
  float scale_ = 1.0f;
  float text_size_ = 1.0f;  // kKioskTextSize on a kiosk
  int frames_wanted_ = 0;
  bool frame_scheduled_ = false;
  bool first_frame_done_ = false;
};

}  // namespace tessera::client
