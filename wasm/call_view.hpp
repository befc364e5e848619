#pragma once
// The part of the call screen both sides share: the remote video large, the
// self view small (in the remote video's corner until dragged, or moved with
// a button), a status line in plain words, what the other side has muted,
// the safety code with its "read it aloud" prompt, the mute and camera
// buttons, and the camera and microphone pickers (a switch mid-call replaces
// the tracks the call sends; no renegotiation). Hang up differs per side and
// is the caller's.
#include <string>

#include "wasm/connection_quality.hpp"
#include "wasm/local_media.hpp"
#include "wasm/self_view.hpp"
#include "wasm/visit/visit_session.hpp"
#include "wasm/widgets.hpp"

namespace tessera::client {

class CallView {
 public:
  // peer: who is on the other end, as the prompt says it ("your care team");
  // peer_name: how the other side's mute and camera are spoken of ("Dr. Lee", or peer).
  // True when this page's mute or camera changed: the caller tells the visit
  // (VisitSession::set_local_media with local_media_state) and pumps it.
  [[nodiscard]] bool draw(ui::Ui& ui, const VisitSession& visit, IceConnectionState ice,
                          const ConnectionQuality& quality, LocalMedia& media, const char* peer,
                          const std::string& peer_name);
  // Says the other side muting or turning its camera off (and back on) once,
  // through the live region. Called from the visit's callbacks, so a
  // background tab still says it.
  void announce(const VisitSession& visit, const std::string& peer_name);

 private:
  void draw_self_view(ui::Ui& ui, Rect remote);

  SelfViewPlacement self_view_;
  MediaState said_;
};

// The camera and microphone pickers, and why a chosen device did not start.
void draw_device_pickers(ui::Ui& ui, LocalMedia& media);

// What this page sends, as the other side is told.
[[nodiscard]] MediaState local_media_state(const LocalMedia& media);

// "You have waited 3 minutes" for whole minutes waited.
[[nodiscard]] std::string waited_text(const char* who, long minutes);

}  // namespace tessera::client
