#pragma once
// Whether a person's microphone and camera are on, as the other side of the
// call is told (PROTOCOL.md §7.5): a sealed control envelope whose body is
//   {"control":"media","microphone":true|false,"camera":true|false}
// exactly those three members. Muting stops our own track (track.enabled);
// this message only lets the other screen say so in words, since a muted
// track and a silent room look the same from the far end.
#include <optional>
#include <string>
#include <string_view>

namespace tessera::client {

struct MediaState {
  bool microphone = true;
  bool camera = true;
  friend bool operator==(const MediaState&, const MediaState&) = default;
};

// The control envelope's body for this state.
[[nodiscard]] std::string media_state_body(MediaState state);
// A control body that is a media state, or nullopt (another control word, or
// anything not exactly of the schema above).
[[nodiscard]] std::optional<MediaState> media_state_parse(std::string_view body);

}  // namespace tessera::client
