#include "wasm/local_media.hpp"

#include <nlohmann/json.hpp>

#include "wasm/bridge.hpp"

namespace tessera::client {

const char* local_media_help(LocalMedia::State state) {
  switch (state) {
    case LocalMedia::State::denied:
      return "Your browser is not letting Tessera use the camera and microphone. Click the camera icon in the "
             "address bar (or open the site settings), choose Allow, then press Try again.";
    case LocalMedia::State::no_device:
      return "No camera or microphone was found. Plug one in or turn it on, then press Try again.";
    case LocalMedia::State::busy:
      return "The camera or microphone is in use by another app. Close that app, then press Try again.";
    case LocalMedia::State::failed:
      return "The camera and microphone could not start in this browser. Try again, or open the link in "
             "a current Chrome, Edge, Firefox or Safari.";
    case LocalMedia::State::off:
    case LocalMedia::State::asking:
    case LocalMedia::State::on: return "";
  }
  return "";
}

void LocalMedia::start() {
  state_ = State::asking;
  tessera_media_start(camera_.c_str(), microphone_.c_str(), this, started);
  if (on_change_) on_change_();
}

void LocalMedia::choose_camera(const std::string& id) {
  if (id == camera_) return;
  camera_ = id;
  start();
}

void LocalMedia::choose_microphone(const std::string& id) {
  if (id == microphone_) return;
  microphone_ = id;
  start();
}

void LocalMedia::set_muted(bool muted) {
  muted_ = muted;
  apply_enabled();
}

void LocalMedia::set_camera_off(bool off) {
  camera_off_ = off;
  apply_enabled();
}

void LocalMedia::apply_enabled() {
  tessera_media_set_enabled(!muted_, !camera_off_);
  if (on_change_) on_change_();
}

int LocalMedia::level() const { return state_ == State::on ? tessera_media_level() : -1; }

void LocalMedia::stop_level() { tessera_media_level_stop(); }

void LocalMedia::stop() {
  if (state_ == State::off) return;
  tessera_media_stop();
  state_ = State::off;
}

void LocalMedia::started(void* user, int result) {
  auto* self = static_cast<LocalMedia*>(user);
  switch (result) {
    case tessera_media_ok: self->state_ = State::on; break;
    case tessera_media_denied: self->state_ = State::denied; break;
    case tessera_media_no_device: self->state_ = State::no_device; break;
    case tessera_media_busy: self->state_ = State::busy; break;
    default: self->state_ = State::failed; break;
  }
  // With permission the labels are known: list the devices to choose from.
  tessera_media_list_devices(self, listed);
  if (self->on_change_) self->on_change_();
}

void LocalMedia::listed(void* user, const char* json) {
  auto* self = static_cast<LocalMedia*>(user);
  const auto list = nlohmann::json::parse(json, nullptr, false);
  self->cameras_.clear();
  self->microphones_.clear();
  if (!list.is_array()) return;
  for (const auto& d : list) {
    if (!d.is_object() || !d.contains("kind") || !d.contains("id") || !d.contains("label")) continue;
    if (!d["kind"].is_string() || !d["id"].is_string() || !d["label"].is_string()) continue;
    MediaDevice device{d["id"].get<std::string>(), d["label"].get<std::string>()};
    if (device.label.empty()) device.label = "Unnamed device";
    (d["kind"] == "camera" ? self->cameras_ : self->microphones_).push_back(std::move(device));
  }
  if (self->on_change_) self->on_change_();
}

}  // namespace tessera::client
