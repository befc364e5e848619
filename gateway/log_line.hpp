#pragma once
// Structured logs (issue 9 item 8): one JSON object per line on stdout, e.g.
//   {"time":"2026-11-23T12:00:00.123Z","level":"info","event":"http","method":"GET","status":200,"bytes":512}
// Every field is named by the caller from a fixed vocabulary: events and
// field names are string literals in our code, values are numbers, fixed
// names (methods, reasons, error-code names) or counts. Never a path, a query,
// a header, a display name, a token, a secret, a link or message content: the
// log is untrusted (docs/ARCHITECTURE.md, "What the gateway logs").
// log_line is a pure formatter; the sink that writes lines lives in main()
// (stdout, one line each, after the "listening on" line).
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace tessera::gateway {

enum class LogLevel { info, warning, error };

using LogValue = std::variant<std::string_view, std::int64_t, std::uint64_t, bool>;
using LogField = std::pair<std::string_view, LogValue>;

// The JSON text of one line, without the newline. unix_ms: the wall clock.
[[nodiscard]] std::string log_line(std::int64_t unix_ms, LogLevel level, std::string_view event,
                                   std::initializer_list<LogField> fields);

// log_line() stamped with the wall clock now: for the I/O edges that log.
[[nodiscard]] std::string log_line_now(LogLevel level, std::string_view event, std::initializer_list<LogField> fields);

}  // namespace tessera::gateway
