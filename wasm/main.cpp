// Tessera's browser client. web/loader.js fetches this module and calls main;
// from then on, DOM events drive ClientApp and the page sleeps when idle.
#include <sodium.h>

#include "wasm/bridge.hpp"
#include "wasm/client_app.hpp"

int main() {
  if (sodium_init() < 0) {
    tessera_bridge_fail("This browser cannot make the random numbers a private visit needs.");
    return 1;
  }
  // Lives for the page's lifetime: the browser's event loop keeps calling it.
  static tessera::client::ClientApp app;
  if (!app.start()) return 1;
  return 0;
}
