// handle_request against a temporary web root: what is served, with which
// headers, and everything that must be 404, 405, 414 or 400.
#include "gateway/static_site.hpp"

#include "temp_web_root.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace tessera::gateway;
using tessera::gateway::test::kHashedWasm;
using tessera::gateway::test::kHashedWasmGz;
using tessera::gateway::test::kIndexGz;
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

Response get(const StaticSite& site, std::string_view target, http::verb verb = http::verb::get,
             std::string_view accept_encoding = "") {
  Request req{verb, target, 11};
  req.set(http::field::host, "localhost");
  if (!accept_encoding.empty()) req.set(http::field::accept_encoding, accept_encoding);
  return handle_request(site, req);
}

Response get_gzip(const StaticSite& site, std::string_view target,
                  http::verb verb = http::verb::get) {
  return get(site, target, verb, "gzip, deflate, br");
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
  CHECK(header(res, "Cross-Origin-Resource-Policy") == "same-origin");
  CHECK(header(res, "X-Frame-Options") == "DENY");
  CHECK(header(res, "Permissions-Policy") == kPermissionsPolicy);
  CHECK(header(res, "Strict-Transport-Security").empty());  // the TLS layer's job
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

TEST_CASE("visit_share_and_kiosk_pages_serve_index_html_only_for_ids_of_the_protocol_shape",
          "[gateway][static_site]") {
  TempWebRoot temp;
  const auto site = open_site(temp);
  // base64url of 16 bytes: 22 characters, the last one canonical (4 zero bits).
  const std::string zero(22, 'A');
  const std::string id = "Zm9v-_09Zm9v-_09Zm9vAQ";
  for (const std::string& target : {"/v/" + zero, "/v/" + id, "/s/" + id, "/v/" + id + "?x=1", std::string("/kiosk"),
                                    std::string("/kiosk?x=1")}) {
    INFO("target: " << target);
    const auto res = get(site, target);
    CHECK(res.result() == http::status::ok);
    CHECK(res.body() == kIndexHtml);
    CHECK(header(res, "Cache-Control") == "no-cache");
    check_security_headers(res);
  }
  for (const std::string& target : std::vector<std::string>{
           "/v/", "/v", "/s/", "/v/abc", "/v/" + zero.substr(1), "/v/" + zero + "A",
           "/v/" + zero.substr(1) + "B",   // 4 low bits set: not canonical
           "/v/" + zero.substr(2) + "==",  // padding is not the protocol's
           "/v/" + zero.substr(1) + ".", "/v/" + zero.substr(1) + "+", "/v/" + zero + "/x",
           "/v/%41" + zero.substr(1), "/v/../index.html", "/x/" + zero, "/V/" + zero, "/kiosk/",
           "/kiosk/x", "/kiosks", "/Kiosk"}) {
    INFO("target: " << target);
    CHECK_FALSE(is_client_page_path(target));
    check_not_found(get(site, target));
  }
}

TEST_CASE("hashed_assets_are_immutable_and_everything_else_revalidates", "[gateway][static_site]") {
  CHECK(is_hashed_asset_name("tessera.3f9a1c2b7d4e5f60.wasm"));
  CHECK(is_hashed_asset_name("tessera-ui.0123456789abcdef.ttf"));
  CHECK_FALSE(is_hashed_asset_name(".0123456789abcdef.js"));  // a name needs a stem
  CHECK_FALSE(is_hashed_asset_name("index.html"));
  CHECK_FALSE(is_hashed_asset_name("tessera.wasm"));
  CHECK_FALSE(is_hashed_asset_name("tessera.3F9A1C2B7D4E5F60.wasm"));  // build writes lowercase
  CHECK_FALSE(is_hashed_asset_name("tessera.3f9a1c2b7d4e5f6.wasm"));   // 15 digits
  CHECK_FALSE(is_hashed_asset_name("tessera.3f9a1c2b7d4e5f600.wasm"));  // 17 digits
  CHECK_FALSE(is_hashed_asset_name("tessera-3f9a1c2b7d4e5f60.wasm"));
  CHECK_FALSE(is_hashed_asset_name("tessera.3f9a1c2b7d4e5g60.wasm"));

  TempWebRoot temp;
  const auto site = open_site(temp);
  const auto hashed = get(site, kHashedWasm);
  CHECK(hashed.result() == http::status::ok);
  CHECK(header(hashed, "Cache-Control") == "public, max-age=31536000, immutable");
  CHECK(header(hashed, "Content-Type") == "application/wasm");
  for (const char* target : {"/", "/index.html", "/app.wasm", "/app.js", "/style.css"}) {
    INFO("target: " << target);
    CHECK(header(get(site, target), "Cache-Control") == "no-cache");
  }
  CHECK(header(get(site, "/missing.0123456789abcdef.js"), "Cache-Control") == "no-store");
}

TEST_CASE("the_build_gzip_file_is_sent_as_is_when_the_client_accepts_gzip",
          "[gateway][static_site]") {
  TempWebRoot temp;
  const auto site = open_site(temp);
  const auto page = get_gzip(site, "/");
  CHECK(page.body() == kIndexGz);
  CHECK(header(page, "Content-Encoding") == "gzip");
  CHECK(header(page, "Content-Type") == "text/html; charset=utf-8");
  CHECK(header(page, "Vary") == "Accept-Encoding");
  CHECK(header(page, "Cache-Control") == "no-cache");
  check_security_headers(page);

  const auto wasm = get_gzip(site, kHashedWasm);
  CHECK(wasm.body() == kHashedWasmGz);
  CHECK(header(wasm, "Content-Encoding") == "gzip");
  CHECK(header(wasm, "Content-Type") == "application/wasm");
  CHECK(header(wasm, "Cache-Control") == "public, max-age=31536000, immutable");

  const auto head = get_gzip(site, kHashedWasm, http::verb::head);
  CHECK(head.body().empty());
  CHECK(header(head, "Content-Length") == std::to_string(kHashedWasmGz.size()));
  CHECK(header(head, "Content-Encoding") == "gzip");
}

TEST_CASE("without_gzip_or_without_a_gz_file_the_identity_body_is_sent", "[gateway][static_site]") {
  TempWebRoot temp;
  const auto site = open_site(temp);
  for (const char* accept : {"", "gzip;q=0", "identity", "br, deflate", "*;q=0", "gzip;q=x"}) {
    INFO("Accept-Encoding: " << accept);
    const auto res = get(site, "/", http::verb::get, accept);
    CHECK(res.body() == kIndexHtml);
    CHECK(header(res, "Content-Encoding").empty());
    CHECK(header(res, "Vary") == "Accept-Encoding");
  }
  // No .gz beside it: the plain file, even though gzip is welcome.
  const auto js = get_gzip(site, "/app.js");
  CHECK(js.body() == "console.log('tessera');\n");
  CHECK(header(js, "Content-Encoding").empty());
  // A .gz symlink that leaves the root is ignored, never followed.
  const auto css = get_gzip(site, "/style.css");
  CHECK(css.body() == "body{}\n");
  CHECK(header(css, "Content-Encoding").empty());
  CHECK_THAT(css.body(), !Catch::Contains(std::string(kSecretMarker)));
  // .gz files are not addressable themselves.
  check_not_found(get(site, "/index.html.gz"));
  check_not_found(get_gzip(site, "/app.0123456789abcdef.wasm.gz"));
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
