// relay_load: the relay benchmark's load generator (issue 9, item 8). Drives
// each server given with --server the same way (RelayRun: plain WebSocket on
// loopback, rooms of two set up with the real protocol, sealed envelopes
// relayed both ways), one server after the other, and prints a table. With
// two servers the first is measured against the second, with ratios and
// PASS/FAIL against the budget:
//   connections held  all asked for (10,000 in tools/bench-relay.sh)
//   messages/s        at least 2x the reference's
//   p99 latency       no worse than the reference's
//   RSS per idle connection  no more than the reference's
// Exit status: 0 when every server ran with zero errors and relayed
// something, 1 otherwise, 2 for bad arguments. Figures never fail the exit
// status: this is a tool, not a timed test.
#include <sodium.h>

#include <charconv>
#include <cstdio>
#include <iostream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tools/bench/relay_run.hpp"

namespace {
namespace tb = tessera::bench;

constexpr std::string_view kUsage = R"(usage: relay_load --server NAME=PORT:PID[:CREDIT] [--server ...] [options]
  --server NAME=PORT:PID[:CREDIT]  a relay on 127.0.0.1:PORT whose process is PID; CREDIT: server
                          bytes per connection made before the run (relay_server's prevouch), added
                          to its idle figure. Repeat; with two, the first is measured against the second.
  --connections N         connections, in rooms of two (default 10000)
  --seconds S             measured seconds (default 10)
  --warmup S              seconds relayed before measuring (default 1)
  --settle S              idle seconds before reading the idle RSS (default 2)
  --window W              outstanding messages per direction per room (default 1)
  --body B                sealed body bytes before padding (default 900: 1024 bucket, 1098 B envelope)
  --source-addresses K    connect from 127.0.0.2 .. 127.0.0.(K+1) (default 4)
  --origin ORIGIN         Origin header (default http://bench.invalid)
)";

struct Options {
  std::vector<tb::ServerUnderTest> servers;
  std::size_t connections = 10000;
  std::size_t body = 900;
  std::string origin = "http://bench.invalid";
  tb::RunSettings run;
};

template <typename T>
bool number(std::string_view s, T& out) {
  return std::from_chars(s.data(), s.data() + s.size(), out).ec == std::errc{} && !s.empty();
}

bool millis(std::string_view s, std::chrono::milliseconds& out) {
  double seconds = 0;
  if (!number(s, seconds) || seconds < 0) return false;
  out = std::chrono::milliseconds(static_cast<std::int64_t>(seconds * 1000));
  return true;
}

std::optional<tb::ServerUnderTest> server_of(std::string_view spec) {
  tb::ServerUnderTest s;
  const auto eq = spec.find('=');
  if (eq == std::string_view::npos || eq == 0) return std::nullopt;
  s.name = std::string(spec.substr(0, eq));
  std::vector<std::string_view> parts;
  for (std::string_view rest = spec.substr(eq + 1);;) {
    const auto colon = rest.find(':');
    parts.push_back(rest.substr(0, colon));
    if (colon == std::string_view::npos) break;
    rest = rest.substr(colon + 1);
  }
  unsigned short port = 0;
  if (parts.size() < 2 || parts.size() > 3 || !number(parts[0], port) || !number(parts[1], s.pid)) return std::nullopt;
  if (parts.size() == 3 && !number(parts[2], s.credit_bytes_per_connection)) return std::nullopt;
  s.endpoint = {boost::asio::ip::make_address("127.0.0.1"), port};
  return s;
}

std::optional<Options> parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string_view flag = argv[i], value = argv[i + 1];
    bool ok = true;
    if (flag == "--server") {
      auto s = server_of(value);
      ok = s.has_value();
      if (ok) o.servers.push_back(*s);
    } else if (flag == "--connections") ok = number(value, o.connections) && o.connections >= 2 && o.connections % 2 == 0;
    else if (flag == "--seconds") ok = millis(value, o.run.measure) && o.run.measure.count() > 0;
    else if (flag == "--warmup") ok = millis(value, o.run.warmup);
    else if (flag == "--settle") ok = millis(value, o.run.settle);
    else if (flag == "--window") ok = number(value, o.run.window) && o.run.window >= 1 && o.run.window <= 64;
    else if (flag == "--body") ok = number(value, o.body) && o.body <= 32000;
    else if (flag == "--source-addresses") ok = number(value, o.run.source_addresses) && o.run.source_addresses >= 1 && o.run.source_addresses <= 250;
    else if (flag == "--origin") o.origin = std::string(value);
    else ok = false;
    if (!ok) return std::nullopt;
  }
  if (argc % 2 == 0 || o.servers.empty()) return std::nullopt;
  return o;
}

std::string fixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

void row(const std::string& what, const std::vector<std::string>& cells, const std::string& ratio = "",
         const std::string& verdict = "") {
  std::printf("%-28s", what.c_str());
  for (const auto& c : cells) std::printf("%14s", c.c_str());
  std::printf("%10s  %s\n", ratio.c_str(), verdict.c_str());
}

