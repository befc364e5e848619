#include "shared/share_content.hpp"

#include <algorithm>

#include "shared/padding.hpp"
#include "shared/text.hpp"

namespace tessera {
namespace {

constexpr std::size_t kAdBytes = 1 + kVisitIdBytes;

std::array<std::uint8_t, kAdBytes> share_ad(const ShareId& share) {
  std::array<std::uint8_t, kAdBytes> ad{};
  ad[0] = kShareVersion;
  std::copy(share.begin(), share.end(), ad.begin() + 1);
  return ad;
}

bool texts_valid(const ShareContent& c) {
  if (c.provider_name.size() > kShareMaxNameBytes || !text_is_printable_utf8(c.provider_name)) return false;
  if (c.kind == ShareKind::note) {
    return c.file_name.empty() && c.media_type.empty() && c.body.size() <= kShareMaxNoteBytes &&
           text_is_utf8(c.body.text());
  }
  return c.file_name.size() <= kShareMaxFileNameBytes && text_is_file_name(c.file_name) &&
         c.media_type.size() <= kShareMaxMediaTypeBytes && text_is_media_type(c.media_type);
}

void put_text(std::uint8_t*& at, std::string_view s, std::size_t length_bytes) {
  if (length_bytes == 2) {
    store_be16(at, static_cast<std::uint16_t>(s.size()));
  } else {
    *at = static_cast<std::uint8_t>(s.size());
  }
  at += length_bytes;
  at = std::copy(s.begin(), s.end(), at);
}

// Reads a length-prefixed text from plain[at..end); false when it runs past the end.
bool take_text(std::span<const std::uint8_t> plain, std::size_t& at, std::size_t length_bytes, std::string& out) {
  if (plain.size() - at < length_bytes) return false;
  const std::size_t n = length_bytes == 2 ? load_be16(plain.data() + at) : plain[at];
  at += length_bytes;
  if (plain.size() - at < n) return false;
  out.assign(reinterpret_cast<const char*>(plain.data() + at), n);
  at += n;
  return true;
}

}  // namespace

const char* share_content_error_name(ShareContentError e) {
  switch (e) {
    case ShareContentError::bad_size: return "bad_size";
    case ShareContentError::bad_version: return "bad_version";
    case ShareContentError::wrong_key: return "wrong_key";
    case ShareContentError::bad_content: return "bad_content";
    case ShareContentError::too_large: return "too_large";
    case ShareContentError::invalid_text: return "invalid_text";
  }
  return "unknown";
}

Hash share_open_proof(const LinkSecret& link_secret, const ShareId& share) {
  const Key proof = protocol_kdf(link_secret.span(), label::kShareOpen, {ByteSpan(share)});
  Hash out{};
  std::copy(proof.data(), proof.data() + proof.size(), out.begin());
  return out;
}

Hash share_open_verifier(std::span<const std::uint8_t, kHashBytes> proof) {
  return protocol_hash(label::kShareOpenVerifier, {ByteSpan(proof)});
}

Key share_content_key(const LinkSecret& link_secret, const ShareId& share) {
  return protocol_kdf(link_secret.span(), label::kShareContent, {ByteSpan(share)});
}

Result<std::vector<std::uint8_t>, ShareContentError> share_seal(const LinkSecret& link_secret, const ShareId& share,
                                                                const ShareContent& content) {
  std::array<std::uint8_t, kAeadNonceBytes> nonce{};
  randombytes_buf(nonce.data(), nonce.size());
  return share_seal_with_nonce(link_secret, share, content, nonce);
}

Result<std::vector<std::uint8_t>, ShareContentError> share_seal_with_nonce(
    const LinkSecret& link_secret, const ShareId& share, const ShareContent& content,
    std::span<const std::uint8_t, kAeadNonceBytes> nonce) {
  if (!texts_valid(content)) return ShareContentError::invalid_text;
  const std::size_t plain_size = 1 + 1 + content.provider_name.size() + 2 + content.file_name.size() + 1 +
                                 content.media_type.size() + content.body.size();
  const auto padded_size = pad_size(plain_size, kShareMaxBucket);
  if (!padded_size) return ShareContentError::too_large;

  SecretBuffer plain(*padded_size);
  std::uint8_t* at = plain.data();
  *at++ = static_cast<std::uint8_t>(content.kind);
  put_text(at, content.provider_name, 1);
  put_text(at, content.file_name, 2);
  put_text(at, content.media_type, 1);
  at = std::copy(content.body.data(), content.body.data() + content.body.size(), at);
  pad_fill(plain.span(), plain_size);

  std::vector<std::uint8_t> sealed(kShareSealedOverhead + *padded_size);
  sealed[0] = kShareVersion;
  std::copy(nonce.begin(), nonce.end(), sealed.begin() + 1);
  const auto key = share_content_key(link_secret, share);
  const auto ad = share_ad(share);
  crypto_aead_xchacha20poly1305_ietf_encrypt(sealed.data() + 1 + kAeadNonceBytes, nullptr, plain.data(), plain.size(),
                                             ad.data(), ad.size(), nullptr, nonce.data(), key.data());
  return sealed;
}

Result<ShareContent, ShareContentError> share_open(const LinkSecret& link_secret, const ShareId& share,
                                                   std::span<const std::uint8_t> sealed) {
  if (sealed.size() < kShareSealedMinBytes || sealed.size() > kShareSealedMaxBytes) return ShareContentError::bad_size;
  const std::size_t padded_size = sealed.size() - kShareSealedOverhead;
  if (pad_size(padded_size - 1, kShareMaxBucket) != padded_size) return ShareContentError::bad_size;
  if (sealed[0] != kShareVersion) return ShareContentError::bad_version;

  SecretBuffer plain(padded_size);
  const auto key = share_content_key(link_secret, share);
  const auto ad = share_ad(share);
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(plain.data(), nullptr, nullptr, sealed.data() + 1 + kAeadNonceBytes,
                                                 sealed.size() - 1 - kAeadNonceBytes, ad.data(), ad.size(),
                                                 sealed.data() + 1, key.data()) != 0) {
    return ShareContentError::wrong_key;
  }
  const auto content_size = pad_content_size(plain.span(), kShareMaxBucket);
  if (!content_size || *content_size < 1) return ShareContentError::bad_content;
  plain.truncate(*content_size);

  ShareContent out;
  const auto bytes = plain.span();
  if (bytes[0] != static_cast<std::uint8_t>(ShareKind::note) && bytes[0] != static_cast<std::uint8_t>(ShareKind::file))
    return ShareContentError::bad_content;
  out.kind = static_cast<ShareKind>(bytes[0]);
  std::size_t at = 1;
  if (!take_text(bytes, at, 1, out.provider_name) || !take_text(bytes, at, 2, out.file_name) ||
      !take_text(bytes, at, 1, out.media_type)) {
    return ShareContentError::bad_content;
  }
  out.body = SecretBuffer(bytes.subspan(at));
  if (!texts_valid(out)) return ShareContentError::bad_content;
  return out;
}

}  // namespace tessera
