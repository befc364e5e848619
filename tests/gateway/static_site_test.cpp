// handle_request against a temporary web root: what is served, with which
// headers, and everything that must be 404, 405, 414 or 400.
#include "gateway/static_site.hpp"

#include "temp_web_root.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace tessera::gateway;
using tessera::gateway::test::kIndexHtml;
using tessera::gateway::test::kSecretMarker;
using tessera::gateway::test::TempWebRoot;
namespace http = boost::beast::http;

namespace {

StaticSite open_site(const TempWebRoot& temp) {
  std::string error;
  auto site = StaticSite::open(temp.web(), error);
  REQUIRE(site);
  return *site;
}

Response get(const StaticSite& site, std::string_view target, http::verb verb = http::verb::get) {
  Request req{verb, target, 11};
  req.set(http::field::host, "localhost");
  return handle_request(site, req);
}

std::string header(const Response& res, std::string_view name) {
  return std::string(res[name]);
}

void check_security_headers(const Response& res) {
  const auto csp = header(res, "Content-Security-Policy");
  CHECK(csp == kContentSecurityPolicy);
  CHECK_THAT(csp, Catch::Contains("script-src 'self' 'wasm-unsafe-eval';"));
  CHECK_THAT(csp, Catch::Contains("frame-ancestors 'none'"));
  CHECK_THAT(csp, !Catch::Contains("unsafe-inline") && !Catch::Contains("'unsafe-eval'"));
  CHECK(header(res, "X-Content-Type-Options") == "nosniff");
  CHECK(header(res, "Referrer-Policy") == "no-referrer");
  CHECK(header(res, "Cross-Origin-Opener-Policy") == "same-origin");
  CHECK(header(res, "Permissions-Policy") == kPermissionsPolicy);
}

void check_not_found(const Response& res) {
  CHECK(res.result() == http::status::not_found);
  CHECK(res.body() == "Not Found\n");
  CHECK_THAT(res.body(), !Catch::Contains(std::string(kSecretMarker)));
  check_security_headers(res);
}

}  // namespace

TEST_CASE("root_and_index_html_serve_the_page_uncached", "[gateway][static_site]") {
  TempWebRoot temp;
  const auto site = open_site(temp);
  for (const char* target : {"/", "/index.html", "/?utm=1", "/index.html?x=%2e%2e"}) {
    INFO("target: " << target);
    const auto res = get(site, target);
    CHECK(res.result() == http::status::ok);
    CHECK(res.body() == kIndexHtml);
    CHECK(header(res, "Content-Type") == "text/html; charset=utf-8");
    CHECK(header(res, "Cache-Control") == "no-cache");
    CHECK(header(res, "Content-Length") == std::to_string(kIndexHtml.size()));
    check_security_headers(res);
  }
}

TEST_CASE("visit_links_serve_index_html_only_for_base64url_ids", "[gateway][static_site]") {
  TempWebRoot temp;
  const auto site = open_site(temp);
  const std::string id64(64, 'A');
  for (const std::string& target : std::vector<std::string>{"/v/abc", "/v/a", "/v/Zm9v-_09", "/v/" + id64,
                                   "/v/abc?x=1"}) {
    INFO("target: " << target);
    const auto res = get(site, target);
    CHECK(res.result() == http::status::ok);
    CHECK(res.body() == kIndexHtml);
  }
  for (const std::string& target : std::vector<std::string>{"/v/", "/v", "/v/" + id64 + "A", "/v/a=b", "/v/a.b",
                                   "/v/abc/def", "/v/%41", "/v/../index.html", "/v/a+b"}) {
    INFO("target: " << target);
    check_not_found(get(site, target));
  }
}

TEST_CASE("files_are_served_with_their_content_type", "[gateway][static_site]") {
  TempWebRoot temp;
  const auto site = open_site(temp);
  const std::pair<const char*, const char*> cases[] = {
      {"/app.js", "text/javascript"},  {"/app.wasm", "application/wasm"},
      {"/style.css", "text/css"},      {"/font.ttf", "font/ttf"},
      {"/assets/logo.png", "image/png"}, {"/inside.js", "text/javascript"},
  };
  for (const auto& [target, type] : cases) {
    INFO("target: " << target);
    const auto res = get(site, target);
    CHECK(res.result() == http::status::ok);
    CHECK(header(res, "Content-Type") == type);
    check_security_headers(res);
  }
  const auto wasm = get(site, "/app.wasm");
  CHECK(wasm.body() == std::string_view("\0asm\1\0\0\0", 8));
}

