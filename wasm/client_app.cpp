#include "wasm/client_app.hpp"

#include <GLFW/glfw3.h>
#include <emscripten/html5.h>
#include <imgui.h>
#include <imgui_impl_glfw.h>
#include <imgui_internal.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <sodium.h>
#include <string>

#include "wasm/bridge.hpp"
#include "wasm/imgui_renderer.hpp"
#include "wasm/widgets.hpp"

namespace tessera::client {
namespace {

constexpr const char* kCanvas = "#canvas";
constexpr float kBodyFontPx = 20.0f;     // CSS px: readable on a phone
constexpr float kHeadingFontPx = 32.0f;
constexpr float kMaxContentWidthPx = 560.0f;
constexpr float kMinSidePanelPx = 300.0f;  // narrower screens show the chat below the call
// A kiosk is used by touch at arm's length: text, targets and spacing grow.
constexpr float kKioskTextSize = 1.35f;

ClientApp* app_of(GLFWwindow* window) { return static_cast<ClientApp*>(glfwGetWindowUserPointer(window)); }

// GLFW input callbacks, installed before ImGui's (which chain to them), so
// every input event asks for frames.
void on_cursor(GLFWwindow* w, double, double) { app_of(w)->on_input(); }
void on_button(GLFWwindow* w, int, int, int) { app_of(w)->on_input(); }
void on_scroll(GLFWwindow* w, double, double) { app_of(w)->on_input(); }
void on_key(GLFWwindow* w, int, int, int, int) { app_of(w)->on_input(); }
void on_char(GLFWwindow* w, unsigned int) { app_of(w)->on_input(); }

}  // namespace

bool ClientApp::start() {
  install_bridge();
  if (!glfwInit()) {
    tessera_bridge_fail("This browser could not start the Tessera window.");
    return false;
  }
  tessera_bridge_ignore_gamepads();
  glfwWindowHint(GLFW_CLIENT_API, GLFW_OPENGL_ES_API);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);  // WebGL2
  glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 0);
  // Opaque: the compositor copies the canvas instead of blending it, and the
  // <video>s lie over it (web/index.html).
  glfwWindowHint(GLFW_ALPHA_BITS, 0);
  window_ = glfwCreateWindow(640, 480, "Tessera", nullptr, nullptr);
  if (!window_) {
    tessera_bridge_fail("Tessera needs WebGL2, which this browser did not provide.");
    return false;
  }
  glfwMakeContextCurrent(window_);
  glfwSetWindowUserPointer(window_, this);
  glfwSetCursorPosCallback(window_, on_cursor);
  glfwSetMouseButtonCallback(window_, on_button);
  glfwSetScrollCallback(window_, on_scroll);
  glfwSetKeyCallback(window_, on_key);
  glfwSetCharCallback(window_, on_char);

  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = nullptr;  // no layout files: kiosks must keep nothing
  io.LogFilename = nullptr;
  ImGuiContext& g = *ImGui::GetCurrentContext();
  g.TestEngine = &a11y_;           // read by wasm/imgui_item_hooks.cpp
  g.TestEngineHookItems = true;

  ImGui_ImplGlfw_InitForOpenGL(window_, /*install_callbacks=*/true);
  if (!renderer_.init()) {
    tessera_bridge_fail("This browser could not start the Tessera window.");
    return false;
  }

  emscripten_set_resize_callback(EMSCRIPTEN_EVENT_TARGET_WINDOW, this, false,
                                 [](int, const EmscriptenUiEvent*, void* user) -> EM_BOOL {
                                   static_cast<ClientApp*>(user)->request_frames();
                                   return false;
                                 });
  // Back to this tab: draw, so what the chat shows counts as seen.
  emscripten_set_visibilitychange_callback(this, false,
                                           [](int, const EmscriptenVisibilityChangeEvent*, void* user) -> EM_BOOL {
                                             static_cast<ClientApp*>(user)->request_frames();
                                             return false;
                                           });
  start_flow();  // first: a kiosk's text size decides the fonts
  fit_canvas();
  request_frames();
  return true;
}

