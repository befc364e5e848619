#include "wasm/imgui_renderer.hpp"

#include <GLES3/gl3.h>
#include <imgui.h>

#include <cstddef>
#include <cstdint>

#include "wasm/bridge.hpp"

namespace tessera::client {
namespace {

constexpr const char* kVertexShader = R"(#version 300 es
uniform mat4 projection;
layout (location = 0) in vec2 position;
layout (location = 1) in vec2 uv;
layout (location = 2) in vec4 color;
out vec2 frag_uv;
out vec4 frag_color;
void main() {
  frag_uv = uv;
  frag_color = color;
  gl_Position = projection * vec4(position, 0.0, 1.0);
})";

constexpr const char* kFragmentShader = R"(#version 300 es
precision mediump float;
uniform sampler2D glyphs;
in vec2 frag_uv;
in vec4 frag_color;
layout (location = 0) out vec4 out_color;
void main() {
  out_color = frag_color * texture(glyphs, frag_uv);
})";

GLuint compile(GLenum kind, const char* source) {
  const GLuint shader = glCreateShader(kind);
  glShaderSource(shader, 1, &source, nullptr);
  glCompileShader(shader);
  GLint ok = GL_FALSE;  // read once, at start-up: never per frame
  glGetShaderiv(shader, GL_COMPILE_STATUS, &ok);
  if (ok != GL_TRUE) {
    glDeleteShader(shader);
    return 0;
  }
  return shader;
}

}  // namespace

ImGuiRenderer::~ImGuiRenderer() {
  if (font_texture_) glDeleteTextures(1, &font_texture_);
  if (vertices_) glDeleteBuffers(1, &vertices_);
  if (indices_) glDeleteBuffers(1, &indices_);
  if (vertex_array_) glDeleteVertexArrays(1, &vertex_array_);
  if (program_) glDeleteProgram(program_);
}

bool ImGuiRenderer::init() {
  const GLuint vs = compile(GL_VERTEX_SHADER, kVertexShader);
  const GLuint fs = compile(GL_FRAGMENT_SHADER, kFragmentShader);
  if (!vs || !fs) {
    tessera_page_warn("imgui_renderer", "shader_compile_failed");
    return false;
  }
  program_ = glCreateProgram();
  glAttachShader(program_, vs);
  glAttachShader(program_, fs);
  glLinkProgram(program_);
  glDeleteShader(vs);
  glDeleteShader(fs);
  GLint linked = GL_FALSE;
  glGetProgramiv(program_, GL_LINK_STATUS, &linked);
  if (linked != GL_TRUE) {
    tessera_page_warn("imgui_renderer", "program_link_failed");
    return false;
  }
  projection_ = glGetUniformLocation(program_, "projection");
  texture_ = glGetUniformLocation(program_, "glyphs");

  // One vertex array holds the layout of ImDrawVert and the index buffer binding.
  glGenVertexArrays(1, &vertex_array_);
  glGenBuffers(1, &vertices_);
  glGenBuffers(1, &indices_);
  glBindVertexArray(vertex_array_);
  glBindBuffer(GL_ARRAY_BUFFER, vertices_);
  glBindBuffer(GL_ELEMENT_ARRAY_BUFFER, indices_);
  glEnableVertexAttribArray(0);
  glEnableVertexAttribArray(1);
  glEnableVertexAttribArray(2);
  const auto offset = [](std::size_t bytes) { return reinterpret_cast<const void*>(bytes); };
  glVertexAttribPointer(0, 2, GL_FLOAT, GL_FALSE, sizeof(ImDrawVert), offset(offsetof(ImDrawVert, pos)));
  glVertexAttribPointer(1, 2, GL_FLOAT, GL_FALSE, sizeof(ImDrawVert), offset(offsetof(ImDrawVert, uv)));
  glVertexAttribPointer(2, 4, GL_UNSIGNED_BYTE, GL_TRUE, sizeof(ImDrawVert), offset(offsetof(ImDrawVert, col)));
  glBindVertexArray(0);
  ImGui::GetIO().BackendRendererName = "tessera_webgl2";
  return true;
}

void ImGuiRenderer::upload_fonts() {
  ImGuiIO& io = ImGui::GetIO();
  unsigned char* pixels = nullptr;
  int w = 0;
  int h = 0;
  io.Fonts->GetTexDataAsRGBA32(&pixels, &w, &h);
  if (font_texture_) glDeleteTextures(1, &font_texture_);
  glGenTextures(1, &font_texture_);
  glBindTexture(GL_TEXTURE_2D, font_texture_);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
  glPixelStorei(GL_UNPACK_ROW_LENGTH, 0);
  glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA, w, h, 0, GL_RGBA, GL_UNSIGNED_BYTE, pixels);
  io.Fonts->SetTexID(reinterpret_cast<ImTextureID>(static_cast<std::intptr_t>(font_texture_)));
}