TEST_CASE("content_type_for_knows_only_client_file_types", "[gateway][static_site]") {
  CHECK(content_type_for("a.json") == "application/json");
  CHECK(content_type_for("a.svg") == "image/svg+xml");
  CHECK(content_type_for("favicon.ico") == "image/vnd.microsoft.icon");
  CHECK(content_type_for("INDEX.HTML") == "text/html; charset=utf-8");
  CHECK_FALSE(content_type_for("notes.txt"));
  CHECK_FALSE(content_type_for("Makefile"));
  CHECK_FALSE(content_type_for("app.js.map"));
}

TEST_CASE("missing_files_directories_and_unknown_types_are_404", "[gateway][static_site]") {
  TempWebRoot temp;
  const auto site = open_site(temp);
  for (const char* target : {"/missing.js", "/assets", "/assets/", "/assets/missing.png",
                             "/notes.txt", "/.env", "/index.html/", "/index.html/x.js"}) {
    INFO("target: " << target);
    check_not_found(get(site, target));
  }
}

TEST_CASE("traversal_attempts_are_404_and_never_leak_the_secret", "[gateway][static_site]") {
  TempWebRoot temp;
  const auto site = open_site(temp);
  const std::string outside = temp.base().string() + "/secret.js";
  for (const std::string& target : std::vector<std::string>{
           "/../secret.js", "/../etc/passwd", "/%2e%2e/secret.js", "/%2e%2e/x",
           "/a/..%2f..%2fx", "/assets/..%2f..%2fsecret.js", "/..\\secret.js", "/..\\x",
           "/%00", "/index.html%00.js", "/escape.js", "/escape_dir/secret.js",
           "/%2fetc%2fpasswd", "/" + outside, "//" + outside,
       }) {
    INFO("target: " << target);
    check_not_found(get(site, target));
  }
  // The marker file really exists, so a 404 above is the guard at work.
  std::string error;
  const auto parent = StaticSite::open(temp.base(), error);
  REQUIRE(parent);
  CHECK(get(*parent, "/secret.js").body() == kSecretMarker);
}

TEST_CASE("head_gets_get_headers_without_a_body", "[gateway][static_site]") {
  TempWebRoot temp;
  const auto site = open_site(temp);
  const auto res = get(site, "/index.html", http::verb::head);
  CHECK(res.result() == http::status::ok);
  CHECK(res.body().empty());
  CHECK(header(res, "Content-Length") == std::to_string(kIndexHtml.size()));
  check_security_headers(res);
  const auto missing = get(site, "/missing.js", http::verb::head);
  CHECK(missing.result() == http::status::not_found);
  CHECK(missing.body().empty());
}

TEST_CASE("methods_other_than_get_and_head_are_405_with_allow", "[gateway][static_site]") {
  TempWebRoot temp;
  const auto site = open_site(temp);
  for (const auto verb : {http::verb::post, http::verb::put, http::verb::delete_,
                          http::verb::options, http::verb::trace, http::verb::patch}) {
    INFO("method: " << http::to_string(verb));
    const auto res = get(site, "/index.html", verb);
    CHECK(res.result() == http::status::method_not_allowed);
    CHECK(header(res, "Allow") == "GET, HEAD");
    CHECK(res.body() == "Method Not Allowed\n");
    check_security_headers(res);
  }
}

TEST_CASE("long_and_non_origin_form_targets_are_refused", "[gateway][static_site]") {
  TempWebRoot temp;
  const auto site = open_site(temp);
  const std::string at_limit = "/index.html?" + std::string(kMaxTargetLength - 12, 'q');
  REQUIRE(at_limit.size() == kMaxTargetLength);
  CHECK(get(site, at_limit).result() == http::status::ok);
  const auto too_long = get(site, at_limit + "q");
  CHECK(too_long.result() == http::status::uri_too_long);
  CHECK(too_long.body().size() < 64);  // fixed text, not the target echoed back
  CHECK(get(site, "*").result() == http::status::bad_request);
  CHECK(get(site, "http://localhost/index.html").result() == http::status::bad_request);
}

TEST_CASE("responses_keep_the_request_keep_alive_choice", "[gateway][static_site]") {
  TempWebRoot temp;
  const auto site = open_site(temp);
  Request req{http::verb::get, "/", 11};
  CHECK(handle_request(site, req).keep_alive());
  req.keep_alive(false);
  CHECK_FALSE(handle_request(site, req).keep_alive());
  req.target("/missing.js");
  CHECK_FALSE(handle_request(site, req).keep_alive());
}

TEST_CASE("opening_a_web_root_that_is_not_a_directory_fails", "[gateway][static_site]") {
  TempWebRoot temp;
  std::string error;
  CHECK_FALSE(StaticSite::open(temp.web() / "index.html", error));
  CHECK_THAT(error, Catch::Contains("not a directory"));
  CHECK_FALSE(StaticSite::open(temp.base() / "nope", error));
}