void ClientApp::start_flow() {
  char* raw = tessera_page_href();
  std::string href(raw);
  sodium_memzero(raw, href.size());
  std::free(raw);
  const std::string host = page_host(href);
  const std::string_view path = std::string_view(href).substr(href.find(host) + host.size());
  auto redraw = [this] { request_frames(); };
  if (path.rfind("/v/", 0) == 0) {
    patient_ = std::make_unique<PatientFlow>(std::move(href), redraw);
  } else if (path.rfind("/s/", 0) == 0) {
    share_ = std::make_unique<ShareOpener>(std::move(href), redraw);
  } else if (path == "/kiosk" || path.rfind("/kiosk?", 0) == 0 || path.rfind("/kiosk#", 0) == 0) {
    text_size_ = kKioskTextSize;
    kiosk_ = std::make_unique<KioskFlow>(host, redraw, [this] { wipe_typed_input(); });
  } else {
    provider_ = std::make_unique<ProviderFlow>(host, redraw);
  }
  sodium_memzero(href.data(), href.size());
}

void ClientApp::place_videos(const std::array<Rect, 2>& wanted) {
  for (std::size_t slot = 0; slot < wanted.size(); ++slot) {
    if (wanted[slot] == videos_[slot]) continue;
    videos_[slot] = wanted[slot];
    const Rect& r = wanted[slot];
    tessera_video_place(static_cast<int>(slot), r.x, r.y, r.w, r.h);
  }
}

// Before glfwInit: the bridge's keyboard guard must be registered ahead of
// GLFW's window listeners so it can keep keys meant for the DOM layer away
// from them.
void ClientApp::install_bridge() {
  tessera_bridge_init(
      this,
      [](void* user, std::uint32_t id) {
        auto* self = static_cast<ClientApp*>(user);
        if (self->a11y_.request_activation(id)) self->on_input();
      },
      [](void* user, std::uint32_t id, const char* utf8) {
        auto* self = static_cast<ClientApp*>(user);
        if (self->a11y_.set_text_from_dom(id, utf8)) self->on_input();
      },
      [](void* user, std::uint32_t id, const char* key, int key_code, int composing, int shift) -> int {
        auto* self = static_cast<ClientApp*>(user);
        if (!self->a11y_.submit_from_dom(id, {.key = key, .key_code = key_code, .composing = composing != 0,
                                              .shift = shift != 0}))
          return 0;
        self->on_input();
        return 1;
      });
}

void ClientApp::on_input() {
  if (kiosk_) kiosk_->touched();
  request_frames();
}

// The DOM layer's pending text, and ImGui's copy of a field being edited
// (its buffers, undo history and the formatting buffer).
void ClientApp::wipe_typed_input() {
  a11y_.forget_input();
  ImGuiContext& g = *ImGui::GetCurrentContext();
  ImGui::ClearActiveID();
  g.InputTextState.ClearFreeMemory();  // freed blocks are wiped (wasm/wiped_memory)
  sodium_memzero(static_cast<void*>(&g.InputTextState), sizeof g.InputTextState);
  sodium_memzero(g.TempBuffer, sizeof g.TempBuffer);
}

void ClientApp::request_frames(int count) {
  if (frames_wanted_ < count) frames_wanted_ = count;
  if (frame_scheduled_) return;
  frame_scheduled_ = true;
  emscripten_request_animation_frame(
      [](double, void* user) -> EM_BOOL {
        static_cast<ClientApp*>(user)->on_animation_frame();
        return false;  // one frame per request: the loop sleeps when idle
      },
      this);
}

void ClientApp::on_animation_frame() {
  frame_scheduled_ = false;
  draw_frame();
  if (--frames_wanted_ > 0) request_frames(frames_wanted_);
  if (a11y_.has_pending_input()) request_frames();  // input that came faster than frames
}

// Sizes the backbuffer to the canvas's CSS size times devicePixelRatio, so
// text is sharp on phones; ImGui then works in device pixels throughout.
void ClientApp::fit_canvas() {
  double css_w = 0, css_h = 0;
  emscripten_get_element_css_size(kCanvas, &css_w, &css_h);
  const double dpr = emscripten_get_device_pixel_ratio();
  const int w = static_cast<int>(std::lround(css_w * dpr));
  const int h = static_cast<int>(std::lround(css_h * dpr));
  int cur_w = 0, cur_h = 0;
  glfwGetWindowSize(window_, &cur_w, &cur_h);
  if (w != cur_w || h != cur_h) {
    // Not glfwSetWindowSize: Emscripten's GLFW asks for fullscreen when the
    // size equals the screen's (library_glfw.js), as on a kiosk. This resizes
    // the backbuffer, tells GLFW, and leaves the CSS size to the stylesheet.
    tessera_bridge_set_backbuffer_size(w, h);
  }
  if (static_cast<float>(dpr) != scale_ || !body_font_) {
    scale_ = static_cast<float>(dpr);
    load_fonts();
  }
}

