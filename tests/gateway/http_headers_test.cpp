// The headers every response carries and the Accept-Encoding parser, as pure
// functions: the policies exactly as documented, and gzip chosen only when the
// client's header really allows it.
#include "gateway/http_headers.hpp"

#include <catch2/catch.hpp>

#include <string>

using namespace tessera::gateway;
namespace http = boost::beast::http;

TEST_CASE("security_headers_are_exactly_the_documented_policies", "[gateway][http_headers]") {
  Response res{http::status::ok, 11};
  set_security_headers(res);
  CHECK(res["Content-Security-Policy"] ==
        "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'; style-src 'self'; "
        "img-src 'self' data: blob:; media-src 'self' blob:; frame-src blob:; font-src 'self' data:; "
        "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'");
  CHECK(res["Referrer-Policy"] == "no-referrer");
  CHECK(res["Permissions-Policy"] ==
        "camera=(self), microphone=(self), display-capture=(), geolocation=(), payment=(), usb=()");
  CHECK(res["X-Content-Type-Options"] == "nosniff");
  CHECK(res["Cross-Origin-Opener-Policy"] == "same-origin");
  CHECK(res["Cross-Origin-Resource-Policy"] == "same-origin");
  CHECK(res["X-Frame-Options"] == "DENY");
  CHECK(res.count("Strict-Transport-Security") == 0);
}

TEST_CASE("error_responses_carry_the_security_headers_too", "[gateway][http_headers]") {
  const auto res = make_error_response(http::status::not_found, 11, true);
  CHECK(res["Content-Security-Policy"] == kContentSecurityPolicy);
  CHECK(res["X-Frame-Options"] == "DENY");
  CHECK(res["Cross-Origin-Resource-Policy"] == "same-origin");
  CHECK(res[http::field::cache_control] == "no-store");
}

TEST_CASE("accept_encoding_allows_gzip_only_with_a_positive_q_value", "[gateway][http_headers]") {
  for (const char* yes : {"gzip", "GZIP", "x-gzip", "gzip, deflate, br", "br;q=1.0, gzip;q=0.5",
                          "gzip;q=1", "gzip;q=1.000", "gzip;q=0.001", "gzip ; q=0.5", "gzip;Q=0.5",
                          "*", "*;q=0.1", "identity, *", "deflate,gzip", " gzip ",
                          "gzip;level=9", "gzip;q=0, x-gzip"}) {
    INFO("Accept-Encoding: " << yes);
    CHECK(accepts_gzip(yes));
  }
  for (const char* no : {"", "identity", "br", "deflate, br", "gzip;q=0", "gzip;q=0.000", "gzip; q=0.0",
                         "*;q=0", "gzip;q=0, *", "*, gzip;q=0", "gzipx", "xgzip", "gzip;q=",
                         "gzip;q=1.5", "gzip;q=2", "gzip;q=0.0001", "gzip;q=-1", "gzip;q=abc",
                         ",,,", ";q=1"}) {
    INFO("Accept-Encoding: " << no);
    CHECK_FALSE(accepts_gzip(no));
  }
}
