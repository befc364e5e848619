#include "wasm/arrival_alerts.hpp"

#include "wasm/bridge.hpp"

namespace tessera::client {

void ArrivalAlerts::unlock_sound() { tessera_sound_unlock(); }

void ArrivalAlerts::ask_permission() {
  unlock_sound();
  if (asking_ || !can_ask()) return;
  asking_ = true;
  tessera_notify_request(this, on_permission);
}

void ArrivalAlerts::on_permission(void* user, int) {
  auto* self = static_cast<ArrivalAlerts*>(user);
  self->asking_ = false;
  tessera_page_announce(self->status_words());
  if (self->on_change_) self->on_change_();
}

void ArrivalAlerts::waiting_changed(std::size_t before, std::size_t now) {
  if (now <= before) return;
  tessera_page_announce("A patient is waiting.");
  tessera_sound_chime();
  tessera_notify_show("Tessera", kArrivalNotice, "tessera-arrival");
}

bool ArrivalAlerts::can_ask() const { return tessera_notify_permission() == tessera_notify_default; }

const char* ArrivalAlerts::status_words() const {
  switch (tessera_notify_permission()) {
    case tessera_notify_granted:
      return "When a patient arrives you will hear a chime and get a notification, even from another tab.";
    case tessera_notify_denied:
      return "This browser blocks notifications from Tessera: when a patient arrives you will hear a chime and "
             "see the count in the tab title. To get notifications, allow them in the site settings.";
    case tessera_notify_unsupported:
      return "When a patient arrives you will hear a chime and see the count in the tab title.";
    default:
      return "Get a notification when a patient arrives, even while you work in another tab.";
  }
}

}  // namespace tessera::client
