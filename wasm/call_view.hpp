#pragma once
// The part of the call screen both sides share: the remote video large, the
// self view small in its corner, a status line in plain words, the safety
// code with its "read it aloud" prompt, and the mute and camera buttons.
// Hang up differs per side and is the caller's.
#include <string>

#include "wasm/connection_quality.hpp"
#include "wasm/local_media.hpp"
#include "wasm/visit/visit_session.hpp"
#include "wasm/widgets.hpp"

namespace tessera::client {

// peer: who is on the other end, as the prompt says it ("your care team").
void draw_call_view(ui::Ui& ui, const VisitSession& visit, IceConnectionState ice,
                    const ConnectionQuality& quality, LocalMedia& media, const char* peer);

// "You have waited 3 minutes" for whole minutes waited.
[[nodiscard]] std::string waited_text(const char* who, long minutes);

}  // namespace tessera::client
