// split_request_path and resolve_inside: the textual and the file-system
// halves of "no path traversal".
#include "gateway/path_guard.hpp"

#include "temp_web_root.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace tessera::gateway;
using tessera::gateway::test::TempWebRoot;
namespace fs = std::filesystem;

using Segments = std::vector<std::string>;

TEST_CASE("split_request_path_decodes_plain_paths_and_drops_the_query", "[gateway][path_guard]") {
  CHECK(split_request_path("/") == Segments{});
  CHECK(split_request_path("/?x=1") == Segments{});
  CHECK(split_request_path("/app.js") == Segments{"app.js"});
  CHECK(split_request_path("/assets/logo.png?v=2&a=/../b") == Segments{"assets", "logo.png"});
  CHECK(split_request_path("/a%20b.js") == Segments{"a b.js"});
  CHECK(split_request_path("/caf%C3%A9.js") == Segments{"caf\xC3\xA9.js"});
}

TEST_CASE("split_request_path_refuses_every_traversal_spelling", "[gateway][path_guard]") {
  for (const char* target : {
           "/..", "/../etc/passwd", "/a/../../x", "/./index.html", "/a/.",
           "/%2e%2e/x", "/%2E%2E/x", "/.%2e/x", "/%2e./x", "/%2e/x",
           "/a/..%2f..%2fx", "/a%2fb", "/a%2Fb", "/a%5cb", "/a%5C..%5Cb",
           "/..\\x", "/a\\b", "/%00", "/a%00.js",
           "/%0a", "/%7f", "//etc/passwd", "/a//b", "/a/", "/.env", "/.git/config",
           "/%", "/%2", "/%zz", "/%g0",
           "", "*", "index.html", "http://host/index.html", "/#frag", "/a#b?c",
       }) {
    INFO("target: " << target);
    CHECK_FALSE(split_request_path(target));
  }
  // NUL inside the target (the char* list above stops at it).
  CHECK_FALSE(split_request_path(std::string_view("/a\0b", 4)));
}

TEST_CASE("is_within_compares_whole_components", "[gateway][path_guard]") {
  CHECK(is_within("/srv/web", "/srv/web"));
  CHECK(is_within("/srv/web", "/srv/web/a/b.js"));
  CHECK_FALSE(is_within("/srv/web", "/srv/web2/a.js"));
  CHECK_FALSE(is_within("/srv/web", "/srv"));
  CHECK_FALSE(is_within("/srv/web", "/etc/passwd"));
}

TEST_CASE("resolve_inside_serves_files_and_follows_only_symlinks_that_stay_inside",
          "[gateway][path_guard]") {
  TempWebRoot temp;
  const fs::path root = fs::canonical(temp.web());

  const auto index = resolve_inside(root, Segments{"index.html"});
  REQUIRE(index);
  CHECK(*index == root / "index.html");
  CHECK(resolve_inside(root, Segments{"assets", "logo.png"}) == root / "assets" / "logo.png");
  CHECK(resolve_inside(root, Segments{"inside.js"}) == root / "app.js");

  CHECK_FALSE(resolve_inside(root, Segments{"missing.js"}));
  CHECK_FALSE(resolve_inside(root, Segments{"assets"}));  // a directory
  CHECK_FALSE(resolve_inside(root, Segments{}));          // the root itself
  CHECK_FALSE(resolve_inside(root, Segments{"escape.js"}));
  CHECK_FALSE(resolve_inside(root, Segments{"escape_dir", "secret.js"}));
  // Even segments the splitter would never produce cannot climb out.
  CHECK_FALSE(resolve_inside(root, Segments{"..", "secret.js"}));
  CHECK_FALSE(resolve_inside(root, Segments{"assets", "..", "..", "secret.js"}));
}
