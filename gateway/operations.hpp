#pragma once
// The operations endpoints (issue 9 item 8), as plain functions of the request
// like handle_request: no sockets, so they are unit-tested without a network.
//   GET /healthz  200 "ok\n", text/plain, no-store: the process is up and its
//                 I/O thread answers. Nothing else is checked.
//   GET /metrics  200, the Prometheus text format (metrics.hpp), no-store;
//                 404 unless the caller says the peer may read it (loopback,
//                 or --metrics-allow): the counts show how busy a clinic is.
// Both carry the usual security headers; GET and HEAD only (others: 405).
// The query string is ignored.
#include "gateway/http_headers.hpp"
#include "gateway/metrics.hpp"

#include <optional>
#include <string_view>

namespace tessera::gateway {

inline constexpr std::string_view kHealthPath = "/healthz";

// The target's path without its query ("/healthz?x" -> "/healthz").
[[nodiscard]] std::string_view target_path(std::string_view target);

// Where path stands under an API collection such as "/api/visits": "" for
// the collection itself, "/ID/end" for "/api/visits/ID/end", nullopt for a
// path outside it (including "/api/visitsX").
[[nodiscard]] std::optional<std::string_view> under_collection(std::string_view path, std::string_view collection);

[[nodiscard]] Response healthz_response(const Request& req);

[[nodiscard]] Response metrics_response(const Request& req, const Metrics& metrics);

// The answer for an operations path, or nullopt for every other target (the
// static site answers those).
// metrics_allowed: whether this peer may read /metrics.
[[nodiscard]] std::optional<Response> handle_operations_request(const Request& req, const Metrics& metrics,
                                                                bool metrics_allowed);

}  // namespace tessera::gateway
