#pragma once
// The visit link (docs/PROTOCOL.md §5):
//   https://HOST/v/<visit-id>#<fragment>
// visit-id = base64url(16 random bytes); fragment = base64url(version 0x01 ‖
// 32-byte link secret ‖ 32-byte provider visit Ed25519 public key). Browsers
// never send the fragment to a server, so the gateway sees only the visit id.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "shared/protocol.hpp"
#include "shared/result.hpp"
#include "shared/secret.hpp"

namespace tessera {

inline constexpr std::uint8_t kLinkVersion = 0x01;
inline constexpr std::size_t kLinkMaxChars = 512;
inline constexpr std::size_t kLinkHostMaxChars = 253 + 6;  // name + ":65535"
inline constexpr std::size_t kLinkFragmentBytes = 1 + kLinkSecretBytes + kVisitPublicKeyBytes;
inline constexpr std::size_t kLinkVisitIdChars = 22;
inline constexpr std::size_t kLinkFragmentChars = 87;

enum class LinkError {
  too_long,             // more than kLinkMaxChars
  bad_scheme,           // not "https://"
  bad_host,             // empty, bad characters, bad port, userinfo
  bad_path,             // not exactly "/v/<visit-id>" ("/s/<share-id>" for a share link), or has a query
  bad_visit_id,         // not base64url of exactly 16 bytes
  missing_fragment,     // no '#'
  bad_fragment,         // not base64url of exactly 65 bytes
  unsupported_version,  // fragment version byte is not 0x01
  bad_provider_key,     // not a usable Ed25519 public key
};

struct VisitLink {
  std::string host;  // as written in the link, including ":port" if any
  VisitId visit_id{};
  LinkSecret link_secret;
  VisitPublicKey provider_key{};
};

// The link as text, in a buffer that wipes itself (it contains the secret).
using LinkText = SecretText<kLinkMaxChars>;

[[nodiscard]] Result<VisitLink, LinkError> visit_link_parse(std::string_view text);

// Fails (bad_host / bad_provider_key) for values visit_link_parse would reject.
[[nodiscard]] Result<LinkText, LinkError> visit_link_format(const VisitLink& link);

// The part of the link the gateway sees: "/v/<visit-id>".
[[nodiscard]] std::string visit_link_path(const VisitId& id);
[[nodiscard]] Result<VisitId, LinkError> visit_id_parse(std::string_view text);  // 22 chars
[[nodiscard]] std::string visit_id_format(const VisitId& id);

[[nodiscard]] bool visit_link_host_valid(std::string_view host);

// The share link (an ephemeral share, PROTOCOL.md §13): the same link with
// "/s/" for "/v/", "https://HOST/s/<share-id>#<fragment>", and the same
// fragment (the visit key is what a live share's opener checks the
// provider's signaling against). visit_id holds the share id.
[[nodiscard]] Result<VisitLink, LinkError> share_link_parse(std::string_view text);
[[nodiscard]] Result<LinkText, LinkError> share_link_format(const VisitLink& link);
[[nodiscard]] std::string share_link_path(const VisitId& share);  // "/s/<share-id>"


// True if key is canonically encoded (y < 2^255 - 19) and
// crypto_sign_ed25519_pk_to_curve25519 accepts it (not of small order, in the
// prime-order subgroup): what the guest needs to seal its name to it.
[[nodiscard]] bool visit_public_key_valid(const VisitPublicKey& key);

[[nodiscard]] const char* link_error_name(LinkError e);

}  // namespace tessera
