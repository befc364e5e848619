#include "wasm/link_panel.hpp"

#include <imgui.h>

#include <string>

#include "wasm/bridge.hpp"

namespace tessera::client {

void LinkPanel::set(LinkText link) {
  link_ = std::move(link);
  auto qr = qr_encode({reinterpret_cast<const std::uint8_t*>(link_.view().data()), link_.view().size()});
  if (qr) {
    qr_.emplace(std::move(qr.value()));
  } else {
    qr_.reset();
  }
  copied_ = false;
}

void LinkPanel::clear() {
  link_.clear();
  qr_.reset();
  copied_ = false;
}

void LinkPanel::draw(ui::Ui& ui, const char* qr_name) {
  const std::string link(link_.view());
  ui::paragraph(ui, link.c_str());
  if (qr_) {
    ui::qr_code(ui, *qr_, qr_name);
    ImGui::SameLine();
  }
  if (ui::button(ui, "Copy link")) {
    tessera_page_copy_text(link.c_str());
    copied_ = true;
    tessera_page_announce("Link copied.");
  }
  if (copied_) {
    ImGui::SameLine();
    ui::paragraph(ui, "Copied.");
  }
}

}  // namespace tessera::client
