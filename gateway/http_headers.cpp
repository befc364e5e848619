// Security headers and fixed error responses: see http_headers.hpp.
#include "gateway/http_headers.hpp"

#include <string>

namespace tessera::gateway {
namespace http = boost::beast::http;

void set_security_headers(Response& res) {
  res.set("Content-Security-Policy", kContentSecurityPolicy);
  res.set("X-Content-Type-Options", "nosniff");
  res.set("Referrer-Policy", "no-referrer");
  res.set("Cross-Origin-Opener-Policy", "same-origin");
  res.set("Permissions-Policy", kPermissionsPolicy);
}

Response make_error_response(http::status status, unsigned version, bool keep_alive) {
  Response res{status, version};
  set_security_headers(res);
  res.set(http::field::content_type, "text/plain; charset=utf-8");
  res.set(http::field::cache_control, "no-store");
  res.keep_alive(keep_alive);
  res.body() = std::string(http::obsolete_reason(status)) + "\n";
  res.prepare_payload();
  return res;
}

Response finish_response(Response res, const Request& req) {
  res.prepare_payload();
  if (req.method() == boost::beast::http::verb::head) {
    const auto length = res.body().size();
    res.body().clear();
    res.content_length(length);
  }
  return res;
}

}  // namespace tessera::gateway
