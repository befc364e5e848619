// Safe path resolution for static files: see path_guard.hpp.
#include "gateway/path_guard.hpp"

#include <algorithm>

namespace tessera::gateway {
namespace fs = std::filesystem;

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool is_control(unsigned char c) { return c < 0x20 || c == 0x7f; }

// Percent-decodes one raw segment. A decoded '/' or '\' would let one segment
// smuggle several ("..%2f.."), so both are refused, as are control bytes.
std::optional<std::string> decode_segment(std::string_view raw) {
  std::string out;
  out.reserve(raw.size());
  for (std::size_t i = 0; i < raw.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(raw[i]);
    if (c == '%') {
      if (i + 2 >= raw.size()) return std::nullopt;  // truncated escape
      const int hi = hex_value(raw[i + 1]);
      const int lo = hex_value(raw[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      c = static_cast<unsigned char>(hi * 16 + lo);
      i += 2;
    }
    if (c == '/' || c == '\\' || is_control(c)) return std::nullopt;
    out.push_back(static_cast<char>(c));
  }
  // Empty, ".", ".." and every dot-file (.git, .env): none belongs to the
  // built client, and refusing the leading dot covers all dot segments at once.
  if (out.empty() || out.front() == '.') return std::nullopt;
  return out;
}

}  // namespace

std::optional<std::vector<std::string>> split_request_path(std::string_view target) {
  // Query strings never select a file; a fragment is never sent by a client.
  const auto query = target.find('?');
  std::string_view path = target.substr(0, query);
  if (path.find('#') != std::string_view::npos) return std::nullopt;
  // Origin form only: "/..." (not "http://host/...", not "*").
  if (path.empty() || path.front() != '/') return std::nullopt;

  std::vector<std::string> segments;
  if (path == "/") return segments;
  path.remove_prefix(1);
  while (true) {
    const auto slash = path.find('/');
    auto segment = decode_segment(path.substr(0, slash));
    if (!segment) return std::nullopt;  // also catches "//" and a trailing "/"
    segments.push_back(std::move(*segment));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return segments;
}

bool is_within(const fs::path& canonical_root, const fs::path& candidate) {
  const auto mismatch =
      std::mismatch(canonical_root.begin(), canonical_root.end(), candidate.begin(), candidate.end());
  return mismatch.first == canonical_root.end();
}

std::optional<fs::path> resolve_inside(const fs::path& canonical_root,
                                       std::span<const std::string> segments) {
  // Built segment by segment: operator/ with an absolute right-hand side
  // would replace the root, and split_request_path already refused '/'.
  fs::path joined = canonical_root;
  for (const auto& segment : segments) joined /= segment;

  std::error_code ec;
  const fs::path resolved = fs::weakly_canonical(joined, ec);
  if (ec || !is_within(canonical_root, resolved)) return std::nullopt;
  if (!fs::is_regular_file(resolved, ec) || ec) return std::nullopt;
  return resolved;
}

}  // namespace tessera::gateway
