#include "wasm/visit/media_state.hpp"

#include <nlohmann/json.hpp>

namespace tessera::client {

namespace {
constexpr const char* kControlMedia = "media";
}  // namespace

std::string media_state_body(MediaState state) {
  nlohmann::json j = nlohmann::json::object();
  j["control"] = kControlMedia;
  j["microphone"] = state.microphone;
  j["camera"] = state.camera;
  return j.dump();
}

std::optional<MediaState> media_state_parse(std::string_view body) {
  const auto j = nlohmann::json::parse(body, nullptr, false);
  if (j.is_discarded() || !j.is_object() || j.size() != 3) return std::nullopt;
  const auto control = j.find("control");
  const auto microphone = j.find("microphone");
  const auto camera = j.find("camera");
  if (control == j.end() || !control->is_string() || control->get<std::string>() != kControlMedia)
    return std::nullopt;
  if (microphone == j.end() || !microphone->is_boolean() || camera == j.end() || !camera->is_boolean())
    return std::nullopt;
  return MediaState{microphone->get<bool>(), camera->get<bool>()};
}

}  // namespace tessera::client
