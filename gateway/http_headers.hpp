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
// files), fonts and images from data:, a frame from blob: only (a shared PDF
// previewed); everything else is same-origin (the one worker, the download
// writer, included), and nothing may frame the page.
inline constexpr std::string_view kContentSecurityPolicy =
    "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'; style-src 'self'; "
    "img-src 'self' data: blob:; media-src 'self' blob:; frame-src blob:; font-src 'self' data:; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

// A visit needs the camera and microphone of this origin and nothing else.
inline constexpr std::string_view kPermissionsPolicy =
    "camera=(self), microphone=(self), display-capture=(), geolocation=(), payment=(), usb=()";

// On every response, errors included: CSP, nosniff, Referrer-Policy (a visit
// link must never leak through a Referer), COOP, CORP, X-Frame-Options (for
// browsers without frame-ancestors) and Permissions-Policy. HSTS is added by
// the TLS layer, which alone knows the connection is secure.
void set_security_headers(Response& res);

// Whether an Accept-Encoding value lets us send gzip (RFC 9110 §12.5.3):
// "gzip" or "x-gzip" with q > 0, or "*" with q > 0 when gzip is not named.
// q=0 means "not acceptable"; a malformed q-value counts as 0, so a confusing
// header gets the identity body, which every client can read.
[[nodiscard]] bool accepts_gzip(std::string_view accept_encoding);

// A short fixed text for the status ("Not Found\n"): it never echoes anything
// from the request, so no request data can be reflected into a page.
[[nodiscard]] Response make_error_response(boost::beast::http::status status, unsigned version,
                                           bool keep_alive);

// Sets Content-Length from the body; for HEAD, keeps that length and drops
// the body, so HEAD gets exactly the headers GET would get.
[[nodiscard]] Response finish_response(Response res, const Request& req);

}  // namespace tessera::gateway
