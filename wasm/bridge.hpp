#pragma once
// The C++ half of the browser bridge: declarations of the functions in
// web/bridge.js (linked with --js-library). All JS interop goes through here.
// Callbacks carry a user pointer, as in datachannel-wasm.
#include <cstddef>
#include <cstdint>

extern "C" {

using TesseraActivateFn = void (*)(void* user, std::uint32_t id);
using TesseraTextFn = void (*)(void* user, std::uint32_t id, const char* utf8);

// A key pressed in a mirror field (keydown): the KeyboardEvent's key,
// keyCode, isComposing and shiftKey. Returns 1 when C++ took it (the bridge
// then cancels its default action), else 0.
using TesseraKeyFn = int (*)(void* user, std::uint32_t id, const char* key, int key_code, int composing, int shift);

// Installs the accessible DOM layer and the keyboard guard; the callbacks
// run from DOM event handlers (a click, an input event or a key on a mirror element).
void tessera_bridge_init(void* user, TesseraActivateFn on_activate, TesseraTextFn on_text, TesseraKeyFn on_key);
// After glfwInit: GLFW's gamepad listeners go (Tessera takes no gamepad
// input, and while a page listens Chromium polls the gamepads 60 times a
// second in the browser's process, for as long as the page lives).
void tessera_bridge_ignore_gamepads();
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

// ---- The signaling WebSocket (text frames). Returns a handle; the close
// callback runs once (code 1006 when the socket never opened). After
// tessera_socket_close no callback runs for that handle.
using TesseraUserFn = void (*)(void* user);
using TesseraUserTextFn = void (*)(void* user, const char* utf8);
using TesseraUserIntFn = void (*)(void* user, int value);
int tessera_socket_open(const char* url, void* user, TesseraUserFn on_open, TesseraUserTextFn on_text,
                        TesseraUserIntFn on_close);
void tessera_socket_send(int socket, const char* utf8);
void tessera_socket_close(int socket);

// ---- The camera and microphone. Empty ids mean the browser's default.
// on_done gets a TesseraMediaResult; the stream shows in video slot 0.
enum TesseraMediaResult { tessera_media_ok = 0, tessera_media_denied = 1, tessera_media_no_device = 2,
                          tessera_media_busy = 3, tessera_media_failed = 4 };
void tessera_media_start(const char* camera_id, const char* microphone_id, void* user, TesseraUserIntFn on_done);
void tessera_media_set_enabled(int audio, int video);
// The microphone's level now, 0-100, or -1 while it cannot be measured.
int tessera_media_level();
// The level is no longer asked for: the meter's audio context goes (a
// running one keeps the browser's audio service busy through the call).
void tessera_media_level_stop();
void tessera_media_stop();
// JSON [{"kind": "camera"|"microphone", "id", "label"}].
void tessera_media_list_devices(void* user, TesseraUserTextFn on_list);

// ---- <video> elements: slot 0 is the self view, slot 1 the remote video.
// The rectangle is in canvas backbuffer pixels; a zero size hides it.
void tessera_video_place(int slot, float x, float y, float w, float h);

// ---- RTCPeerConnection. ice_servers: JSON for RTCConfiguration.iceServers.
// Operations run in call order. on_state gets the index of the W3C
// RTCIceConnectionState (IceConnectionState's order). With media, local
// tracks are those of tessera_media_start and remote tracks show in video
// slot 1; without (media 0: a live share's call), the connection carries
// data channels only and leaves the camera, microphone and videos alone.
// on_channel: the other side opened a data channel (its handle and label);
// attach to it with tessera_channel_listen before returning.
using TesseraCandidateFn = void (*)(void* user, const char* candidate, const char* sdp_mid, int sdp_mline_index);
using TesseraChannelFn = void (*)(void* user, int channel, const char* label);
int tessera_peer_create(const char* ice_servers, int media, void* user, TesseraUserTextFn on_description,
                        TesseraCandidateFn on_candidate, TesseraUserIntFn on_state, TesseraChannelFn on_channel);
void tessera_peer_set_ice_servers(int peer, const char* ice_servers);
void tessera_peer_create_offer(int peer, int ice_restart);
void tessera_peer_create_answer(int peer);
void tessera_peer_set_remote(int peer, const char* type, const char* sdp);
void tessera_peer_add_candidate(int peer, const char* candidate, const char* sdp_mid, int sdp_mline_index);
void tessera_peer_close(int peer);
// One getStats() sample as JSON {"rtt": seconds or -1, "received", "lost", "relayed"}.
void tessera_peer_stats(int peer, void* user, TesseraUserTextFn on_stats);

// ---- RTCDataChannel: binary messages, reliable and ordered. Only sealed
// bytes are ever sent (wasm/visit/visit_chat.hpp). on_drained runs when
// bufferedAmount falls to low_water. on_closed runs once; after
// tessera_channel_close no callback runs for that handle.
using TesseraChannelBytesFn = void (*)(void* user, const std::uint8_t* bytes, int size);
int tessera_channel_create(int peer, const char* label);
void tessera_channel_listen(int channel, int low_water, void* user, TesseraUserFn on_open,
                            TesseraChannelBytesFn on_message, TesseraUserFn on_closed, TesseraUserFn on_drained);
// 1 if handed to the channel, 0 if it is not open.
int tessera_channel_send(int channel, const std::uint8_t* bytes, int size);
double tessera_channel_buffered(int channel);
void tessera_channel_close(int channel);

// ---- The chat panel: DOM elements over a rectangle the layout reserves, so
// every script and emoji renders and screen readers read it (ImGui's font
// cannot). C++ gives the whole state as JSON (wasm/chat_view.cpp); the panel
// only renders it and reports a person's action on an entry (TesseraChatAction),
// and files picked or dropped (a handle for tessera_file_read, the name, size
// and media type the browser gives).
enum TesseraChatAction { tessera_chat_accept = 1, tessera_chat_decline = 2, tessera_chat_cancel = 3 };
using TesseraChatActionFn = void (*)(void* user, double entry, int action);
using TesseraFileChosenFn = void (*)(void* user, int file, const char* name, double size, const char* media_type);
void tessera_chat_attach(void* user, TesseraChatActionFn on_action, TesseraFileChosenFn on_file);
void tessera_chat_place(float x, float y, float w, float h);
void tessera_chat_show(const char* json);
// The call is over: the panel empties and forgets its callbacks.
void tessera_chat_detach();

// ---- Files the person picked: reads of [offset, offset + length), in call
// order; on_read gets the token back, and size -1 if the read failed. The
// bridge wipes its copy after the callback.
using TesseraReadFn = void (*)(void* user, double token, const std::uint8_t* bytes, int size);
void tessera_file_read(int file, double offset, int length, void* user, double token, TesseraReadFn on_read);
void tessera_file_release(int file);

// ---- Downloads of received files, written as they arrive to a file in the
// origin's private file system (never held whole in memory), offered to the
// person as a download once finished, and deleted with the call (or at the
// next start, after a crash). in_memory (a kiosk, for files of at most
// kKioskMaxFileBytes): held in the page's memory only, never written to the
// device, released with the call. size: the size offered, whose room the
// file is given at once where it can be (growing it a block at a time costs
// the browser more); the file ends at the bytes written. Writes run in
// order; on_written gets 1 per write done, 0 when one failed.
int tessera_download_open(const char* name, const char* media_type, double size, int in_memory, void* user,
                          TesseraUserIntFn on_written);
void tessera_download_write(int download, const std::uint8_t* bytes, int size);
void tessera_download_finish(int download);
void tessera_download_abort(int download);

// ---- fetch() of this origin's /api/ with its cookie. Empty body or csrf:
// not sent. status 0: the network failed.
using TesseraFetchFn = void (*)(void* user, int status, const char* body);
void tessera_fetch(const char* method, const char* path, const char* json_body, const char* csrf, void* user,
                   TesseraFetchFn on_done);

// ---- The vault: bytes sealed (AES-GCM) under a non-extractable WebCrypto
// key, kept across a reload: for this tab (sessionStorage holds only the
// ciphertext), or for this device (localStorage: a kiosk's own key). on_loaded
// gets the bytes (size 0: none, or they did not open); the bridge wipes and
// frees its copy after the callback.
using TesseraBytesFn = void (*)(void* user, const std::uint8_t* bytes, int size);
enum TesseraVaultKeep { tessera_vault_tab = 0, tessera_vault_device = 1 };
void tessera_vault_store(const char* name, int lasting, const std::uint8_t* bytes, int size);
void tessera_vault_load(const char* name, int lasting, void* user, TesseraBytesFn on_loaded);
void tessera_vault_erase(const char* name, int lasting);

// ---- The page.
// location.href, fragment included (it never leaves the page); malloc'ed, the caller frees.
char* tessera_page_href();
void tessera_page_set_title(const char* text);
// Says text through the ARIA live region.
void tessera_page_announce(const char* text);
void tessera_page_copy_text(const char* text);
// Asks for fullscreen (a kiosk); call it right after a tap, which browsers require.
void tessera_page_fullscreen();
// Replaces this history entry with path and empties this tab's sessionStorage.
void tessera_page_forget(const char* path);
// A refused message or failed step, as static words (VisitProblem): never content.
void tessera_page_warn(const char* step, const char* error);

// ---- Files (ephemeral shares). Picking: call right after the person's
// press; on_picked gets the name, the type the browser guessed (may be
// empty) and the bytes, or null bytes with the size when the file is larger
// than max_bytes. The bridge wipes and frees its copy after the callback.
using TesseraFilePickedFn = void (*)(void* user, const char* name, const char* type, const std::uint8_t* bytes,
                                     int size);
void tessera_file_pick(int max_bytes, void* user, TesseraFilePickedFn on_picked);
// Bytes as a blob: URL the person can save or see. kind: TesseraBlobKind.
enum TesseraBlobKind { tessera_blob_file = 0, tessera_blob_image = 1, tessera_blob_pdf = 2 };
int tessera_blob_open(const char* name, const char* type, const std::uint8_t* bytes, int size, int kind);
// Saves it under its name (a download).
void tessera_blob_save(int blob);
// Shows an image or PDF over a rectangle (canvas backbuffer pixels; zero size hides it).
void tessera_blob_place(int blob, float x, float y, float w, float h);
void tessera_blob_close(int blob);

// ---- Arrival alerts (the provider's tab may be in the background).
// Browsers let a page make sound only after a person's gesture: call from one
// (a button press) to make the audio context; later chimes then play. It is
// suspended between chimes, so a waiting room or a call costs no audio work.
void tessera_sound_unlock();
// A short two-note chime, if the audio context was unlocked.
void tessera_sound_chime();
// Notification.permission as TesseraNotifyPermission.
enum TesseraNotifyPermission { tessera_notify_unsupported = -1, tessera_notify_default = 0,
                               tessera_notify_granted = 1, tessera_notify_denied = 2 };
int tessera_notify_permission();
// Asks the person (call from a button press); on_done gets the new TesseraNotifyPermission.
void tessera_notify_request(void* user, TesseraUserIntFn on_done);
// A system notification (replacing the previous one with the same tag); a
// click on it brings this tab forward. Never put a name or other content in it.
void tessera_notify_show(const char* title, const char* body, const char* tag);
}
