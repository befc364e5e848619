#include "shared/visit_link.hpp"

#include <catch2/catch.hpp>

#include <string>

#include "shared/base64url.hpp"
#include "shared/handshake.hpp"
#include "test_util.hpp"

using namespace tessera;
using tessera_test::seeded;

namespace {

std::string good_link(const std::string& host = "clinic.example") {
  const auto visit = provider_visit_from_seed(seeded<kVisitSeedBytes>(7));
  auto text = visit_link_format(provider_visit_link(visit, host));
  REQUIRE(text);
  return std::string(text->view());
}

std::string fragment_with(std::uint8_t version, std::span<const std::uint8_t> secret,
                          std::span<const std::uint8_t> key) {
  std::vector<std::uint8_t> raw{version};
  raw.insert(raw.end(), secret.begin(), secret.end());
  raw.insert(raw.end(), key.begin(), key.end());
  return base64url_encode(raw);
}

LinkError error_of(std::string_view text) {
  auto r = visit_link_parse(text);
  REQUIRE_FALSE(r);
  return r.error();
}

}  // namespace

TEST_CASE("a formatted visit link parses back to the same values", "[visit_link]") {
  const auto visit = provider_visit_from_seed(seeded<kVisitSeedBytes>(7));
  for (const char* host : {"clinic.example", "localhost:8443", "10.0.0.1", "[::1]:443", "a-b.c-d.example"}) {
    auto text = visit_link_format(provider_visit_link(visit, host));
    REQUIRE(text);
    CHECK(text->size() == 8 + std::string(host).size() + 3 + kLinkVisitIdChars + 1 + kLinkFragmentChars);
    auto link = visit_link_parse(text->view());
    REQUIRE(link);
    CHECK(link->host == host);
    CHECK(link->visit_id == visit.visit_id);
    CHECK(link->provider_key == visit.public_key);
    CHECK(secret_equal<kLinkSecretBytes>(link->link_secret.span(), visit.link_secret.span()));
  }
}

TEST_CASE("visit link parsing rejects each malformed part with its own error", "[visit_link]") {
  const std::string link = good_link();
  const auto hash = link.find('#');
  const std::string path_part = link.substr(0, hash);
  const std::string fragment = link.substr(hash + 1);
  const std::string id = path_part.substr(path_part.rfind('/') + 1);

  CHECK(error_of(link + std::string(kLinkMaxChars, 'A')) == LinkError::too_long);
  CHECK(error_of("http://clinic.example/v/" + id + "#" + fragment) == LinkError::bad_scheme);
  CHECK(error_of("HTTPS://clinic.example/v/" + id + "#" + fragment) == LinkError::bad_scheme);
  CHECK(error_of("") == LinkError::bad_scheme);
  for (const char* host : {"", "user@clinic.example", "clinic..example", "-clinic.example", "clinic.example:0",
                           "clinic.example:65536", "clinic.example:", "clin ic.example", "[::1", "[zz::1]"}) {
    CAPTURE(host);
    CHECK(error_of(std::string("https://") + host + "/v/" + id + "#" + fragment) == LinkError::bad_host);
  }
  CHECK(error_of("https://clinic.example/x/" + id + "#" + fragment) == LinkError::bad_path);
  CHECK(error_of("https://clinic.example/v/" + id + "/#" + fragment) == LinkError::bad_path);
  CHECK(error_of("https://clinic.example/v/" + id + "?a=b#" + fragment) == LinkError::bad_path);
  CHECK(error_of("https://clinic.example#" + fragment) == LinkError::bad_path);
  CHECK(error_of("https://clinic.example/v/" + id.substr(1) + "#" + fragment) == LinkError::bad_visit_id);
  CHECK(error_of("https://clinic.example/v/" + id + "A#" + fragment) == LinkError::bad_visit_id);
  CHECK(error_of("https://clinic.example/v/" + id.substr(0, 21) + "+#" + fragment) == LinkError::bad_visit_id);
  CHECK(error_of(path_part) == LinkError::missing_fragment);
  CHECK(error_of(path_part + "#") == LinkError::bad_fragment);
  CHECK(error_of(path_part + "#" + fragment.substr(1)) == LinkError::bad_fragment);
  CHECK(error_of(path_part + "#" + fragment + "A") == LinkError::bad_fragment);
  CHECK(error_of(path_part + "#" + fragment + "=") == LinkError::bad_fragment);

  const auto visit = provider_visit_from_seed(seeded<kVisitSeedBytes>(7));
  CHECK(error_of(path_part + "#" + fragment_with(0x02, visit.link_secret.span(), visit.public_key)) ==
        LinkError::unsupported_version);
  CHECK(error_of(path_part + "#" + fragment_with(0x00, visit.link_secret.span(), visit.public_key)) ==
        LinkError::unsupported_version);
  std::array<std::uint8_t, 32> identity{1};  // the neutral element: small order
  CHECK(error_of(path_part + "#" + fragment_with(0x01, visit.link_secret.span(), identity)) ==
        LinkError::bad_provider_key);
  std::array<std::uint8_t, 32> not_canonical;
  not_canonical.fill(0xff);
  CHECK(error_of(path_part + "#" + fragment_with(0x01, visit.link_secret.span(), not_canonical)) ==
        LinkError::bad_provider_key);
}

