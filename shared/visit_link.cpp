#include "shared/visit_link.hpp"

#include "shared/base64url.hpp"

namespace tessera {
namespace {

constexpr std::string_view kScheme = "https://";
constexpr std::string_view kPathPrefix = "/v/";
constexpr std::string_view kSharePathPrefix = "/s/";

bool is_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}
bool is_hex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

// DNS name or IPv4: labels of letters, digits and '-', not starting or ending
// with '-', separated by single dots.
bool host_name_valid(std::string_view name) {
  if (name.empty() || name.size() > 253) return false;
  std::size_t label_len = 0;
  char prev = '.';
  for (const char c : name) {
    if (c == '.') {
      if (label_len == 0 || prev == '-') return false;
      label_len = 0;
    } else if (is_alnum(c) || c == '-') {
      if (label_len == 0 && c == '-') return false;
      if (++label_len > 63) return false;
    } else {
      return false;
    }
    prev = c;
  }
  return label_len > 0 && prev != '-';
}

bool ipv6_literal_valid(std::string_view s) {  // "[...]": hex digits, ':' and '.'
  if (s.size() < 4 || s.size() > 47 || s.front() != '[' || s.back() != ']') return false;
  std::size_t colons = 0;
  for (const char c : s.substr(1, s.size() - 2)) {
    if (c == ':') ++colons;
    else if (!is_hex(c) && c != '.') return false;
  }
  return colons >= 2;
}

bool port_valid(std::string_view p) {
  if (p.empty() || p.size() > 5 || p[0] == '0') return false;
  std::uint32_t v = 0;
  for (const char c : p) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + static_cast<std::uint32_t>(c - '0');
  }
  return v >= 1 && v <= 65535;
}

}  // namespace

bool visit_link_host_valid(std::string_view host) {
  if (host.empty() || host.size() > kLinkHostMaxChars) return false;
  std::string_view name = host;
  if (host.front() == '[') {
    const auto close = host.find(']');
    if (close == std::string_view::npos) return false;
    name = host.substr(0, close + 1);
    if (!ipv6_literal_valid(name)) return false;
    const std::string_view rest = host.substr(close + 1);
    return rest.empty() || (rest[0] == ':' && port_valid(rest.substr(1)));
  }
  const auto colon = host.find(':');
  if (colon != std::string_view::npos) {
    if (!port_valid(host.substr(colon + 1))) return false;
    name = host.substr(0, colon);
  }
  return host_name_valid(name);
}

bool visit_public_key_valid(const VisitPublicKey& key) {
  // Canonical: y (little-endian, sign bit cleared) < p = 2^255 - 19, so every
  // key has one encoding, checked here rather than left to a libsodium version.
  bool below_p = (key[31] & 0x7f) != 0x7f || key[0] < 0xed;
  for (std::size_t i = 1; i < 31 && !below_p; ++i) below_p = key[i] != 0xff;
  if (!below_p) return false;
  std::uint8_t x25519[crypto_scalarmult_curve25519_BYTES];
  // libsodium rejects small-order points and points outside the prime-order subgroup.
  return crypto_sign_ed25519_pk_to_curve25519(x25519, key.data()) == 0;
}

Result<VisitId, LinkError> visit_id_parse(std::string_view text) {
  VisitId id{};
  if (text.size() != kLinkVisitIdChars || !base64url_decode_exact(text, id)) return LinkError::bad_visit_id;
  return id;
}

std::string visit_id_format(const VisitId& id) { return base64url_encode(id); }

std::string visit_link_path(const VisitId& id) { return std::string(kPathPrefix) + visit_id_format(id); }

