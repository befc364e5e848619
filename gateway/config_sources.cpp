#include "gateway/config_sources.hpp"

#include <algorithm>
#include <cctype>

namespace tessera::gateway {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

bool is_known(std::string_view flag, std::span<const std::string_view> known) {
  return std::find(known.begin(), known.end(), flag) != known.end();
}

// "--allow-origin" -> "TESSERA_ALLOW_ORIGIN"
std::string variable_for(std::string_view flag) {
  std::string name = "TESSERA_";
  for (const char c : flag.substr(2))
    name += c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return name;
}

}  // namespace

std::variant<std::vector<std::string>, OptionsError> config_file_arguments(
    std::string_view text, std::span<const std::string_view> known_flags) {
  if (text.size() > kMaxConfigFileBytes)
    return OptionsError{"config file: larger than " + std::to_string(kMaxConfigFileBytes) + " bytes"};
  std::vector<std::string> args;
  std::size_t number = 0;
  while (!text.empty()) {
    ++number;
    const auto newline = text.find('\n');
    const std::string_view line = trim(text.substr(0, newline));
    text.remove_prefix(newline == std::string_view::npos ? text.size() : newline + 1);
    if (line.empty() || line.front() == '#') continue;
    const auto where = "config file line " + std::to_string(number) + ": ";
    const auto eq = line.find('=');
    if (eq == std::string_view::npos) return OptionsError{where + "expected 'name = value'"};
    const std::string flag = "--" + std::string(trim(line.substr(0, eq)));
    const std::string_view value = trim(line.substr(eq + 1));
    // The name is ours to echo: it is checked against the known flags first.
    if (!is_known(flag, known_flags) || flag == "--config")
      return OptionsError{where + "unknown setting (names are the flags without '--', see --help)"};
    if (value.empty()) return OptionsError{where + "'" + flag.substr(2) + "' needs a value"};
    args.push_back(flag);
    args.emplace_back(value);
  }
  return args;
}

std::vector<std::string> environment_arguments(std::span<const std::pair<std::string, std::string>> environment,
                                               std::span<const std::string_view> known_flags) {
  std::vector<std::string> args;
  for (const auto flag : known_flags) {
    if (flag == "--config") continue;
    const std::string variable = variable_for(flag);
    for (const auto& [name, value] : environment) {
      if (name != variable) continue;
      args.emplace_back(flag);
      args.push_back(value);
    }
  }
  return args;
}

std::string config_file_path(std::span<const std::string_view> args,
                             std::span<const std::pair<std::string, std::string>> environment) {
  std::string path;
  for (const auto& [name, value] : environment)
    if (name == kConfigEnvironmentVariable) path = value;
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--config" && i + 1 < args.size()) path = std::string(args[++i]);
    else if (args[i].starts_with("--config=")) path = std::string(args[i].substr(9));
  }
  return path;
}

}  // namespace tessera::gateway
