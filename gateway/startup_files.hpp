#pragma once
// The small files main() reads before it serves: the config file (--config,
// settings, may be world-readable) and the TURN secret (--turn-secret-file,
// a secret: refused unless only this user can read it). Errors name the rule
// broken and never echo file content.
#include <filesystem>
#include <string>

#include "shared/result.hpp"

namespace tessera::gateway {

struct StartupFileError {
  std::string message;  // one line, starts with the flag
};

inline constexpr std::size_t kMaxTurnSecretBytes = 256;

// At most kMaxConfigFileBytes (config_sources.hpp).
[[nodiscard]] Result<std::string, StartupFileError> read_config_file(const std::filesystem::path& path);

// The secret without surrounding whitespace: kMinTurnSecretBytes to
// kMaxTurnSecretBytes, a regular file of this user, mode without group/other bits.
[[nodiscard]] Result<std::string, StartupFileError> read_turn_secret(const std::filesystem::path& path);

}  // namespace tessera::gateway
