#include "wasm/kiosk_sender.hpp"

#include <chrono>
#include <nlohmann/json.hpp>

#include "shared/base64url.hpp"
#include "wasm/api_request.hpp"
#include "wasm/bridge.hpp"

namespace tessera::client {
namespace {

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Where a kiosk stands, in words a provider reads at a glance.
std::string kiosk_state(const std::optional<std::int64_t>& last_seen) {
  if (!last_seen) return "not used yet";
  const std::int64_t ago = unix_now() - *last_seen;
  if (ago <= kKioskReadySeconds) return "ready";
  const std::int64_t minutes = ago / 60;
  if (minutes < 60) return "last seen " + std::to_string(minutes) + (minutes == 1 ? " minute ago" : " minutes ago");
  return "not seen for over an hour";
}

}  // namespace

void KioskSender::refresh() {
  status_.clear();
  api_request("GET", "/api/kiosks", "", "", [this](int status, std::string_view body) {
    loaded_ = true;
    kiosks_.clear();
    const auto list = nlohmann::json::parse(body, nullptr, false);
    if (status != 200 || !list.is_array()) return redraw_();
    for (const auto& k : list) {
      if (!k.is_object() || !k.contains("id") || !k["id"].is_number_integer() || !k.contains("label") ||
          !k["label"].is_string() || !k.contains("public_key") || !k["public_key"].is_string()) {
        continue;
      }
      Kiosk kiosk{k["id"].get<std::int64_t>(), k["label"].get<std::string>(), {}, std::nullopt};
      if (!base64url_decode_exact(k["public_key"].get_ref<const std::string&>(), kiosk.key)) continue;
      if (k.contains("last_seen") && k["last_seen"].is_number_integer()) {
        kiosk.last_seen = k["last_seen"].get<std::int64_t>();
      }
      kiosks_.push_back(std::move(kiosk));
    }
    redraw_();
  });
}

void KioskSender::send(const Kiosk& kiosk, const LinkText& link, const std::string& visit_id,
                       const std::string& csrf) {
  busy_ = true;
  status_.clear();
  const nlohmann::json body = {{"visit", visit_id},
                               {"sealed", base64url_encode(kiosk_seal_link(link.view(), kiosk.key))}};
  const std::string label = kiosk.label;
  api_request("POST", "/api/kiosks/" + std::to_string(kiosk.id) + "/visits", body.dump(), csrf,
              [this, label](int status, std::string_view) {
                busy_ = false;
                if (status == 201) {
                  status_ = "Sent to " + label + ". Your patient taps Start on the tablet.";
                } else if (status == 404) {
                  status_ = "That kiosk is no longer available, or this visit has ended. Choose another kiosk.";
                } else if (status == 429) {
                  status_ = label + " has too many visits waiting. Try again once one has started.";
                } else {
                  status_ = "The visit could not be sent. Try again; if it keeps failing, send the link instead.";
                }
                tessera_page_announce(status_.c_str());
                redraw_();
              });
}

void KioskSender::draw(ui::Ui& ui, const LinkText& link, const std::string& visit_id, const std::string& csrf) {
  if (!loaded_ || kiosks_.empty()) return;  // no kiosks: nothing to offer
  ui::heading(ui, "Or send it to a kiosk", 2);
  const Kiosk* chosen = nullptr;
  for (const Kiosk& k : kiosks_) {
    ui::paragraph(ui, (k.label + ": " + kiosk_state(k.last_seen)).c_str());
    if (ui::button(ui, ("Send to " + k.label + "##kiosk" + std::to_string(k.id)).c_str(), !busy_)) chosen = &k;
  }
  if (!status_.empty()) ui::paragraph(ui, status_.c_str());
  if (chosen) send(*chosen, link, visit_id, csrf);
}

}  // namespace tessera::client
