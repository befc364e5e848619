#include "wasm/share_desk.hpp"

#include <imgui.h>
#include <sodium.h>

#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>

#include "shared/base64url.hpp"
#include "shared/handshake.hpp"
#include "shared/text.hpp"
#include "wasm/api_request.hpp"
#include "wasm/bridge.hpp"

namespace tessera::client {
namespace {

const std::vector<std::string> kKinds = {"A note", "A file"};
const std::vector<std::string> kLifetimes = {"15 minutes", "1 hour", "1 day", "7 days"};
const std::vector<std::string> kOpens = {"Once", "3 times", "Until it expires"};
const std::vector<std::string> kKeeps = {"In this tab (live: ends when you close it)",
                                         "On the clinic's server (parked, sealed)"};

void wipe(std::string& s) {
  sodium_memzero(s.data(), s.size());
  s.clear();
}

std::int64_t wall_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::string time_left_words(std::int64_t seconds) {
  if (seconds < 60) return "less than a minute";
  if (seconds < 2 * 3600) return std::to_string(seconds / 60) + " minutes";
  if (seconds < 2 * 86400) return std::to_string(seconds / 3600) + " hours";
  return std::to_string(seconds / 86400) + " days";
}

// A short label for the list: the file's name, or the note's first words.
std::string label_for(int kind, const std::string& note, const std::string& file_name) {
  if (kind == 1) return "File: " + file_name;
  std::string first = note.substr(0, note.find('\n'));
  if (first.size() > 40) {
    first.resize(40);
    ui::truncate_utf8(first, 40);
    first += "...";
  }
  return "Note: " + first;
}

}  // namespace

ShareDesk::ShareDesk(std::string host, std::function<void()> redraw)
    : redraw_(std::move(redraw)), host_(std::move(host)) {}

ShareDesk::~ShareDesk() { forget(); }

std::string ShareDesk::state_words(std::string_view state, std::int64_t opens, std::int64_t max_opens) {
  if (state == "waiting") return "Waiting: not opened yet";
  if (state == "opened") {
    std::string words = opens == 1 ? "Opened once" : "Opened " + std::to_string(opens) + " times";
    if (max_opens > 0) words += " of " + std::to_string(max_opens);
    return words;
  }
  if (state == "used_up") return "Used up: opened " + std::to_string(opens) + (opens == 1 ? " time" : " times");
  if (state == "expired") return "Expired";
  if (state == "destroyed") return "Destroyed";
  if (state == "provider_left") return "Ended: the tab that held it closed";
  return "Unknown";
}

void ShareDesk::enter(const std::string& csrf, const std::string& provider_name) {
  csrf_ = csrf;
  if (provider_name_.empty()) provider_name_ = provider_name;
  refresh();
}

void ShareDesk::forget() {
  clear_form();
  wipe(provider_name_);
  link_.clear();
  rows_.clear();
  labels_.clear();
  live_.clear();  // every live share's room closes: the gateway ends them
  csrf_.clear();
}

void ShareDesk::clear_form() {
  wipe(note_);
  file_.reset();
  file_problem_.clear();
}

// ---------------------------------------------------------------------------
// actions

void ShareDesk::on_picked(const char* name, const char* type, const std::uint8_t* bytes, int size) {
  file_.reset();
  file_problem_.clear();
  const std::string file_name(name);
  std::string media_type(type);
  if (!text_is_media_type(media_type) || media_type.size() > kShareMaxMediaTypeBytes)
    media_type = "application/octet-stream";
  if (!bytes) {
    file_problem_ = file_name + " is too large to share: the limit is " + ui::size_words(kShareMaxFileBytes) + ".";
  } else if (!text_is_file_name(file_name) || file_name.size() > kShareMaxFileNameBytes) {
    file_problem_ = "This file's name cannot be shared. Rename it (up to 255 letters, no slashes) and pick it again.";
  } else {
    file_.emplace(Picked{file_name, media_type,
                         SecretBuffer(std::span<const std::uint8_t>(bytes, static_cast<std::size_t>(size)))});
  }
  tessera_page_announce(file_ ? ("Chosen: " + file_->name).c_str() : file_problem_.c_str());
  redraw_();
}

void ShareDesk::create() {
  error_ = nullptr;
  ShareContent content;
  content.kind = kind_ == 0 ? ShareKind::note : ShareKind::file;
  content.provider_name = provider_name_;
  if (kind_ == 0) {
    content.body = SecretBuffer(std::span(reinterpret_cast<const std::uint8_t*>(note_.data()), note_.size()));
  } else {
    content.file_name = file_->name;
    content.media_type = file_->type;
    content.body = SecretBuffer(file_->bytes.span());
  }
  Secret<kVisitSeedBytes> seed;
  randombytes_buf(seed.data(), seed.size());
  auto keys = std::make_shared<VisitKeys>(provider_visit_from_seed(seed.span()));
  auto link = share_link_format(provider_visit_link(*keys, host_));
  if (!link) {
    error_ = "This page's address cannot be used in a link. Open Tessera at its https:// address.";
    return redraw_();
  }
  const bool parked = keep_ == 1;
  // Sealed either way: a parked share's bytes go to the gateway, a live one's stay here.
  auto sealed = share_seal(keys->link_secret, keys->visit_id, content);
  if (!sealed) {
    error_ = "This cannot be shared: the name or note has characters that cannot be sent, or it is too long.";
    return redraw_();
  }
  const std::string id = visit_id_format(keys->visit_id);
  const std::int64_t max_opens = kShareOpenChoices[opens_];
  nlohmann::json body = {{"share", id},
                         {"mode", parked ? "parked" : "live"},
                         {"lifetime_minutes", kShareLifetimeMinutes[lifetime_]},
                         {"max_opens", max_opens},
                         {"verifier", base64url_encode(share_open_verifier(share_open_proof(keys->link_secret,
                                                                                           keys->visit_id)))}};
  if (parked) body["sealed"] = base64url_encode(*sealed);
  auto kept = std::make_shared<std::vector<std::uint8_t>>(parked ? std::vector<std::uint8_t>{}
                                                                 : std::move(sealed).value());
  const std::string label = label_for(kind_, note_, file_ ? file_->name : "");
  busy_ = true;
  auto pending = std::make_shared<LinkText>(std::move(link.value()));
  api_request("POST", "/api/shares", body.dump(), csrf_,
              [this, id, label, pending, keys, kept, parked, max_opens](int status, std::string_view) {
    busy_ = false;
    if (status == 201) {
      if (!parked) host(id, std::move(*keys), std::move(*kept), max_opens);
      link_.set(std::move(*pending));
      labels_[id] = label;
      clear_form();
      tessera_page_announce("Link created. Copy it or show its QR code to your patient.");
      refresh();
    } else if (status == 429) {
      error_ = "You have as many shares as allowed. Destroy one you no longer need, then try again.";
    } else if (status == 401) {
      error_ = "You were signed out. Please sign in again.";
    } else if (status == 413 || status == 400) {
      error_ = "This cannot be shared: it is larger than the server accepts.";
    } else {
      error_ = "The link could not be created. Try again; if it keeps failing, ask your clinic's administrator.";
    }
    if (error_) tessera_page_announce(error_);
    redraw_();
  });
}

void ShareDesk::host(const std::string& id, VisitKeys keys, std::vector<std::uint8_t> sealed,
                     std::int64_t max_opens) {
  std::array<std::uint8_t, kSeedBytes> seed{};
  randombytes_buf(seed.data(), seed.size());
  ProviderVisit room(std::move(keys), "wss://" + host_ + kSignalingPath, provider_name_, seed);
  sodium_memzero(seed.data(), seed.size());
  LiveShare& live = live_[id];
  live.opens_left = max_opens > 0 ? max_opens : -1;
  live.room = std::make_unique<VisitDriver<ProviderVisit>>(std::move(room), [this, id] { on_room_change(id); },
                                                           CallKind::share, std::move(sealed));
  live.room->pump();
}

// Whoever reaches a live share's room has its link (the gateway checked the
// open, the handshake the link's secret): let them in at once, one at a time,
// and no more of them than the share allows (the gateway counts them too).
// When an opener leaves, or the room ends, the list is asked again.
void ShareDesk::on_room_change(const std::string& id) {
  const auto it = live_.find(id);
  if (it == live_.end()) return;
  LiveShare& live = it->second;
  ProviderVisit& room = live.room->visit();
  const bool in_call = room.in_call_with().has_value();
  if ((live.in_call && !in_call) || room.phase() == VisitPhase::ended) refresh();
  live.in_call = in_call;
  if (!in_call && live.opens_left != 0 && room.phase() == VisitPhase::waiting_room && !room.waiting().empty()) {
    const auto now = std::chrono::steady_clock::now();
    // A guest whose hello fails the handshake leaves the list: try the next.
    while (!room.waiting().empty() && !room.admit(room.waiting().front().guest.session, now)) {}
    live.in_call = room.in_call_with().has_value();
    if (live.in_call && live.opens_left > 0) --live.opens_left;
    return live.room->pump();  // calls back here, in the call now
  }
  redraw_();
}

void ShareDesk::refresh() {
  api_request("GET", "/api/shares", "", "", [this](int status, std::string_view reply) {
    if (status != 200) return;
    const auto list = nlohmann::json::parse(reply, nullptr, false);
    if (!list.is_array()) return;
    rows_.clear();
    for (const auto& s : list) {
      if (!s.is_object()) continue;
      Row r;
      r.id = s.value("share", "");
      r.mode = s.value("mode", "");
      r.state = s.value("state", "");
      r.opens = s.value("opens", std::int64_t{0});
      r.max_opens = s.value("max_opens", std::int64_t{0});
      r.expires = s.value("expires", std::int64_t{0});
      // A live share that ended (used up, expired) goes from this tab, its
      // room and content with it, unless an opener is still being sent it.
      const auto live = live_.find(r.id);
      if (live != live_.end() && !live->second.in_call && r.state != "waiting" && r.state != "opened")
        live_.erase(live);
      rows_.push_back(std::move(r));
    }
    redraw_();
  });
}

void ShareDesk::destroy(const std::string& id) {
  // A live share lets no one in from now on (its room is no longer found);
  // the room, with the content, closes once the gateway has destroyed the
  // share: closed first, the gateway would end it as "provider left".
  std::shared_ptr<LiveShare> closing;
  if (const auto live = live_.find(id); live != live_.end()) {
    closing = std::make_shared<LiveShare>(std::move(live->second));
    live_.erase(live);
  }
  api_request("POST", "/api/shares/" + id + "/destroy", "", csrf_, [this, closing](int status, std::string_view) {
    if (closing) closing->room.reset();
    tessera_page_announce(status == 200 ? "Share destroyed. Its link no longer opens anything."
                                        : "The share could not be destroyed. Try again.");
    refresh();
  });
}

// ---------------------------------------------------------------------------
// screen

bool ShareDesk::draw(ui::Ui& ui) {
  ui::heading(ui, "Share a note or file");
  ui::paragraph(ui, "Give your patient a temporary link instead of an e-mail. Its secret part is made in this "
                    "browser; whoever opens it sees the content only after pressing Open.");
  if (!link_.empty()) {
    ui::heading(ui, "Your link", 2);
    link_.draw(ui, "QR code of the share link");
    if (ui::button(ui, "Share something else")) link_.clear();
  } else {
    draw_form(ui);
  }
  draw_list(ui);
  const bool back = ui::button(ui, "Back to visits");
  if (back) link_.clear();
  return !back;
}

void ShareDesk::draw_form(ui::Ui& ui) {
  ui::choice(ui, "What to share", kKinds, kind_);
  if (kind_ == 0) {
    ui::text_field(ui, "Note", note_, kShareMaxNoteBytes, ui::FieldKind::multiline);
  } else {
    if (ui::button(ui, file_ ? "Choose another file" : "Choose a file")) {
      tessera_file_pick(static_cast<int>(kShareMaxFileBytes), this,
                        [](void* user, const char* name, const char* type, const std::uint8_t* bytes, int size) {
                          static_cast<ShareDesk*>(user)->on_picked(name, type, bytes, size);
                        });
    }
    if (file_) {
      ui::paragraph(ui, (file_->name + " (" + ui::size_words(file_->bytes.size()) + ", " + file_->type + ")").c_str());
    } else if (!file_problem_.empty()) {
      ui::paragraph(ui, file_problem_.c_str());
    }
  }
  ui::text_field(ui, "Your name, as your patient will see it", provider_name_, kShareMaxNameBytes);
  ui::choice(ui, "The link works for", kLifetimes, lifetime_);
  ui::choice(ui, "It may be opened", kOpens, opens_);
  ui::choice(ui, "Keep the content", kKeeps, keep_);
  if (keep_ == 1) {
    ui::paragraph(ui, "Parked: the sealed content waits on the clinic's server until it is opened, destroyed or "
                      "expires, so your patient can open it while you are away. The server cannot read it, but "
                      "whoever later gets both a copy of it and the link could.");
  } else {
    ui::paragraph(ui, "Live: the content stays in this tab and goes straight to your patient's browser, so keep "
                      "this tab open until they have opened it. Closing this tab or signing out ends the share.");
  }
  if (error_) ui::paragraph(ui, error_);
  const bool has_content = kind_ == 0 ? !ui::is_blank(note_) : file_.has_value();
  const bool ready = !busy_ && has_content && !ui::is_blank(provider_name_);
  if (ui::button(ui, busy_ ? "Creating..." : "Create link", ready)) create();
}

void ShareDesk::draw_list(ui::Ui& ui) {
  ui::heading(ui, "Your shares", 2);
  if (rows_.empty()) return ui::paragraph(ui, "You have no shares.");
  const auto now = wall_seconds();
  std::optional<std::string> destroy_id;
  for (const Row& r : rows_) {
    const auto label = labels_.find(r.id);
    const std::string name = label != labels_.end() ? label->second : "Share " + r.id.substr(0, 6);
    std::string line = name + ". " + (r.mode == "parked" ? "Parked" : "Live") + ". " +
                       state_words(r.state, r.opens, r.max_opens) + ".";
    const bool active = r.state == "waiting" || r.state == "opened";
    if (active && r.expires > now) line += " Expires in " + time_left_words(r.expires - now) + ".";
    ui::paragraph(ui, line.c_str());
    if (active && ui::button(ui, ("Destroy " + name + "##" + r.id).c_str())) destroy_id = r.id;
  }
  if (destroy_id) destroy(*destroy_id);
}

}  // namespace tessera::client