void ClientApp::load_fonts() {
  ImGuiIO& io = ImGui::GetIO();
  io.Fonts->Clear();
  std::size_t size = 0;
  std::uint8_t* ttf = tessera_bridge_take_font(&size);
  if (ttf) {
    ImFontConfig config;
    config.FontDataOwnedByAtlas = false;  // one buffer, two sizes: freed below
    const float px = scale_ * text_size_;
    body_font_ = io.Fonts->AddFontFromMemoryTTF(ttf, static_cast<int>(size), kBodyFontPx * px, &config);
    heading_font_ = io.Fonts->AddFontFromMemoryTTF(ttf, static_cast<int>(size), kHeadingFontPx * px, &config);
    io.Fonts->Build();
    std::free(ttf);
  } else {
    // The loader always provides the font; the bitmap fallback keeps the page usable.
    body_font_ = heading_font_ = io.Fonts->AddFontDefault();
  }
  renderer_.upload_fonts();
  ImGui::GetStyle() = ImGuiStyle();
  ImGui::StyleColorsLight();
  ImGuiStyle& style = ImGui::GetStyle();
  style.FrameRounding = 6.0f;
  style.WindowBorderSize = 0.0f;
  style.FramePadding = ImVec2(12.0f, 10.0f);
  style.ItemSpacing = ImVec2(12.0f, 14.0f);
  style.ScaleAllSizes(scale_ * text_size_);
}

void ClientApp::draw_frame() {
  fit_canvas();
  ImGui_ImplGlfw_NewFrame();
  ImGui::NewFrame();
  a11y_.begin_frame();

  const ImGuiViewport* viewport = ImGui::GetMainViewport();
  ImGui::SetNextWindowPos(viewport->Pos);
  ImGui::SetNextWindowSize(viewport->Size);
  ImGui::Begin("Tessera", nullptr, ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                                       ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoBringToFrontOnFocus);
  const float content_w = std::min(viewport->Size.x - 32.0f * scale_, kMaxContentWidthPx * scale_ * text_size_);
  float margin = (viewport->Size.x - content_w) * 0.5f;
  // A call's chat gets a column beside the content when the screen is wide enough.
  Rect side{};
  const float gap = 16.0f * scale_;
  const bool wants_side = (patient_ && patient_->wants_side_panel()) || (provider_ && provider_->wants_side_panel()) ||
                          (kiosk_ && kiosk_->wants_side_panel());
  if (wants_side && viewport->Size.x - content_w - 3 * gap >= kMinSidePanelPx * scale_ * text_size_) {
    margin = gap;
    side = {viewport->Pos.x + margin + content_w + gap, viewport->Pos.y + 48.0f * scale_,
            viewport->Size.x - content_w - 3 * gap, viewport->Size.y - 64.0f * scale_};
  }
  ImGui::SetCursorPos(ImVec2(margin, 48.0f * scale_));
  ImGui::BeginGroup();
  ImGui::PushItemWidth(content_w);
  ImGui::PushTextWrapPos(margin + content_w);
  ui::Ui ui{a11y_, body_font_, heading_font_, scale_};
  ui.side = side;
  ImGui::PushFont(body_font_);
  if (patient_) patient_->draw(ui);
  if (provider_) provider_->draw(ui);
  if (kiosk_) kiosk_->draw(ui);
  if (share_) share_->draw(ui);
  ImGui::PopFont();
  ImGui::PopTextWrapPos();
  ImGui::PopItemWidth();
  ImGui::EndGroup();
  ImGui::End();

  a11y_.end_frame();
  ImGui::Render();
  int fb_w = 0, fb_h = 0;
  glfwGetFramebufferSize(window_, &fb_w, &fb_h);
  glViewport(0, 0, fb_w, fb_h);
  glClearColor(0.96f, 0.97f, 0.98f, 1.0f);
  glClear(GL_COLOR_BUFFER_BIT);
  renderer_.render(*ImGui::GetDrawData(), fb_w, fb_h);

  place_videos(ui.videos);
  if (auto update = a11y_.take_update()) {
    tessera_bridge_publish_a11y(update->c_str());
    request_frames();  // something changed: let the layout settle
  }
  if (!first_frame_done_) {
    first_frame_done_ = true;
    tessera_bridge_ready();
  }
}

}  // namespace tessera::client
