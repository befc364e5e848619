#include "wasm/share_opener.hpp"

#include <emscripten/eventloop.h>
#include <imgui.h>
#include <sodium.h>

#include <algorithm>
#include <chrono>
#include <nlohmann/json.hpp>

#include "shared/base64url.hpp"
#include "wasm/api_request.hpp"
#include "wasm/bridge.hpp"

namespace tessera::client {
namespace {

constexpr const char* kBadLink =
    "This link is incomplete or was changed, so it opens nothing. Ask the person who sent it for the whole link.";
constexpr const char* kOffline =
    "Your provider is not online right now, and this share lives in their browser. Ask your provider to open "
    "Tessera, then open this link again.";
constexpr const char* kBusy =
    "Someone else is opening this share right now. Wait a minute, then press Open again.";
constexpr const char* kCut =
    "The connection to your provider's browser was lost before the share arrived. Press Open to try again.";

}  // namespace

SharePreview share_preview_kind(std::string_view media_type) {
  for (const std::string_view image : {"image/png", "image/jpeg", "image/gif", "image/webp"})
    if (media_type == image) return SharePreview::image;
  if (media_type == "application/pdf") return SharePreview::pdf;
  return SharePreview::none;
}

const char* ShareOpener::refusal_text(int status, std::string_view error) {
  if (status == 410 && error == "expired")
    return "This share has expired. Ask your provider to share it again if you still need it.";
  if (status == 410 && error == "used up")
    return "This share was already opened as many times as allowed, so it is gone. Ask your provider to share "
           "it again if you need it.";
  if (status == 410) return "This share is gone: your provider destroyed it or closed the page that held it.";
  if (status == 403 && error == "wrong link") return kBadLink;
  if (status == 404) return "There is no share at this link. It may have ended a while ago.";
  if (status == 429) return "This share was opened too often just now. Wait a minute, then press Open again.";
  if (status == 0) return "The clinic's server could not be reached. Check your connection, then press Open again.";
  return "Something went wrong opening this share. Press Open again; if it keeps happening, contact your clinic.";
}

ShareOpener::ShareOpener(std::string link, std::function<void()> redraw) : redraw_(std::move(redraw)) {
  auto parsed = share_link_parse(link);
  sodium_memzero(link.data(), link.size());
  if (!parsed) {
    step_ = Step::bad_link;
    message_ = kBadLink;
    return;
  }
  link_.emplace(std::move(parsed).value());
  step_ = Step::ready;
}

ShareOpener::~ShareOpener() {
  if (leave_timer_) emscripten_clear_timeout(leave_timer_);
  if (blob_) tessera_blob_close(blob_);
}

void ShareOpener::open() {
  step_ = Step::opening;
  const auto proof = share_open_proof(link_->link_secret, link_->visit_id);
  const nlohmann::json body = {{"proof", base64url_encode(proof)}};
  api_request("POST", "/api/shares/" + visit_id_format(link_->visit_id) + "/open", body.dump(), "",
              [this](int status, std::string_view reply) { on_opened(status, reply); });
}

void ShareOpener::on_opened(int status, std::string_view body) {
  const auto j = nlohmann::json::parse(body, nullptr, false);
  const std::string error = j.is_object() ? j.value("error", "") : "";
  if (status != 200 || !j.is_object()) return refuse(refusal_text(status, error));
  if (j.value("mode", "") == "live") return start_live();
  const auto sealed = base64url_decode(j.value("sealed", ""));
  auto content = sealed ? share_open(link_->link_secret, link_->visit_id, *sealed)
                        : Result<ShareContent, ShareContentError>(ShareContentError::bad_size);
  if (!content) return refuse(kBadLink);
  show(std::move(content).value());
}

void ShareOpener::show(ShareContent content) {
  content_.emplace(std::move(content));
  step_ = Step::shown;
  if (content_->kind == ShareKind::file) {
    preview_ = share_preview_kind(content_->media_type);
    const int kind = preview_ == SharePreview::image ? tessera_blob_image
                     : preview_ == SharePreview::pdf ? tessera_blob_pdf
                                                     : tessera_blob_file;
    blob_ = tessera_blob_open(content_->file_name.c_str(), content_->media_type.c_str(), content_->body.data(),
                              static_cast<int>(content_->body.size()), kind);
  }
  tessera_page_announce(("Opened. From " + content_->provider_name + ".").c_str());
  redraw_();
}

// A live share: its provider's tab is reached as a visit's guest (the share
// link's fragment is a visit link's). No open room means the provider is away.
void ShareOpener::start_live() {
  step_ = Step::live;
  if (leave_timer_) emscripten_clear_timeout(leave_timer_);  // the last try's room goes with its driver
  leave_timer_ = 0;
  auto as_visit = visit_link_format(*link_);
  std::array<std::uint8_t, kSeedBytes> seed{};
  randombytes_buf(seed.data(), seed.size());
  auto visit = as_visit ? GuestVisit::start(as_visit->view(), "Opening a share", seed)
                        : Result<GuestVisit, GuestStartError>(GuestStartError{});
  sodium_memzero(seed.data(), seed.size());
  if (!visit) return refuse(kBadLink);
  live_ = std::make_unique<VisitDriver<GuestVisit>>(std::move(visit.value()), [this] { on_live_change(); },
                                                     CallKind::share, std::vector<std::uint8_t>{});
  live_->pump();
  redraw_();
}

// The provider's tab admits the opener and sends the sealed content over the
// call's share channel; it is opened exactly as a parked share's is.
void ShareOpener::on_live_change() {
  if (step_ != Step::live) return redraw_();  // shown, or refused: the call is being left
  const GuestVisit& v = live_->visit();
  ShareChannel* share = live_->share();
  if (const auto sealed = share ? share->received() : std::nullopt) {
    auto content = share_open(link_->link_secret, link_->visit_id, *sealed);
    if (content) {
      show(std::move(content).value());
    } else {
      refuse(kBadLink);
    }
    return leave_later();
  }
  if (v.phase() == VisitPhase::ended || v.phase() == VisitPhase::denied) {
    // The room holds the provider and one opener at a time.
    refuse(v.end_reason() == EndReason::no_visit     ? kOffline
           : v.end_reason() == EndReason::visit_full ? kBusy
                                                     : "This share is gone: your provider destroyed it or closed "
                                                       "the page that held it.");
  } else if (share && share->failed()) {
    refuse(kCut);
    leave_later();
  }
  redraw_();
}

void ShareOpener::refuse(const char* message) {
  step_ = Step::refused;
  message_ = message;
  tessera_page_announce(message_);
  redraw_();
}

// The room is left once the content came (so the provider's tab can let the
// next opener in), after the share channel's callback that got here returns.
void ShareOpener::leave_later() {
  if (!leave_timer_) leave_timer_ = emscripten_set_timeout(on_leave_timer, 0, this);
}

void ShareOpener::on_leave_timer(void* user) {
  auto* self = static_cast<ShareOpener*>(user);
  self->leave_timer_ = 0;
  if (!self->live_) return;
  self->live_->visit().leave(std::chrono::steady_clock::now());
  self->live_->pump();
}

// ---------------------------------------------------------------------------
// screens

void ShareOpener::draw(ui::Ui& ui) {
  switch (step_) {
    case Step::bad_link:
      ui::heading(ui, "This link does not work");
      return ui::paragraph(ui, message_);
    case Step::ready:
      ui::heading(ui, "Something was shared with you");
      ui::paragraph(ui, "Someone at your clinic shared a note or a file with you. It may open only once: press "
                        "Open when you are ready to read it.");
      if (ui::button(ui, "Open")) open();
      return;
    case Step::opening:
      ui::heading(ui, "Something was shared with you");
      return ui::paragraph(ui, "Opening...");
    case Step::live:
      ui::heading(ui, "Something was shared with you");
      return ui::paragraph(ui, live_->visit().phase() == VisitPhase::waiting_room ||
                                       live_->visit().phase() == VisitPhase::connecting
                                   ? "Reaching your provider's browser..."
                                   : "Receiving it from your provider's browser...");
    case Step::refused:
      ui::heading(ui, "This share cannot be opened");
      ui::paragraph(ui, message_);
      if (ui::button(ui, "Open")) open();
      return;
    case Step::shown: return draw_shown(ui);
  }
}

void ShareOpener::draw_shown(ui::Ui& ui) {
  ui::heading(ui, ("From " + content_->provider_name).c_str());
  if (content_->kind == ShareKind::note) {
    // One paragraph per line, as typed.
    const std::string_view text = content_->body.text();
    std::size_t at = 0;
    while (at <= text.size()) {
      const auto end = std::min(text.find('\n', at), text.size());
      const std::string line(text.substr(at, end - at));
      if (!ui::is_blank(line)) ui::paragraph(ui, line.c_str());
      at = end + 1;
    }
  } else {
    ui::paragraph(ui, (content_->file_name + " (" + ui::size_words(content_->body.size()) + ", " +
                       content_->media_type + ")")
                          .c_str());
    if (ui::button(ui, ("Save " + content_->file_name).c_str())) tessera_blob_save(blob_);
    if (preview_ != SharePreview::none) {
      const float side = std::min(ImGui::GetContentRegionAvail().x, 480.0f * ui.scale);
      const Rect at = ui::image(ui, ("Preview of " + content_->file_name).c_str(), side);
      tessera_blob_place(blob_, at.x, at.y, at.w, at.h);
    }
  }
  ui::paragraph(ui, "Nothing of this was kept on this device. Save the file or note what you need before you close "
                    "this page.");
}

}  // namespace tessera::client
