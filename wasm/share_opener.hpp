#pragma once
// The page behind a share link, https://HOST/s/<share-id>#<fragment>
// (issue 13):
//   link ─bad fragment─> "this link is incomplete"
//   link ─ok─> "Open" (nothing is fetched or counted before the press: a link
//   previewer that loads the page uses nothing up)
//   ─Open─> POST /api/shares/ID/open with the link's open proof
//     parked: the sealed bytes, opened here with the fragment's secret ─>
//       "From <provider>", the note, or the file (name, size, type; Save; an
//       image or PDF previewed)
//     live: the provider's tab is reached through signaling as a visit's
//       guest, with no camera or microphone; it admits us and sends the
//       sealed bytes over the call's share channel, opened and shown as a
//       parked share's, and the room is left; no open room: "ask your
//       provider to open Tessera"
//     refused: expired / destroyed / used up / wrong link / not found, in words
// The content stays in this module's memory and reaches only the screen, or
// a blob: URL the person saves; it is wiped with this page.
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "shared/share_content.hpp"
#include "wasm/visit_driver.hpp"
#include "wasm/widgets.hpp"

namespace tessera::client {

// Media types the browser is asked to preview: images it draws in <img>
// (never SVG, which can carry script) and PDF.
enum class SharePreview { none, image, pdf };
[[nodiscard]] SharePreview share_preview_kind(std::string_view media_type);

class ShareOpener {
 public:
  // link: the page's address with its fragment (wiped once parsed).
  ShareOpener(std::string link, std::function<void()> redraw);
  ShareOpener(const ShareOpener&) = delete;
  ShareOpener& operator=(const ShareOpener&) = delete;
  ~ShareOpener();

  void draw(ui::Ui& ui);

  // The gateway's refusal ("expired", "used up", ...) or the page's own, as
  // the screen says it.
  [[nodiscard]] static const char* refusal_text(int status, std::string_view error);

 private:
  enum class Step { bad_link, ready, opening, shown, refused, live };

  void open();
  void on_opened(int status, std::string_view body);
  void show(ShareContent content);
  void start_live();
  void on_live_change();
  void refuse(const char* message);
  void leave_later();
  static void on_leave_timer(void* user);

  void draw_shown(ui::Ui& ui);

  std::function<void()> redraw_;
  Step step_ = Step::bad_link;
  std::optional<VisitLink> link_;
  const char* message_ = "";
  std::optional<ShareContent> content_;
  int blob_ = 0;  // the file as a blob: URL, while shown
  SharePreview preview_ = SharePreview::none;
  std::unique_ptr<VisitDriver<GuestVisit>> live_;
  long leave_timer_ = 0;
};

}  // namespace tessera::client
