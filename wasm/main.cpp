// Tessera's browser client. web/loader.js fetches this module and calls main;
// from then on, DOM events drive ClientApp and the page sleeps when idle.
#include "wasm/client_app.hpp"

int main() {
  // Lives for the page's lifetime: the browser's event loop keeps calling it.
  static tessera::client::ClientApp app;
  if (!app.start()) return 1;
  return 0;
}
