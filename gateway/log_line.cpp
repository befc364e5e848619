#include "gateway/log_line.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <ctime>

namespace tessera::gateway {
namespace {

const char* level_name(LogLevel level) {
  switch (level) {
    case LogLevel::info: return "info";
    case LogLevel::warning: return "warning";
    case LogLevel::error: return "error";
  }
  return "error";
}

// RFC 3339 in UTC with milliseconds: sortable, and what log shippers parse.
std::string utc_time(std::int64_t unix_ms) {
  const std::time_t seconds = static_cast<std::time_t>(unix_ms / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char text[32];
  const auto n = std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &tm);
  char ms[8];
  std::snprintf(ms, sizeof ms, ".%03dZ", static_cast<int>(unix_ms % 1000));
  return std::string(text, n) + ms;
}

}  // namespace

std::string log_line(std::int64_t unix_ms, LogLevel level, std::string_view event,
                     std::initializer_list<LogField> fields) {
  // Insertion order: time, level, event first, as people read them.
  nlohmann::ordered_json j;
  j["time"] = utc_time(unix_ms);
  j["level"] = level_name(level);
  j["event"] = std::string(event);
  for (const auto& [name, value] : fields) {
    std::visit(
        [&j, name = std::string(name)](const auto& v) {
          if constexpr (std::is_same_v<std::decay_t<decltype(v)>, std::string_view>) j[name] = std::string(v);
          else j[name] = v;
        },
        value);
  }
  // Invalid UTF-8 (never expected from our fixed vocabulary) is replaced, not thrown.
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string log_line_now(LogLevel level, std::string_view event, std::initializer_list<LogField> fields) {
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  return log_line(std::chrono::duration_cast<std::chrono::milliseconds>(now).count(), level, event, fields);
}

}  // namespace tessera::gateway
