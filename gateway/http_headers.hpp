#pragma once
// The headers every gateway response carries, and the fixed-text error
// responses. Kept apart from static_site so the session's protocol-level
// errors (431, 413, 400) get exactly the same headers as served files.
#include <boost/beast/http.hpp>

#include <string_view>

namespace tessera::gateway {

using Request = boost::beast::http::request<boost::beast::http::string_body>;
using Response = boost::beast::http::response<boost::beast::http::string_body>;

// No inline script and no eval: 'wasm-unsafe-eval' only lets the page compile
// WebAssembly. Media and images may come from blob: (camera preview, received
// files); everything else is same-origin, and nothing may frame the page.
inline constexpr std::string_view kContentSecurityPolicy =
    "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; "
    "img-src 'self' data: blob:; font-src 'self'; connect-src 'self'; media-src 'self' blob:; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

inline constexpr std::string_view kPermissionsPolicy =
    "camera=(self), microphone=(self), display-capture=(), geolocation=()";

// CSP, nosniff, Referrer-Policy (a visit link must never leak through a
// Referer), COOP and Permissions-Policy.
void set_security_headers(Response& res);

// A short fixed text for the status ("Not Found\n"): it never echoes anything
// from the request, so no request data can be reflected into a page.
[[nodiscard]] Response make_error_response(boost::beast::http::status status, unsigned version,
                                           bool keep_alive);

// Sets Content-Length from the body; for HEAD, keeps that length and drops
// the body, so HEAD gets exactly the headers GET would get.
[[nodiscard]] Response finish_response(Response res, const Request& req);

}  // namespace tessera::gateway
