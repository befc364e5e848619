#pragma once
// The "--name value" pairs after a tessera-gateway subcommand's verb
// (account, kiosk, audit): one reader, so every subcommand treats a flag
// without a value the same way. Each subcommand decides what a name means.
#include <cstddef>
#include <optional>
#include <ostream>
#include <span>
#include <string_view>
#include <vector>

namespace tessera::gateway {

struct SubcommandFlag {
  std::string_view name;
  std::string_view value;
};

// args[0] is the command, args[1] its verb, then the pairs. nullopt, with
// one line on err, when the last flag has no value.
[[nodiscard]] inline std::optional<std::vector<SubcommandFlag>> subcommand_flags(
    std::span<const std::string_view> args, std::ostream& err) {
  std::vector<SubcommandFlag> flags;
  for (std::size_t i = 2; i < args.size(); i += 2) {
    if (i + 1 >= args.size()) {
      err << "tessera-gateway " << args[0] << ": " << args[i] << " needs a value\n";
      return std::nullopt;
    }
    flags.push_back({args[i], args[i + 1]});
  }
  return flags;
}

}  // namespace tessera::gateway
