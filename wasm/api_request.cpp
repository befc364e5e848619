#include "wasm/api_request.hpp"

#include <memory>

#include "wasm/bridge.hpp"

namespace tessera::client {

void api_request(const char* method, const std::string& path, const std::string& body, const std::string& csrf,
                 ApiReply reply) {
  auto* pending = new ApiReply(std::move(reply));  // owned by the bridge until it answers
  tessera_fetch(method, path.c_str(), body.c_str(), csrf.c_str(), pending,
                [](void* user, int status, const char* text) {
                  std::unique_ptr<ApiReply> done(static_cast<ApiReply*>(user));
                  (*done)(status, text);
                });
}

}  // namespace tessera::client
