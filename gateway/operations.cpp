// Operations endpoints: see operations.hpp.
#include "gateway/operations.hpp"

#include <string>
#include <utility>

namespace tessera::gateway {
namespace http = boost::beast::http;

namespace {

Response text_response(const Request& req, std::string_view content_type, std::string body) {
  Response res{http::status::ok, req.version()};
  set_security_headers(res);
  res.set(http::field::content_type, content_type);
  res.set(http::field::cache_control, "no-store");
  res.keep_alive(req.keep_alive());
  res.body() = std::move(body);
  return finish_response(std::move(res), req);
}

std::optional<Response> refuse_method(const Request& req) {
  if (req.method() == http::verb::get || req.method() == http::verb::head) return std::nullopt;
  Response res = make_error_response(http::status::method_not_allowed, req.version(), req.keep_alive());
  res.set(http::field::allow, "GET, HEAD");
  return finish_response(std::move(res), req);
}

}  // namespace

std::string_view target_path(std::string_view target) { return target.substr(0, target.find('?')); }

std::optional<std::string_view> under_collection(std::string_view path, std::string_view collection) {
  if (!path.starts_with(collection)) return std::nullopt;
  const auto rest = path.substr(collection.size());
  if (!rest.empty() && rest.front() != '/') return std::nullopt;
  return rest;
}

Response healthz_response(const Request& req) {
  if (auto refused = refuse_method(req)) return std::move(*refused);
  return text_response(req, "text/plain; charset=utf-8", "ok\n");
}

Response metrics_response(const Request& req, const Metrics& metrics) {
  if (auto refused = refuse_method(req)) return std::move(*refused);
  return text_response(req, kMetricsContentType, metrics.render());
}

std::optional<Response> handle_operations_request(const Request& req, const Metrics& metrics,
                                                  bool metrics_allowed) {
  const auto path = target_path(req.target());
  if (path == kHealthPath) return healthz_response(req);
  if (path == kMetricsPath) {
    // The same 404 as any missing file: nothing says there is something here.
    if (!metrics_allowed) return make_error_response(http::status::not_found, req.version(), req.keep_alive());
    return metrics_response(req, metrics);
  }
  return std::nullopt;
}

}  // namespace tessera::gateway
