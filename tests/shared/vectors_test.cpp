// Known-answer vectors: tests/vectors/*.json, generated once by
// tools/make_vectors. Each target (native, wasm) rebuilds them from the same
// seed and must produce identical documents; the stored messages must also
// open with the receiving side of the API.
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>
#include <string>

#include "shared/share_content.hpp"
#include "shared/visit_link.hpp"
#include "test_util.hpp"
#include "vector_builder.hpp"

using tessera_vectors::json;
using namespace tessera;

namespace {

json load(const std::string& name) {
  std::ifstream in(std::string(TESSERA_VECTORS_DIR) + "/" + name + ".json");
  REQUIRE(in);
  std::stringstream ss;
  ss << in.rdbuf();
  json doc = json::parse(ss.str(), nullptr, false);
  REQUIRE_FALSE(doc.is_discarded());
  return doc;
}

std::vector<std::uint8_t> unhex(const json& j) {
  const auto* s = j.get_ptr<const std::string*>();
  REQUIRE(s);
  std::vector<std::uint8_t> out(s->size() / 2 + 1);  // never empty: data() must not be null
  std::size_t n = 0;
  REQUIRE(sodium_hex2bin(out.data(), out.size(), s->data(), s->size(), nullptr, &n, nullptr) == 0);
  REQUIRE(n == s->size() / 2);
  out.resize(n);
  return out;
}

std::string str(const json& j) {
  const auto* s = j.get_ptr<const std::string*>();
  REQUIRE(s);
  return *s;
}

}  // namespace

TEST_CASE("rebuilding the vectors from their seed reproduces tests/vectors exactly", "[vectors]") {
  const auto built = tessera_vectors::build_vectors();
  REQUIRE(built.size() == 7);
  for (const auto& [name, doc] : built) {
    CAPTURE(name);
    const json stored = load(name);
    CHECK(stored == doc);
    if (stored != doc) {
      for (const auto& item : doc.items()) {
        const auto it = stored.find(item.key());
        CAPTURE(item.key());
        CHECK((it != stored.end() && *it == item.value()));
      }
    }
  }
}

TEST_CASE("the stored link parses and the invalid ones fail as recorded", "[vectors]") {
  const json v = load("visit_link");
  auto link = visit_link_parse(str(v["link"]));
  REQUIRE(link);
  CHECK(link->host == str(v["host"]));
  CHECK(std::vector<std::uint8_t>(link->visit_id.begin(), link->visit_id.end()) == unhex(v["visit_id"]));
  CHECK(std::vector<std::uint8_t>(link->provider_key.begin(), link->provider_key.end()) ==
        unhex(v["provider_public_key"]));
  for (const auto& bad : v["invalid"]) {
    auto r = visit_link_parse(str(bad["link"]));
    REQUIRE_FALSE(r);
    CHECK(link_error_name(r.error()) == str(bad["error"]));
  }
}

TEST_CASE("the stored handshake opens with the provider's key", "[vectors]") {
  const json h = load("handshake");
  const json l = load("visit_link");
  const auto seed = unhex(l["visit_seed"]);
  REQUIRE(seed.size() == kVisitSeedBytes);
  const auto visit = provider_visit_from_seed(std::span<const std::uint8_t, kVisitSeedBytes>(seed.data(), seed.size()));
  auto waiting = handshake_provider_read_hello(visit, unhex(h["hello"]));
  REQUIRE(waiting);
  CHECK(waiting->name.view() == str(h["display_name"]));
}

TEST_CASE("the stored sealed shares open with the link's secret and nothing else", "[vectors][shares]") {
  const json v = load("share");
  auto link = share_link_parse(str(v["link"]));
  REQUIRE(link);
  CHECK(std::vector<std::uint8_t>(link->visit_id.begin(), link->visit_id.end()) == unhex(v["share_id"]));
  CHECK_FALSE(visit_link_parse(str(v["link"])));  // a share link is not a visit link
  for (const auto& s : v["sealed"]) {
    const auto sealed = unhex(s["sealed"]);
    auto content = share_open(link->link_secret, link->visit_id, sealed);
    REQUIRE(content);
    CHECK(static_cast<int>(content->kind) == s["kind"].get<int>());
    CHECK(content->provider_name == str(s["provider_name"]));
    CHECK(content->file_name == str(s["file_name"]));
    CHECK(content->media_type == str(s["media_type"]));
    CHECK(std::vector<std::uint8_t>(content->body.data(), content->body.data() + content->body.size()) ==
          unhex(s["body"]));
    LinkSecret wrong = link->link_secret.clone();
    wrong.data()[0] ^= 1;
    auto refused = share_open(wrong, link->visit_id, sealed);
    REQUIRE_FALSE(refused);
    CHECK(refused.error() == ShareContentError::wrong_key);
  }
}
