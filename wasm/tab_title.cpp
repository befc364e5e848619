#include "wasm/tab_title.hpp"

#include <string>

#include "wasm/bridge.hpp"

namespace tessera::client {

void TabTitle::show(std::size_t waiting_for_you) {
  if (shown_ == waiting_for_you) return;
  shown_ = waiting_for_you;
  const std::string title = waiting_for_you ? "(" + std::to_string(waiting_for_you) + ") Tessera" : "Tessera";
  tessera_page_set_title(title.c_str());
}

}  // namespace tessera::client
