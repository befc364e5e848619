// Sealed share content (shared/share_content.hpp): round trips, what a wrong
// link or another share id gets, tampering, the size buckets and the limits.
#include "shared/share_content.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <utility>
#include <vector>

using namespace tessera;

namespace {

struct Keys {
  ShareId id{};
  LinkSecret secret;
  Keys() {
    randombytes_buf(id.data(), id.size());
    randombytes_buf(secret.data(), secret.size());
  }
};

ShareContent note(std::string_view text, std::string_view name = "Dr. Ada Lovelace") {
  ShareContent c;
  c.kind = ShareKind::note;
  c.provider_name = std::string(name);
  c.body = SecretBuffer(std::span(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()));
  return c;
}

ShareContent file(std::size_t size, std::string_view file_name = "scan.png", std::string_view type = "image/png") {
  ShareContent c;
  c.kind = ShareKind::file;
  c.provider_name = "Dr. Ada Lovelace";
  c.file_name = std::string(file_name);
  c.media_type = std::string(type);
  c.body = SecretBuffer(size);
  randombytes_buf(c.body.data(), c.body.size());
  return c;
}

}  // namespace

TEST_CASE("a note and a file round trip; the size reveals only a power-of-two bucket", "[shares]") {
  const Keys k;
  auto sealed = share_seal(k.secret, k.id, note("Rest, fluids, and call us if the fever passes 39 °C."));
  REQUIRE(sealed);
  CHECK(sealed->size() == kShareSealedOverhead + 128);
  CHECK((*sealed)[0] == kShareVersion);
  auto opened = share_open(k.secret, k.id, *sealed);
  REQUIRE(opened);
  CHECK(opened->kind == ShareKind::note);
  CHECK(opened->body.text() == "Rest, fluids, and call us if the fever passes 39 °C.");
  CHECK(opened->provider_name == "Dr. Ada Lovelace");

  const auto original = file(70000);
  auto sealed_file = share_seal(k.secret, k.id, original);
  REQUIRE(sealed_file);
  CHECK(sealed_file->size() == kShareSealedOverhead + 131072);
  auto got = share_open(k.secret, k.id, *sealed_file);
  REQUIRE(got);
  CHECK(got->file_name == "scan.png");
  CHECK(got->media_type == "image/png");
  CHECK(std::equal(got->body.span().begin(), got->body.span().end(), original.body.span().begin(),
                   original.body.span().end()));
  // Fresh nonces: the same content never seals to the same bytes.
  CHECK(*share_seal(k.secret, k.id, original) != *sealed_file);
}

TEST_CASE("a wrong link secret, another share id, or a changed byte opens nothing", "[shares]") {
  const Keys k, other;
  auto sealed = share_seal(k.secret, k.id, note("hello"));
  REQUIRE(sealed);
  CHECK(share_open(other.secret, k.id, *sealed).error() == ShareContentError::wrong_key);
  CHECK(share_open(k.secret, other.id, *sealed).error() == ShareContentError::wrong_key);
  for (const std::size_t at : {std::size_t{1}, std::size_t{30}, sealed->size() - 1}) {
    auto bent = *sealed;
    bent[at] ^= 0x01;
    CHECK(share_open(k.secret, k.id, bent).error() == ShareContentError::wrong_key);
  }
  auto versioned = *sealed;
  versioned[0] = 0x02;
  CHECK(share_open(k.secret, k.id, versioned).error() == ShareContentError::bad_version);
  auto cut = *sealed;
  cut.pop_back();
  CHECK(share_open(k.secret, k.id, cut).error() == ShareContentError::bad_size);
  CHECK(share_open(k.secret, k.id, std::vector<std::uint8_t>(3)).error() == ShareContentError::bad_size);
}

TEST_CASE("sealing refuses what breaks the stated limits", "[shares][limits]") {
  const Keys k;
  CHECK(share_seal(k.secret, k.id, note(std::string(kShareMaxNoteBytes, 'a'))));
  CHECK(share_seal(k.secret, k.id, note(std::string(kShareMaxNoteBytes + 1, 'a'))).error() ==
        ShareContentError::invalid_text);
  CHECK(share_seal(k.secret, k.id, note("\xff\xfe")).error() == ShareContentError::invalid_text);
  CHECK(share_seal(k.secret, k.id, note("x", std::string(kShareMaxNameBytes + 1, 'n'))).error() ==
        ShareContentError::invalid_text);
  CHECK(share_seal(k.secret, k.id, file(10, "../etc/passwd")).error() == ShareContentError::invalid_text);
  CHECK(share_seal(k.secret, k.id, file(10, "a.txt", "not a type")).error() == ShareContentError::invalid_text);
  auto biggest = share_seal(k.secret, k.id, file(kShareMaxFileBytes, std::string(kShareMaxFileNameBytes, 'f'),
                                                 "application/octet-stream"));
  REQUIRE(biggest);
  CHECK(biggest->size() == kShareSealedMaxBytes);
  CHECK(share_seal(k.secret, k.id, file(kShareMaxBucket)).error() == ShareContentError::too_large);
}

TEST_CASE("a share link is a visit link's fragment under /s/", "[shares]") {
  const Keys k;
  VisitLink link;
  link.host = "clinic.example";
  link.visit_id = k.id;
  link.link_secret = k.secret.clone();
  unsigned char sk[crypto_sign_SECRETKEYBYTES];
  crypto_sign_keypair(link.provider_key.data(), sk);
  auto text = share_link_format(link);
  REQUIRE(text);
  CHECK(text->view().starts_with("https://clinic.example/s/" + visit_id_format(k.id) + "#"));
  auto parsed = share_link_parse(text->view());
  REQUIRE(parsed);
  CHECK(parsed->visit_id == k.id);
  CHECK(secret_equal<kLinkSecretBytes>(std::as_const(parsed->link_secret).span(), k.secret.span()));
  CHECK(share_link_parse(visit_link_format(link)->view()).error() == LinkError::bad_path);
  CHECK(share_link_path(k.id) == "/s/" + visit_id_format(k.id));
}
