#pragma once
// The web root and handle_request: an HTTP request in, a response out, no
// sockets. Everything the gateway serves in the walking skeleton is decided
// here, so it is unit-tested without a network.
//
// Supported: GET and HEAD; "/" and "/v/<visit-id>" (1..64 base64url
// characters) serve index.html; other files by exact name with an allowlisted
// type. Not supported yet (issue 9): hashed immutable assets, gzip, ranges,
// conditional requests, TLS.
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

// True for "/v/<id>" with id of 1..64 base64url characters (query ignored).
[[nodiscard]] bool is_visit_path(std::string_view target);

[[nodiscard]] Response handle_request(const StaticSite& site, const Request& req);

}  // namespace tessera::gateway
