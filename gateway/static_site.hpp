#pragma once
// The web root and handle_request: an HTTP request in, a response out, no
// sockets. Everything the gateway serves in the walking skeleton is decided
// here, so it is unit-tested without a network.
//
// Supported: GET and HEAD; "/", "/kiosk", "/v/<visit-id>" and "/s/<share-id>" serve
// index.html; other files by exact name with an allowlisted type. The build
// (tools/package_web.py) names every asset by its content hash, so those are
// cached for a year as immutable while index.html is revalidated each time;
// "<file>.gz" made at build time is sent as is when the client accepts gzip
// (the server never compresses or decompresses). Not supported: ranges,
// conditional requests.
#include "gateway/http_headers.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace tessera::gateway {

// Longest request target accepted (414 beyond). Visit links are far shorter.
inline constexpr std::size_t kMaxTargetLength = 2048;

class StaticSite {
 public:
  // nullopt, with a message for the operator, unless root is a directory.
  [[nodiscard]] static std::optional<StaticSite> open(const std::filesystem::path& root,
                                                      std::string& error);

  // Canonical: symlinks resolved, so path_guard can compare components.
  [[nodiscard]] const std::filesystem::path& root() const { return root_; }

 private:
  explicit StaticSite(std::filesystem::path canonical_root) : root_(std::move(canonical_root)) {}
  std::filesystem::path root_;
};

// The Content-Type for a file name, or nullopt when the extension is not one
// the client uses (such files are 404, whatever they contain).
[[nodiscard]] std::optional<std::string_view> content_type_for(std::string_view file_name);

// Hex digits of SHA-256 in a hashed asset name, "tessera.<16 hex>.wasm"; the
// same constant as HASH_HEX_CHARS in tools/package_web.py.
inline constexpr std::size_t kAssetHashChars = 16;

// True for "<stem>.<kAssetHashChars lowercase hex>.<ext>": a name that changes
// whenever the content does, so a year of immutable caching is safe.
[[nodiscard]] bool is_hashed_asset_name(std::string_view file_name);

// The Cache-Control for a file: immutable for hashed assets, no-cache
// (revalidate every time) for index.html and anything else.
[[nodiscard]] std::string_view cache_control_for(std::string_view file_name);

// A clinic tablet's page (the kiosk journey; docs/ARCHITECTURE.md, "Kiosks").
inline constexpr std::string_view kKioskPagePath = "/kiosk";

// True for "/kiosk", and for "/v/<visit-id>" and "/s/<share-id>" when the id
// has exactly the shape of docs/PROTOCOL.md §5: base64url, no padding, of 16
// bytes (22 characters, canonical); the query is ignored. Share ids have the
// same shape as visit ids.
[[nodiscard]] bool is_client_page_path(std::string_view target);

[[nodiscard]] Response handle_request(const StaticSite& site, const Request& req);

}  // namespace tessera::gateway
