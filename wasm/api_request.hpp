#pragma once
// One request to the gateway's /api/ (same origin, with the session cookie),
// answered once through a callback: the HTTP status (0 when the network
// failed) and the body text. The callback must stay valid until it runs;
// the flows that use this live as long as the page.
#include <functional>
#include <string>
#include <string_view>

namespace tessera::client {

using ApiReply = std::function<void(int status, std::string_view body)>;

// body: JSON text, or empty for none; csrf: the session's token for
// state-changing requests, or empty.
void api_request(const char* method, const std::string& path, const std::string& body, const std::string& csrf,
                 ApiReply reply);

}  // namespace tessera::client
