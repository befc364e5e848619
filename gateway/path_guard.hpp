#pragma once
// Turning an HTTP request target into a file under the web root, safely.
// Two steps, both pure or read-only:
//   1. split_request_path: the target's path (query dropped) as decoded
//      segments, refusing anything that could name a file outside the root or
//      a hidden one: "." / ".." / dot-files, empty segments, percent-encoded
//      '/' or '\', backslashes, NUL and other control bytes, bad escapes.
//   2. resolve_inside: joins the segments under the canonical root, resolves
//      symlinks, and returns the result only if it is still inside the root.
// Step 1 alone stops every textual trick; step 2 stops a symlink in the web
// root that points elsewhere. Both must hold.
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace tessera::gateway {

// nullopt for anything unsafe or malformed. "/" gives no segments.
[[nodiscard]] std::optional<std::vector<std::string>> split_request_path(std::string_view target);

// True when candidate equals root or lies below it, component by component
// ("/srv/web2" is not inside "/srv/web"). Both must be canonical.
[[nodiscard]] bool is_within(const std::filesystem::path& canonical_root,
                             const std::filesystem::path& candidate);

// The canonical path of root/segments if it exists inside the root and is a
// regular file (after following symlinks); nullopt otherwise.
[[nodiscard]] std::optional<std::filesystem::path> resolve_inside(
    const std::filesystem::path& canonical_root, std::span<const std::string> segments);

}  // namespace tessera::gateway
