#pragma once
// Draws ImGui's draw lists with WebGL2. In place of imgui_impl_opengl3,
// whose RenderDrawData saves and restores the GL state around every frame
// with glGetIntegerv / glIsEnabled: in Chromium several of those are
// synchronous round trips to the GPU process that wait for all the work
// before them, which cost 20-60 ms of the page's main thread per frame
// under software GL and held back the visit's socket and WebRTC callbacks.
// This page has one GL user, so the state is simply set, never read back.
#include <cstdint>

struct ImDrawData;

namespace tessera::client {

class ImGuiRenderer {
 public:
  ImGuiRenderer() = default;
  ImGuiRenderer(const ImGuiRenderer&) = delete;
  ImGuiRenderer& operator=(const ImGuiRenderer&) = delete;
  ~ImGuiRenderer();

  // Shaders, buffers. False if WebGL2 refused the shaders (a warning names which step).
  [[nodiscard]] bool init();
  // The font atlas as a texture, again whenever the fonts were rebuilt.
  void upload_fonts();
  // Draws a frame's lists into the framebuffer of the given size.
  void render(const ImDrawData& data, int framebuffer_w, int framebuffer_h);

 private:
  void set_state(const ImDrawData& data, int framebuffer_w, int framebuffer_h);

  std::uint32_t program_ = 0;
  std::uint32_t vertex_array_ = 0;
  std::uint32_t vertices_ = 0;
  std::uint32_t indices_ = 0;
  std::uint32_t font_texture_ = 0;
  std::int32_t projection_ = -1;
  std::int32_t texture_ = -1;
};

}  // namespace tessera::client
