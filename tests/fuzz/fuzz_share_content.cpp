// libFuzzer target: a share's sealed content (shared/share_content.hpp), what
// an opener's page opens from the gateway or a provider's tab.
// Each input is used three ways:
//   1. as sealed content: share_open (fixed link secret and share id) is
//      total, and whatever it accepts re-seals with the same nonce to the
//      same bytes;
//   2. as an authenticated but arbitrary padded plaintext (sealed with raw
//      libsodium under the share's key): share_open accepts exactly the
//      plaintexts a reference parser written here accepts (version, bucket,
//      padding, kind, three length-prefixed texts), and agrees with it on
//      every field;
//   3. as fields (name, file name, media type, body cut from the input):
//      seal then open returns the same content, under no other share id.
#include <algorithm>
#include <string>
#include <vector>

#include "shared/padding.hpp"
#include "shared/share_content.hpp"
#include "shared/text.hpp"
#include "tests/fuzz/fuzz_common.hpp"

using namespace tessera;

namespace {

LinkSecret link_secret() { return fuzz::fixed_key(fuzz::tag::share_secret); }
ShareId share_id() { return fuzz::fixed_bytes<kVisitIdBytes>(fuzz::tag::share_id); }

bool same(const ShareContent& a, const ShareContent& b) {
  return a.kind == b.kind && a.provider_name == b.provider_name && a.file_name == b.file_name &&
         a.media_type == b.media_type && a.body.size() == b.body.size() &&
         std::equal(a.body.data(), a.body.data() + a.body.size(), b.body.data());
}

void as_sealed(ByteSpan in) {
  const auto opened = share_open(link_secret(), share_id(), in);
  if (!opened) return;
  FUZZ_CHECK(in.size() > 1 + kAeadNonceBytes);
  const auto nonce = in.subspan<1, kAeadNonceBytes>();
  const auto again = share_seal_with_nonce(link_secret(), share_id(), *opened, nonce);
  FUZZ_CHECK(again.ok());
  if (again->size() == in.size()) FUZZ_CHECK(std::equal(again->begin(), again->end(), in.begin()));
}

// The layout of PROTOCOL.md §13, read independently of share_content.cpp.
struct Reference {
  bool ok = false;
  std::uint8_t kind = 0;
  std::string name, file_name, media_type;
  std::vector<std::uint8_t> body;
};

Reference reference_parse(ByteSpan plain) {
  Reference r;
  std::size_t at = 1;
  const auto text = [&](std::size_t length_bytes, std::string& out) {
    if (plain.size() - at < length_bytes) return false;
    const std::size_t n = length_bytes == 2 ? (std::size_t{plain[at]} << 8 | plain[at + 1]) : plain[at];
    at += length_bytes;
    if (plain.size() - at < n) return false;
    out.assign(reinterpret_cast<const char*>(plain.data() + at), n);
    at += n;
    return true;
  };
  if (plain.empty() || (plain[0] != 1 && plain[0] != 2)) return r;
  r.kind = plain[0];
  if (!text(1, r.name) || !text(2, r.file_name) || !text(1, r.media_type)) return r;
  r.body.assign(plain.begin() + static_cast<std::ptrdiff_t>(at), plain.end());
  const auto utf8 = [](std::string_view s, bool printable) {
    return fuzz::reference_utf8(ByteSpan(reinterpret_cast<const std::uint8_t*>(s.data()), s.size()), printable);
  };
  if (r.name.size() > kShareMaxNameBytes || !utf8(r.name, true)) return r;
  if (r.kind == 1) {
    r.ok = r.file_name.empty() && r.media_type.empty() && r.body.size() <= kShareMaxNoteBytes &&
           fuzz::reference_utf8(r.body, false);
  } else {
    // File names and media types have their own rules (shared/text.hpp, fuzzed by fuzz_chat_frame).
    r.ok = r.file_name.size() <= kShareMaxFileNameBytes && text_is_file_name(r.file_name) &&
           r.media_type.size() <= kShareMaxMediaTypeBytes && text_is_media_type(r.media_type);
  }
  return r;
}

void as_plaintext(ByteSpan in) {
  if (in.empty()) return;
  const std::size_t bucket = kPadMinBucket << (in[0] % 6);  // 64 .. 2048: the small buckets
  std::vector<std::uint8_t> plain(bucket, 0);
  const ByteSpan rest = in.subspan(1);
  std::copy_n(rest.begin(), std::min(rest.size(), bucket), plain.begin());

  std::vector<std::uint8_t> sealed(kShareSealedOverhead + bucket);
  sealed[0] = kShareVersion;
  const auto nonce = fuzz::fixed_bytes<kAeadNonceBytes>(fuzz::tag::share_id);
  std::copy(nonce.begin(), nonce.end(), sealed.begin() + 1);
  const auto share = share_id();
  std::array<std::uint8_t, 1 + kVisitIdBytes> ad{kShareVersion};
  std::copy(share.begin(), share.end(), ad.begin() + 1);
  const Key key = share_content_key(link_secret(), share);
  crypto_aead_xchacha20poly1305_ietf_encrypt(sealed.data() + 1 + kAeadNonceBytes, nullptr, plain.data(), bucket,
                                             ad.data(), ad.size(), nullptr, nonce.data(), key.data());

  const auto opened = share_open(link_secret(), share, sealed);
  std::size_t content = 0;
  if (sodium_unpad(&content, plain.data(), bucket, bucket) != 0 || content == 0) {
    FUZZ_CHECK(!opened && opened.error() == ShareContentError::bad_content);
    return;
  }
  const Reference ref = reference_parse(ByteSpan(plain.data(), content));
  FUZZ_CHECK(opened.ok() == ref.ok);
  if (!ref.ok) {
    FUZZ_CHECK(opened.error() == ShareContentError::bad_content);
    return;
  }
  FUZZ_CHECK(static_cast<std::uint8_t>(opened->kind) == ref.kind && opened->provider_name == ref.name &&
             opened->file_name == ref.file_name && opened->media_type == ref.media_type &&
             opened->body.size() == ref.body.size() &&
             std::equal(ref.body.begin(), ref.body.end(), opened->body.data()));
}

void as_fields(ByteSpan in) {
  if (in.size() < 4) return;
  const auto cut = [&](std::size_t i) { return std::min<std::size_t>(in[i], in.size() - 4); };
  std::size_t a = std::min(cut(0), cut(1)), b = std::max(cut(0), cut(1));
  const ByteSpan rest = in.subspan(4);
  const auto str = [](ByteSpan s) { return std::string(reinterpret_cast<const char*>(s.data()), s.size()); };
  ShareContent c;
  c.kind = in[2] % 2 ? ShareKind::file : ShareKind::note;
  c.provider_name = str(rest.first(a));
  if (c.kind == ShareKind::file) {
    const std::size_t m = b + std::min<std::size_t>(in[3] % 32, rest.size() - b);
    c.file_name = str(rest.subspan(a, b - a));
    c.media_type = str(rest.subspan(b, m - b));
    c.body = SecretBuffer(rest.subspan(m));
  } else {
    c.body = SecretBuffer(rest.subspan(a));
  }
  const auto sealed = share_seal(link_secret(), share_id(), c);
  if (!sealed) {
    FUZZ_CHECK(sealed.error() == ShareContentError::invalid_text);
    return;
  }
  FUZZ_CHECK(sealed->size() >= kShareSealedMinBytes && sealed->size() <= kShareSealedMaxBytes);
  const auto opened = share_open(link_secret(), share_id(), *sealed);
  FUZZ_CHECK(opened.ok() && same(*opened, c));
  // Another share's id is another key and another associated datum.
  ShareId other = share_id();
  other[0] ^= 1;
  const auto elsewhere = share_open(link_secret(), other, *sealed);
  FUZZ_CHECK(!elsewhere && elsewhere.error() == ShareContentError::wrong_key);
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  fuzz::init();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const ByteSpan in(data, size);
  as_sealed(in);
  as_plaintext(in);
  as_fields(in);
  return 0;
}