void ImGuiRenderer::set_state(const ImDrawData& data, int framebuffer_w, int framebuffer_h) {
  glViewport(0, 0, framebuffer_w, framebuffer_h);
  glEnable(GL_BLEND);
  glBlendEquation(GL_FUNC_ADD);
  glBlendFuncSeparate(GL_SRC_ALPHA, GL_ONE_MINUS_SRC_ALPHA, GL_ONE, GL_ONE_MINUS_SRC_ALPHA);
  glDisable(GL_CULL_FACE);
  glDisable(GL_DEPTH_TEST);
  glDisable(GL_STENCIL_TEST);
  glEnable(GL_SCISSOR_TEST);
  // Display space to clip space, upside down: the top of the display at the
  // framebuffer's first row, which the page flips back (web/style.css,
  // #canvas), so Chromium culls the right part of the canvas under a video.
  const float l = data.DisplayPos.x;
  const float r = data.DisplayPos.x + data.DisplaySize.x;
  const float t = data.DisplayPos.y;
  const float b = data.DisplayPos.y + data.DisplaySize.y;
  const float projection[16] = {
      2.0f / (r - l),    0.0f,              0.0f,  0.0f,  //
      0.0f,              2.0f / (b - t),    0.0f,  0.0f,  //
      0.0f,              0.0f,              -1.0f, 0.0f,  //
      (r + l) / (l - r), (t + b) / (t - b), 0.0f,  1.0f,
  };
  glUseProgram(program_);
  glUniform1i(texture_, 0);
  glUniformMatrix4fv(projection_, 1, GL_FALSE, projection);
  glActiveTexture(GL_TEXTURE0);
  glBindVertexArray(vertex_array_);
  glBindBuffer(GL_ARRAY_BUFFER, vertices_);
}

void ImGuiRenderer::render(const ImDrawData& data, int framebuffer_w, int framebuffer_h) {
  if (framebuffer_w <= 0 || framebuffer_h <= 0) return;
  set_state(data, framebuffer_w, framebuffer_h);
  const ImVec2 origin = data.DisplayPos;
  const ImVec2 scale = data.FramebufferScale;
  constexpr GLenum kIndexType = sizeof(ImDrawIdx) == 2 ? GL_UNSIGNED_SHORT : GL_UNSIGNED_INT;
  for (int n = 0; n < data.CmdListsCount; ++n) {
    const ImDrawList& list = *data.CmdLists[n];
    glBufferData(GL_ARRAY_BUFFER, static_cast<GLsizeiptr>(list.VtxBuffer.Size) * sizeof(ImDrawVert),
                 list.VtxBuffer.Data, GL_STREAM_DRAW);
    glBufferData(GL_ELEMENT_ARRAY_BUFFER, static_cast<GLsizeiptr>(list.IdxBuffer.Size) * sizeof(ImDrawIdx),
                 list.IdxBuffer.Data, GL_STREAM_DRAW);
    for (const ImDrawCmd& cmd : list.CmdBuffer) {
      if (cmd.UserCallback) {
        // No widget of ours adds callbacks; honour ImGui's one request anyway.
        if (cmd.UserCallback == ImDrawCallback_ResetRenderState) set_state(data, framebuffer_w, framebuffer_h);
        continue;
      }
      const ImVec2 min((cmd.ClipRect.x - origin.x) * scale.x, (cmd.ClipRect.y - origin.y) * scale.y);
      const ImVec2 max((cmd.ClipRect.z - origin.x) * scale.x, (cmd.ClipRect.w - origin.y) * scale.y);
      if (max.x <= min.x || max.y <= min.y) continue;
      glScissor(static_cast<GLint>(min.x), static_cast<GLint>(min.y),  // rows upside down, as above
                static_cast<GLsizei>(max.x - min.x), static_cast<GLsizei>(max.y - min.y));
      glBindTexture(GL_TEXTURE_2D, static_cast<GLuint>(reinterpret_cast<std::intptr_t>(cmd.GetTexID())));
      // WebGL2 has no base vertex: ImGui splits lists at 64k vertices instead
      // (RendererHasVtxOffset is not set), so VtxOffset is always 0.
      glDrawElements(GL_TRIANGLES, static_cast<GLsizei>(cmd.ElemCount), kIndexType,
                     reinterpret_cast<const void*>(static_cast<std::intptr_t>(cmd.IdxOffset * sizeof(ImDrawIdx))));
    }
  }
  // The next frame's clear covers the whole canvas.
  glDisable(GL_SCISSOR_TEST);
  glBindVertexArray(0);
}

}  // namespace tessera::client