TEST_CASE("visit link parsing is total over arbitrary and mutated input", "[visit_link]") {
  const std::string link = good_link();
  // Every single-byte change of a valid link either fails or (for host
  // letters) parses; none may crash. Fragment changes must never pass with
  // the original values.
  const auto original = visit_link_parse(link);
  REQUIRE(original);
  for (std::size_t i = 0; i < link.size(); ++i) {
    for (const char c : {'\0', 'A', '%', '#', '/', '\xff'}) {
      std::string m = link;
      if (m[i] == c) continue;
      m[i] = c;
      auto r = visit_link_parse(m);
      if (r && i > link.find('#')) {
        const bool same = r->provider_key == original->provider_key &&
                          secret_equal<kLinkSecretBytes>(r->link_secret.span(), original->link_secret.span());
        CHECK_FALSE(same);
      }
    }
  }
  for (std::size_t n = 0; n <= link.size(); ++n) (void)visit_link_parse(link.substr(0, n));
}

TEST_CASE("visit id and path helpers round trip for the gateway", "[visit_link]") {
  const auto visit = provider_visit_from_seed(seeded<kVisitSeedBytes>(3));
  const std::string path = visit_link_path(visit.visit_id);
  CHECK(path.size() == 3 + kLinkVisitIdChars);
  auto id = visit_id_parse(path.substr(3));
  REQUIRE(id);
  CHECK(*id == visit.visit_id);
  CHECK_FALSE(visit_id_parse("short"));
  CHECK_FALSE(visit_id_parse(path.substr(3) + "A"));
}

TEST_CASE("visit_link_format refuses values the parser would reject", "[visit_link]") {
  const auto visit = provider_visit_from_seed(seeded<kVisitSeedBytes>(7));
  auto bad_host = visit_link_format(provider_visit_link(visit, "bad host"));
  REQUIRE_FALSE(bad_host);
  CHECK(bad_host.error() == LinkError::bad_host);
  VisitLink link = provider_visit_link(visit, "ok.example");
  link.provider_key = {};
  auto bad_key = visit_link_format(link);
  REQUIRE_FALSE(bad_key);
  CHECK(bad_key.error() == LinkError::bad_provider_key);
}

TEST_CASE("visit public keys must be canonical encodings", "[visit_link]") {
  const auto visit = provider_visit_from_seed(seeded<kVisitSeedBytes>(7));
  CHECK(visit_public_key_valid(visit.public_key));
  VisitPublicKey p_itself{};  // y = p: the non-canonical spelling of y = 0
  p_itself.fill(0xff);
  p_itself[0] = 0xed;
  p_itself[31] = 0x7f;
  CHECK_FALSE(visit_public_key_valid(p_itself));
  p_itself[31] = 0xff;  // same with the sign bit set
  CHECK_FALSE(visit_public_key_valid(p_itself));
  VisitPublicKey small{};  // y = 1: the identity, canonical but of small order
  small[0] = 1;
  CHECK_FALSE(visit_public_key_valid(small));
}
