#pragma once
// The C++ half of the browser bridge: declarations of the functions in
// web/bridge.js (linked with --js-library). All JS interop goes through here.
// Callbacks carry a user pointer, as in datachannel-wasm.
#include <cstddef>
#include <cstdint>

extern "C" {

using TesseraActivateFn = void (*)(void* user, std::uint32_t id);
using TesseraTextFn = void (*)(void* user, std::uint32_t id, const char* utf8);

// Installs the accessible DOM layer and the keyboard guard; the callbacks
// run from DOM event handlers (a click or an input event on a mirror element).
void tessera_bridge_init(void* user, TesseraActivateFn on_activate, TesseraTextFn on_text);
// Replaces the DOM layer's contents with this JSON list of nodes (see
// wasm/accessibility_tree.hpp); positions are in canvas backbuffer pixels.
void tessera_bridge_publish_a11y(const char* json);
// The UI font the loader fetched; the returned buffer is malloc'ed and owned
// by the caller (ImGui frees it). Null if the loader had none.
std::uint8_t* tessera_bridge_take_font(std::size_t* size);
// Resizes the canvas backbuffer (not its CSS size) and tells GLFW.
void tessera_bridge_set_backbuffer_size(int width, int height);
// The first frame is on screen: hide the loader.
void tessera_bridge_ready();
// Something the client cannot recover from: show a message instead of the UI.
void tessera_bridge_fail(const char* message);
}
