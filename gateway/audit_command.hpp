#pragma once
// `tessera-gateway audit verify --data FILE --key-file FILE
//  [--expect-head COUNT:MAC]`: checks the audit trail's MAC chain offline
// (the gateway may be running; WAL lets it read alongside). Prints
// "audit OK: COUNT:MAC" or "audit NOT INTACT: entry N: why". The database is
// opened without migrating and the key file is never created.
#include <ostream>
#include <span>
#include <string_view>

namespace tessera::gateway {

// True if the command line asks for the audit subcommand (first word "audit").
[[nodiscard]] bool is_audit_command(std::span<const std::string_view> args);

// args excludes argv[0] and starts with "audit". Returns the exit code:
// 0 intact, 1 not intact or unreadable, 2 bad arguments.
[[nodiscard]] int run_audit_command(std::span<const std::string_view> args, std::ostream& out, std::ostream& err);

}  // namespace tessera::gateway
