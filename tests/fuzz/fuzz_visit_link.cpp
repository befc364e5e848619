// libFuzzer target: the visit link (shared/visit_link.hpp) and the base64url
// codec under it (shared/base64url.hpp).
// Properties, for any input text x:
//   - visit_link_parse(x) returns a value or a LinkError (ASan/UBSan watch);
//   - a parsed link formats back to exactly x (the format is canonical), and
//     its path is "/v/" + the visit id as written;
//   - base64url_decode(x), when it succeeds, re-encodes to exactly x, and
//     agrees with base64url_decode_exact;
//   - visit_id_parse(x) succeeds only for a canonical id that formats to x.
#include <algorithm>
#include <string>
#include <vector>

#include "shared/base64url.hpp"
#include "shared/visit_link.hpp"
#include "tests/fuzz/fuzz_common.hpp"

using namespace tessera;

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  fuzz::init();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = fuzz::as_text({data, size});

  // ---- the link
  auto link = visit_link_parse(text);
  if (link) {
    FUZZ_CHECK(text.size() <= kLinkMaxChars);
    FUZZ_CHECK(visit_link_host_valid(link->host));
    FUZZ_CHECK(visit_public_key_valid(link->provider_key));
    auto formatted = visit_link_format(*link);
    FUZZ_CHECK(formatted.ok());
    FUZZ_CHECK(formatted->view() == text);
    const std::string path = visit_link_path(link->visit_id);
    FUZZ_CHECK(text.find(path + "#") != std::string_view::npos);
    auto again = visit_link_parse(formatted->view());
    FUZZ_CHECK(again.ok());
    FUZZ_CHECK(again->visit_id == link->visit_id && again->provider_key == link->provider_key);
    FUZZ_CHECK(secret_equal<kLinkSecretBytes>(again->link_secret.span(), link->link_secret.span()));
  }
  (void)visit_link_host_valid(text);

  // ---- the visit id alone
  auto id = visit_id_parse(text);
  if (id) FUZZ_CHECK(visit_id_format(*id) == text);

  // ---- base64url
  auto decoded = base64url_decode(text);
  if (decoded) {
    FUZZ_CHECK(base64url_encode(*decoded) == text);
    FUZZ_CHECK(base64url_encoded_size(decoded->size()) == text.size());
    std::vector<std::uint8_t> exact(decoded->size());
    FUZZ_CHECK(base64url_decode_exact(text, exact));
    FUZZ_CHECK(exact == *decoded);
    std::string out(text.size(), '\0');
    base64url_encode_to(*decoded, std::span<char>(out.data(), out.size()));
    FUZZ_CHECK(out == text);
  } else {
    // The exact decoder must refuse it at any plausible length.
    std::vector<std::uint8_t> exact(text.size() * 3 / 4);
    FUZZ_CHECK(!base64url_decode_exact(text, exact));
  }
  // And the encoder: raw bytes in, canonical text out.
  const std::string enc = base64url_encode({data, size});
  auto back = base64url_decode(enc);
  FUZZ_CHECK(back.has_value() && back->size() == size && std::equal(back->begin(), back->end(), data));
  return 0;
}
