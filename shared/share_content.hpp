#pragma once
// An ephemeral share's content, sealed in the provider's browser
// (docs/PROTOCOL.md §13). The share link is a visit link with /s/ for /v/
// (share_link_parse, visit_link.hpp): its fragment's link secret keys the content, and
// the gateway, which sees only the share id, can read nothing of it.
//
//   key    = protocol_kdf(link secret, "tessera/v1/share-content", share id)
//   sealed = version 0x01 ‖ nonce (24) ‖
//            XChaCha20-Poly1305(key, nonce, AD = version ‖ share id, pad(plain))
//   plain  = kind (1 note, 2 file) ‖ u8 len ‖ provider's display name ‖
//            u16 BE len ‖ file name ‖ u8 len ‖ media type ‖ body
//
// pad() is padding.hpp's power-of-two buckets up to kShareMaxBucket, so the
// size stored or sent reveals a bucket, not the length. A note has an empty
// file name and media type; its body is the text. The same sealed bytes are
// what a parked share stores on the gateway and what a live share's provider
// sends over the data channel. A sealed share opened with the wrong link
// secret, or under another share id, fails as one error (`wrong_key`).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "shared/protocol.hpp"
#include "shared/result.hpp"
#include "shared/secret.hpp"
#include "shared/visit_link.hpp"

namespace tessera {

inline constexpr std::uint8_t kShareVersion = 0x01;
using ShareId = VisitId;  // 16 random bytes, like a visit's

// Limits, checked on sealing and on opening.
inline constexpr std::size_t kShareMaxBucket = std::size_t{4} << 20;             // 4 MiB padded plaintext
inline constexpr std::size_t kShareMaxNoteBytes = 16 * 1024;                     // a note's UTF-8 text
inline constexpr std::size_t kShareMaxNameBytes = 64;                            // provider's display name
inline constexpr std::size_t kShareMaxFileNameBytes = 255;
inline constexpr std::size_t kShareMaxMediaTypeBytes = 127;
inline constexpr std::size_t kShareHeaderMaxBytes =
    1 + 1 + kShareMaxNameBytes + 2 + kShareMaxFileNameBytes + 1 + kShareMaxMediaTypeBytes;
// The largest file a share carries, whatever its name: the bucket less the
// largest header and the padding's one byte.
inline constexpr std::size_t kShareMaxFileBytes = kShareMaxBucket - kShareHeaderMaxBytes - 1;
inline constexpr std::size_t kShareSealedOverhead = 1 + kAeadNonceBytes + kAeadTagBytes;
inline constexpr std::size_t kShareSealedMinBytes = kShareSealedOverhead + 64;
inline constexpr std::size_t kShareSealedMaxBytes = kShareSealedOverhead + kShareMaxBucket;

enum class ShareKind : std::uint8_t { note = 1, file = 2 };

enum class ShareContentError {
  bad_size,          // sealed: not overhead + a bucket size
  bad_version,       // version byte is not kShareVersion
  wrong_key,         // authentication failed: another link secret or share id, or altered
  bad_content,       // opened, but the plaintext's layout or texts are invalid
  too_large,         // sealing: more than the limits allow
  invalid_text,      // sealing: name, file name, type or note text not acceptable
};
[[nodiscard]] const char* share_content_error_name(ShareContentError e);

// What the opener sees. body holds the note's text or the file's bytes.
struct ShareContent {
  ShareKind kind = ShareKind::note;
  std::string provider_name;
  std::string file_name;   // empty for a note
  std::string media_type;  // empty for a note
  SecretBuffer body;
};

// Opening is gated by the gateway without giving it the key: the opener's
// page sends  proof = protocol_kdf(link secret, "tessera/v1/share-open", share id),
// and the gateway, which was given  verifier = protocol_hash("tessera/v1/share-open-verifier", proof)
// when the share was made, compares (in constant time) before it counts an
// open or hands anything over. A link with a wrong or cut fragment opens
// nothing and uses nothing up; the id alone, or the verifier, gets no one in.
// Neither value derives the content key.
[[nodiscard]] Hash share_open_proof(const LinkSecret& link_secret, const ShareId& share);
[[nodiscard]] Hash share_open_verifier(std::span<const std::uint8_t, kHashBytes> proof);

// The content key for one share.
[[nodiscard]] Key share_content_key(const LinkSecret& link_secret, const ShareId& share);

// Seals with a fresh random nonce.
[[nodiscard]] Result<std::vector<std::uint8_t>, ShareContentError> share_seal(const LinkSecret& link_secret,
                                                                              const ShareId& share,
                                                                              const ShareContent& content);
// For known-answer vectors only: the nonce given.
[[nodiscard]] Result<std::vector<std::uint8_t>, ShareContentError> share_seal_with_nonce(
    const LinkSecret& link_secret, const ShareId& share, const ShareContent& content,
    std::span<const std::uint8_t, kAeadNonceBytes> nonce);
[[nodiscard]] Result<ShareContent, ShareContentError> share_open(const LinkSecret& link_secret, const ShareId& share,
                                                                 std::span<const std::uint8_t> sealed);

}  // namespace tessera
