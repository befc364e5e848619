// The operations endpoints as plain functions of the request (no sockets):
// /healthz, and that other targets are left to the static site.
#include "gateway/operations.hpp"

#include <catch2/catch.hpp>

using namespace tessera::gateway;
namespace http = boost::beast::http;

namespace {

Request request(http::verb method, std::string_view target) {
  Request req{method, target, 11};
  req.set(http::field::host, "localhost");
  return req;
}

const Metrics metrics;  // /healthz does not read it

void check_security_headers(const Response& res) {
  CHECK(res["Content-Security-Policy"] == kContentSecurityPolicy);
  CHECK(res["X-Content-Type-Options"] == "nosniff");
  CHECK(res["Referrer-Policy"] == "no-referrer");
  CHECK(res["Cross-Origin-Opener-Policy"] == "same-origin");
  CHECK(res["Permissions-Policy"] == kPermissionsPolicy);
}

}  // namespace

TEST_CASE("healthz_answers_ok_as_uncached_plain_text_with_security_headers", "[gateway][operations]") {
  const auto res = handle_operations_request(request(http::verb::get, "/healthz"), metrics, true);
  REQUIRE(res);
  CHECK(res->result() == http::status::ok);
  CHECK(res->body() == "ok\n");
  CHECK(res->at(http::field::content_type) == "text/plain; charset=utf-8");
  CHECK(res->at(http::field::cache_control) == "no-store");
  CHECK(res->at(http::field::content_length) == "3");
  check_security_headers(*res);
}

TEST_CASE("healthz_ignores_the_query_and_answers_head_without_a_body", "[gateway][operations]") {
  const auto query = handle_operations_request(request(http::verb::get, "/healthz?probe=1"), metrics, true);
  REQUIRE(query);
  CHECK(query->body() == "ok\n");
  const auto head = handle_operations_request(request(http::verb::head, "/healthz"), metrics, true);
  REQUIRE(head);
  CHECK(head->result() == http::status::ok);
  CHECK(head->body().empty());
  CHECK(head->at(http::field::content_length) == "3");
}

TEST_CASE("healthz_refuses_other_methods_with_405", "[gateway][operations]") {
  const auto res = handle_operations_request(request(http::verb::post, "/healthz"), metrics, true);
  REQUIRE(res);
  CHECK(res->result() == http::status::method_not_allowed);
  CHECK(res->at(http::field::allow) == "GET, HEAD");
  check_security_headers(*res);
}

TEST_CASE("other_targets_are_left_to_the_static_site", "[gateway][operations]") {
  for (const auto* target : {"/", "/healthz/", "/healthzz", "/v/abc", "/index.html", "/HEALTHZ"}) {
    INFO(target);
    CHECK_FALSE(handle_operations_request(request(http::verb::get, target), metrics, true));
  }
}

TEST_CASE("under_collection_tells_the_collection_its_members_and_strangers_apart", "[gateway][operations]") {
  CHECK(under_collection("/api/visits", "/api/visits") == std::optional<std::string_view>(""));
  CHECK(under_collection("/api/visits/abc/end", "/api/visits") == std::optional<std::string_view>("/abc/end"));
  CHECK(under_collection("/api/visits/", "/api/visits") == std::optional<std::string_view>("/"));
  CHECK_FALSE(under_collection("/api/visitsX", "/api/visits"));
  CHECK_FALSE(under_collection("/api/visit", "/api/visits"));
  CHECK_FALSE(under_collection("/healthz", "/api/visits"));
}
