#pragma once
// This page's camera and microphone: the device check's state (asking,
// on, or why not), the devices to choose from, mute and camera off. The
// stream itself stays in the browser (web/bridge.js); the self view shows
// in the self <video> slot and a peer connection sends its tracks.
#include <functional>
#include <string>
#include <vector>

namespace tessera::client {

struct MediaDevice {
  std::string id;
  std::string label;
};

class LocalMedia {
 public:
  enum class State { off, asking, on, denied, no_device, busy, failed };

  explicit LocalMedia(std::function<void()> on_change) : on_change_(std::move(on_change)) {}
  LocalMedia(const LocalMedia&) = delete;
  LocalMedia& operator=(const LocalMedia&) = delete;
  ~LocalMedia() { stop(); }

  // Asks for the chosen camera and microphone (the browser's default at first).
  void start();
  void choose_camera(const std::string& id);
  void choose_microphone(const std::string& id);
  void set_muted(bool muted);
  void set_camera_off(bool off);
  // Releases the devices (the camera light goes off).
  void stop();

  // The microphone's level (0-100), or -1 while it cannot be measured.
  [[nodiscard]] int level() const;
  // The level is no longer shown: its measuring stops until level() is asked again.
  void stop_level();
  [[nodiscard]] State state() const { return state_; }
  [[nodiscard]] bool muted() const { return muted_; }
  [[nodiscard]] bool camera_off() const { return camera_off_; }
  [[nodiscard]] const std::vector<MediaDevice>& cameras() const { return cameras_; }
  [[nodiscard]] const std::vector<MediaDevice>& microphones() const { return microphones_; }
  [[nodiscard]] const std::string& camera() const { return camera_; }
  [[nodiscard]] const std::string& microphone() const { return microphone_; }

 private:
  static void started(void* user, int result);
  static void listed(void* user, const char* json);
  void apply_enabled();

  std::function<void()> on_change_;
  State state_ = State::off;
  bool muted_ = false;
  bool camera_off_ = false;
  std::string camera_, microphone_;  // chosen device ids; empty: the default
  std::vector<MediaDevice> cameras_, microphones_;
};

// What to tell a person whose devices did not start, with what to do next.
[[nodiscard]] const char* local_media_help(LocalMedia::State state);

}  // namespace tessera::client