namespace {

Result<VisitLink, LinkError> link_parse(std::string_view text, std::string_view prefix) {
  if (text.size() > kLinkMaxChars) return LinkError::too_long;
  if (text.substr(0, kScheme.size()) != kScheme) return LinkError::bad_scheme;
  text.remove_prefix(kScheme.size());

  VisitLink link;
  const std::string_view host = text.substr(0, text.find_first_of("/?#"));
  if (!visit_link_host_valid(host)) return LinkError::bad_host;
  link.host = std::string(host);
  text.remove_prefix(host.size());

  const auto hash_at = text.find('#');
  const std::string_view path = text.substr(0, hash_at);
  if (path.substr(0, prefix.size()) != prefix) return LinkError::bad_path;
  const std::string_view id_text = path.substr(prefix.size());
  if (id_text.find_first_of("/?") != std::string_view::npos) return LinkError::bad_path;
  auto id = visit_id_parse(id_text);
  if (!id) return id.error();
  link.visit_id = *id;
  if (hash_at == std::string_view::npos) return LinkError::missing_fragment;
  const std::string_view fragment = text.substr(hash_at + 1);

  Secret<kLinkFragmentBytes> raw;
  if (fragment.size() != kLinkFragmentChars || !base64url_decode_exact(fragment, raw.span()))
    return LinkError::bad_fragment;
  if (raw.data()[0] != kLinkVersion) return LinkError::unsupported_version;
  std::copy(raw.data() + 1, raw.data() + 1 + kLinkSecretBytes, link.link_secret.data());
  std::copy(raw.data() + 1 + kLinkSecretBytes, raw.data() + kLinkFragmentBytes, link.provider_key.begin());
  if (!visit_public_key_valid(link.provider_key)) return LinkError::bad_provider_key;
  return link;
}

Result<LinkText, LinkError> link_format(const VisitLink& link, std::string_view prefix) {
  if (!visit_link_host_valid(link.host)) return LinkError::bad_host;
  if (!visit_public_key_valid(link.provider_key)) return LinkError::bad_provider_key;
  Secret<kLinkFragmentBytes> raw;
  raw.data()[0] = kLinkVersion;
  std::copy(link.link_secret.data(), link.link_secret.data() + kLinkSecretBytes, raw.data() + 1);
  std::copy(link.provider_key.begin(), link.provider_key.end(), raw.data() + 1 + kLinkSecretBytes);

  // Assembled in a wiped buffer: scheme, host, path, '#', fragment.
  Secret<kLinkMaxChars> buf;
  char* out = reinterpret_cast<char*>(buf.data());
  std::size_t n = 0;
  const auto put = [&](std::string_view s) {
    std::copy(s.begin(), s.end(), out + n);
    n += s.size();
  };
  put(kScheme);
  put(link.host);
  put(prefix);
  put(visit_id_format(link.visit_id));
  put("#");
  base64url_encode_to(raw.span(), std::span<char>(out + n, kLinkFragmentChars));
  n += kLinkFragmentChars;
  LinkText text;
  if (!text.assign(std::string_view(out, n))) return LinkError::too_long;
  return text;
}

}  // namespace

Result<VisitLink, LinkError> visit_link_parse(std::string_view text) { return link_parse(text, kPathPrefix); }
Result<LinkText, LinkError> visit_link_format(const VisitLink& link) { return link_format(link, kPathPrefix); }
Result<VisitLink, LinkError> share_link_parse(std::string_view text) { return link_parse(text, kSharePathPrefix); }
Result<LinkText, LinkError> share_link_format(const VisitLink& link) { return link_format(link, kSharePathPrefix); }
std::string share_link_path(const VisitId& share) { return std::string(kSharePathPrefix) + visit_id_format(share); }

const char* link_error_name(LinkError e) {
  switch (e) {
    case LinkError::too_long: return "too_long";
    case LinkError::bad_scheme: return "bad_scheme";
    case LinkError::bad_host: return "bad_host";
    case LinkError::bad_path: return "bad_path";
    case LinkError::bad_visit_id: return "bad_visit_id";
    case LinkError::missing_fragment: return "missing_fragment";
    case LinkError::bad_fragment: return "bad_fragment";
    case LinkError::unsupported_version: return "unsupported_version";
    case LinkError::bad_provider_key: return "bad_provider_key";
  }
  return "unknown";
}

}  // namespace tessera
