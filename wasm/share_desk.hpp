#pragma once
// The provider's ephemeral shares (issue 13):
//   "Share a note or file": a note typed here (a few lines of plain text) or
//   a file picked from this computer; how long the link lives (15 minutes to
//   7 days); how often it may be opened (once, 3 times, until it expires);
//   kept in this tab (live) or parked on the clinic's server, sealed
//   ─> the link https://HOST/s/<share-id>#<fragment> with its QR code and
//   "Copy link" ─> the list of this provider's shares with their state, and
//   Destroy for each.
// Everything secret is made here: the share id, the link secret and the
// share's visit key (the same 80-byte seed a visit's come from), and the
// content is sealed here (shared/share_content.hpp) before a parked share's
// bytes go to the gateway. A live share's content stays in this tab, which
// holds the share's signaling room open (a ProviderVisit whose visit is the
// share): each opener who arrives is let in at once (the gateway counts the
// open), on a call with no camera or microphone that carries the same
// sealed bytes over its share channel (ShareChannel); the opener leaves once
// they arrived and the next may come in. Closing the tab, signing out or
// Destroy closes the room, and the gateway ends the share with it.
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "shared/share_content.hpp"
#include "wasm/visit_driver.hpp"
#include "wasm/link_panel.hpp"
#include "wasm/widgets.hpp"

namespace tessera::client {

// The form's choices, in the order shown.
inline constexpr std::int64_t kShareLifetimeMinutes[] = {15, 60, 24 * 60, 7 * 24 * 60};
inline constexpr std::int64_t kShareOpenChoices[] = {1, 3, 0};  // 0: until it expires

class ShareDesk {
 public:
  // host: where links point; redraw: ask for frames after a reply.
  ShareDesk(std::string host, std::function<void()> redraw);
  ShareDesk(const ShareDesk&) = delete;
  ShareDesk& operator=(const ShareDesk&) = delete;
  ~ShareDesk();

  // Coming to the screen: the list is fetched again. provider_name: what the
  // patient will read as the sender (the field starts with it).
  void enter(const std::string& csrf, const std::string& provider_name);
  // Draws the screen; false once the person pressed Back.
  [[nodiscard]] bool draw(ui::Ui& ui);
  // Signing out: every link, content and name this screen held is wiped.
  void forget();

  // What a row of the list says about a share's state ("Opened 2 times").
  [[nodiscard]] static std::string state_words(std::string_view state, std::int64_t opens, std::int64_t max_opens);

 private:
  struct Row {
    std::string id, mode, state;
    std::int64_t opens = 0, max_opens = 0, expires = 0;
  };
  // A live share this tab holds: its signaling room (open while this tab
  // is; the gateway ends the share when it goes), whose driver keeps the
  // sealed content to send.
  struct LiveShare {
    std::unique_ptr<VisitDriver<ProviderVisit>> room;
    bool in_call = false;        // an opener is being sent the content
    std::int64_t opens_left = 0;  // openers this tab still lets in; -1: until it expires
  };
  struct Picked {
    std::string name, type;
    SecretBuffer bytes;
  };

  void create();
  void host(const std::string& id, VisitKeys keys, std::vector<std::uint8_t> sealed, std::int64_t max_opens);
  void on_room_change(const std::string& id);
  void refresh();
  void destroy(const std::string& id);
  void on_picked(const char* name, const char* type, const std::uint8_t* bytes, int size);
  void draw_form(ui::Ui& ui);
  void draw_list(ui::Ui& ui);
  void clear_form();

  std::function<void()> redraw_;
  std::string host_;
  std::string csrf_;
  std::string provider_name_;
  int kind_ = 0;       // 0 a note, 1 a file
  int lifetime_ = 1;   // index into kShareLifetimeMinutes
  int opens_ = 0;      // index into kShareOpenChoices
  int keep_ = 0;       // 0 live (in this tab, the default), 1 parked
  std::string note_;
  std::optional<Picked> file_;
  const char* error_ = nullptr;
  std::string file_problem_;
  bool busy_ = false;
  LinkPanel link_;
  std::vector<Row> rows_;
  std::map<std::string, LiveShare> live_;       // share id -> what this tab holds for it
  std::map<std::string, std::string> labels_;  // share id -> what it was ("Note: Take 5 mg..."), this tab only
};

}  // namespace tessera::client
