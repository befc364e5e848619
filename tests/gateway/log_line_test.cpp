// Structured log lines: one JSON object, time/level/event first, fields typed.
#include "gateway/log_line.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using namespace tessera::gateway;

TEST_CASE("a log line is one JSON object with time, level, event and typed fields", "[gateway][log]") {
  const std::string line = log_line(1795435200123, LogLevel::info, "http",
                                    {{"method", std::string_view("GET")}, {"status", std::int64_t{200}},
                                     {"bytes", std::uint64_t{512}}, {"keep_alive", true}});
  CHECK(line ==
        R"({"time":"2026-11-23T12:00:00.123Z","level":"info","event":"http","method":"GET","status":200,"bytes":512,"keep_alive":true})");
  CHECK(line.find('\n') == std::string::npos);
}

TEST_CASE("log values are escaped, so no value can forge a field or a line", "[gateway][log]") {
  const std::string line =
      log_line(0, LogLevel::error, "accept", {{"error", std::string_view("a\"b\n{\"level\":\"info\"}")}});
  CHECK(line.find('\n') == std::string::npos);
  const auto parsed = nlohmann::json::parse(line, nullptr, false);
  REQUIRE_FALSE(parsed.is_discarded());
  CHECK(parsed["level"] == "error");
  CHECK(parsed["error"] == "a\"b\n{\"level\":\"info\"}");
  CHECK(parsed["time"] == "1970-01-01T00:00:00.000Z");
}
