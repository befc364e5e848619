#pragma once
// Where settings come from (issue 9 item 8), later ones winning:
//   1. a config file: --config FILE or TESSERA_CONFIG=FILE
//   2. the environment: TESSERA_<NAME>, e.g. TESSERA_LISTEN=0.0.0.0:8443
//   3. flags on the command line
// Each source is turned into flags, in that order, and parse_options() takes
// the last value of a repeated flag: one parser validates all three alike,
// and its error names the flag. Pure functions; main() reads the file and
// the environment.
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "gateway/options.hpp"

namespace tessera::gateway {

inline constexpr std::size_t kMaxConfigFileBytes = 64 * 1024;
inline constexpr std::string_view kConfigEnvironmentVariable = "TESSERA_CONFIG";

// The file's settings as flags. Format: one `name = value` per line, name as
// the flag without "--" (`listen = 0.0.0.0:8443`, `allow-origin = https://a`);
// blank lines and lines starting with '#' are ignored; spaces around name and
// value are trimmed. Unknown names are refused here (with the line number),
// as is a value-less line or anything over kMaxConfigFileBytes.
[[nodiscard]] std::variant<std::vector<std::string>, OptionsError> config_file_arguments(
    std::string_view text, std::span<const std::string_view> known_flags);

// TESSERA_<NAME> variables as flags, for each known flag --name (dashes as
// underscores, upper case: --allow-origin <- TESSERA_ALLOW_ORIGIN). Other
// variables are ignored; TESSERA_CONFIG is the file, not a setting.
[[nodiscard]] std::vector<std::string> environment_arguments(
    std::span<const std::pair<std::string, std::string>> environment, std::span<const std::string_view> known_flags);

// The config file named by the last --config on the command line, else by
// TESSERA_CONFIG; empty: none.
[[nodiscard]] std::string config_file_path(std::span<const std::string_view> args,
                                           std::span<const std::pair<std::string, std::string>> environment);

}  // namespace tessera::gateway
