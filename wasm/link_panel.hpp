#pragma once
// A link to hand someone (a visit's, a share's): its text, its QR code made
// in this browser (the fragment never leaves the page), and "Copy link".
#include <optional>

#include "shared/qr_code.hpp"
#include "shared/visit_link.hpp"
#include "wasm/widgets.hpp"

namespace tessera::client {

class LinkPanel {
 public:
  void set(LinkText link);
  void clear();
  [[nodiscard]] bool empty() const { return link_.view().empty(); }
  [[nodiscard]] const LinkText& link() const { return link_; }

  // qr_name: what a screen reader calls the code ("QR code of the patient link").
  void draw(ui::Ui& ui, const char* qr_name);

 private:
  LinkText link_;
  std::optional<QrCode> qr_;
  bool copied_ = false;
};

}  // namespace tessera::client
