#pragma once
// The provider's "Send to a kiosk", beside the patient link: the clinic's
// kiosks (GET /api/kiosks: name, and when each last asked for visits) with
// a button each that seals the link to that kiosk's key in this module
// (kiosk_seal_link) and posts only the sealed bytes
// (POST /api/kiosks/ID/visits), so the gateway still never sees the link.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "shared/visit_link.hpp"
#include "wasm/visit/kiosk_delivery.hpp"
#include "wasm/widgets.hpp"

namespace tessera::client {

// A kiosk that asked for visits this recently is shown as ready (it polls
// every few seconds while its start screen shows).
inline constexpr std::int64_t kKioskReadySeconds = 60;

class KioskSender {
 public:
  explicit KioskSender(std::function<void()> redraw) : redraw_(std::move(redraw)) {}
  KioskSender(const KioskSender&) = delete;
  KioskSender& operator=(const KioskSender&) = delete;

  // Lists the clinic's kiosks again (a visit was opened).
  void refresh();
  // link: the visit's patient link; visit_id: its id; csrf: the session's token.
  void draw(ui::Ui& ui, const LinkText& link, const std::string& visit_id, const std::string& csrf);

 private:
  struct Kiosk {
    std::int64_t id = 0;
    std::string label;
    KioskPublicKey key{};
    std::optional<std::int64_t> last_seen;  // unix seconds
  };
  void send(const Kiosk& kiosk, const LinkText& link, const std::string& visit_id, const std::string& csrf);

  std::function<void()> redraw_;
  std::vector<Kiosk> kiosks_;
  bool loaded_ = false;
  bool busy_ = false;
  std::string status_;  // the last send's outcome, shown and announced
};

}  // namespace tessera::client