const char* pass(bool ok) { return ok ? "PASS" : "FAIL"; }

}  // namespace

int main(int argc, char** argv) {
  if (argc == 2 && (std::string_view(argv[1]) == "--help" || std::string_view(argv[1]) == "-h")) {
    std::cout << kUsage;
    return 0;
  }
  const auto options = parse(argc, argv);
  if (!options) {
    std::cerr << kUsage;
    return 2;
  }
  if (sodium_init() < 0) return 1;

  const std::size_t rooms = options->connections / 2;
  std::vector<tb::BenchVisit> visits;
  visits.reserve(rooms);
  for (std::size_t i = 0; i < rooms; ++i) visits.emplace_back(options->body);
  std::printf("relay benchmark: %zu connections in %zu rooms of two, set up with real hello/join/admit; "
              "envelopes of %zu B (relay text %zu B, JSON text frames: the gateway relays no binary frames)\n",
              options->connections, rooms, visits[0].envelope_bytes(), visits[0].relay_text_bytes());
  std::printf("load: both ways in every room, window %zu per direction, %.1f s warm-up, %.1f s measured; "
              "one generator thread\n\n",
              options->run.window, static_cast<double>(options->run.warmup.count()) / 1000,
              static_cast<double>(options->run.measure.count()) / 1000);
  std::fflush(stdout);

  tb::RelayRun run(visits, options->run, options->origin);
  std::vector<tb::RunResult> results;
  bool ok = true;
  for (const auto& server : options->servers) {
    std::fprintf(stderr, "relay_load: running against %s (pid %d)\n", server.name.c_str(), static_cast<int>(server.pid));
    results.push_back(run.run(server));
    ok = ok && results.back().errors == 0 && results.back().messages_per_second > 0;
  }

  std::vector<std::string> names;
  for (const auto& s : options->servers) names.push_back(s.name);
  const bool compare = results.size() == 2;
  row("", names, compare ? "ratio" : "", compare ? "budget" : "");
  auto cells = [&](auto f) {
    std::vector<std::string> c;
    for (const auto& r : results) c.push_back(f(r));
    return c;
  };
  const auto& a = results.front();
  const auto& b = results.back();
  auto ratio = [](double x, double y) { return y > 0 ? fixed(x / y, 2) + "x" : std::string("-"); };
  row("connections held", cells([](const tb::RunResult& r) { return std::to_string(r.connections_held); }), "",
      compare ? std::string("all ") + std::to_string(options->connections) + " held: " +
                    pass(a.connections_held == options->connections)
              : "");
  row("messages/s", cells([](const tb::RunResult& r) { return fixed(r.messages_per_second, 0); }),
      compare ? ratio(a.messages_per_second, b.messages_per_second) : "",
      compare ? std::string(">= 2x: ") + pass(a.messages_per_second >= 2 * b.messages_per_second) : "");
  row("p50 relay latency (us)", cells([](const tb::RunResult& r) { return fixed(r.p50_us, 0); }),
      compare ? ratio(a.p50_us, b.p50_us) : "");
  row("p99 relay latency (us)", cells([](const tb::RunResult& r) { return fixed(r.p99_us, 0); }),
      compare ? ratio(a.p99_us, b.p99_us) : "", compare ? std::string("<= 1x: ") + pass(a.p99_us <= b.p99_us) : "");
  row("RSS per idle connection (B)", cells([](const tb::RunResult& r) { return fixed(r.rss_per_idle_connection, 0); }),
      compare ? ratio(a.rss_per_idle_connection, b.rss_per_idle_connection) : "",
      compare ? std::string("<= 1x: ") + pass(a.rss_per_idle_connection <= b.rss_per_idle_connection) : "");
  row("server RSS before (MiB)", cells([](const tb::RunResult& r) { return fixed(static_cast<double>(r.rss_before) / 1048576, 1); }));
  row("server RSS idle (MiB)", cells([](const tb::RunResult& r) { return fixed(static_cast<double>(r.rss_idle) / 1048576, 1); }));
  row("server RSS under load (MiB)", cells([](const tb::RunResult& r) { return fixed(static_cast<double>(r.rss_loaded) / 1048576, 1); }));
  row("server CPU (of one core)", cells([](const tb::RunResult& r) { return fixed(100 * r.server_cpu_share, 0) + "%"; }));
  // On a busy machine the servers get less than a core: messages per CPU-second
  // of the server compares their efficiency regardless.
  auto per_cpu = [](const tb::RunResult& r) {
    return r.server_cpu_share > 0 ? r.messages_per_second / r.server_cpu_share : 0.0;
  };
  row("messages per server CPU-s", cells([&](const tb::RunResult& r) { return fixed(per_cpu(r), 0); }),
      compare ? ratio(per_cpu(a), per_cpu(b)) : "");
  row("generator CPU (of one core)", cells([](const tb::RunResult& r) { return fixed(100 * r.generator_cpu_share, 0) + "%"; }));
  row("errors", cells([](const tb::RunResult& r) { return std::to_string(r.errors); }));
  return ok ? 0 : 1;
}
