// relay_server: the gateway's signaling relay for the relay benchmark (issue 9,
// item 8), wired exactly as gateway/main.cpp wires it — Listener +
// SignalingHub + VisitRooms from tessera_gateway_lib on one io_context run by
// one thread — with two bench-only differences that never reach
// tessera-gateway:
//   * limits raised for the load (rate limit, rooms per provider, connections
//     per address: the generator connects from only a few loopback addresses), and
//   * a provider oracle: sign-in is not part of what is measured, so
//     connection ids 1..--vouch are vouched as signed-in providers (each its
//     own ProviderId) before anything connects. The hub numbers connections
//     from 1 in attach order, so every connection the bench opens is a
//     provider; guests are unaffected (a guest hello ignores the sign-in).
// Vouching creates the core's per-connection entry ahead of time, so this
// prints what those entries cost; relay_load adds it back per connection.
//
// Prints one line "relay_server listening on 127.0.0.1:PORT prevouch_bytes=B"
// (flushed) and serves until SIGINT/SIGTERM. No web root is served.
#include "gateway/listener.hpp"
#include "gateway/signaling_hub.hpp"

#include <boost/asio/signal_set.hpp>

#include <unistd.h>

#include <charconv>
#include <csignal>
#include <filesystem>
#include <iostream>
#include <limits>
#include <string>
#include <string_view>

#include "tools/bench/proc_status.hpp"

namespace {
namespace gw = tessera::gateway;

constexpr std::string_view kUsage =
    "usage: relay_server [--vouch N] [--origin ORIGIN]\n"
    "  --vouch N        connection ids 1..N count as signed-in providers (default 25000)\n"
    "  --origin ORIGIN  the Origin the load generator sends (default http://bench.invalid)\n";

}  // namespace

int main(int argc, char** argv) {
  std::uint64_t vouch = 25000;
  std::string origin = "http://bench.invalid";
  for (int i = 1; i < argc; ++i) {
    const std::string_view a = argv[i];
    if (a == "--vouch" && i + 1 < argc) {
      const std::string_view v = argv[++i];
      if (std::from_chars(v.data(), v.data() + v.size(), vouch).ec != std::errc{}) {
        std::cerr << kUsage;
        return 2;
      }
    } else if (a == "--origin" && i + 1 < argc) {
      origin = argv[++i];
    } else {
      std::cerr << kUsage;
      return a == "--help" || a == "-h" ? 0 : 2;
    }
  }

  // An empty directory as the web root: the Listener needs a site, the bench needs none.
  const auto root = std::filesystem::temp_directory_path() / ("tessera-relay-server-" + std::to_string(::getpid()));
  std::filesystem::create_directories(root);
  std::string error;
  auto site = gw::StaticSite::open(root, error);
  if (!site) {
    std::cerr << "relay_server: " << error << "\n";
    return 2;
  }

  gw::Limits limits;
  limits.messages_per_second = 1e9;  // the load is far above one person's rate
  limits.message_burst = 1e9;
  limits.max_rooms_per_provider = std::numeric_limits<std::size_t>::max();

  boost::asio::io_context ioc{1};
  const auto metrics = std::make_shared<gw::Metrics>();
  auto listener = std::make_shared<gw::Listener>(
      ioc, std::make_shared<const gw::StaticSite>(std::move(*site)), gw::RequestLog{}, metrics);
  auto hub = std::make_shared<gw::SignalingHub>(ioc.get_executor(), gw::SignalingConfig{{origin}, limits},
                                                gw::VisitLookup{}, metrics);
  listener->set_signaling(hub);
  listener->set_max_connections_per_address(std::numeric_limits<std::size_t>::max());
  if (const auto ec = listener->open({boost::asio::ip::make_address("127.0.0.1"), 0})) {
    std::cerr << "relay_server: cannot listen: " << ec.message() << "\n";
    return 1;
  }

  // The provider oracle (bench only): posted to the hub's strand, so it is done
  // before any connection's hello, which can only come after run() starts.
  const std::uint64_t rss_before = tessera::bench::process_rss_bytes(::getpid());
  for (std::uint64_t id = 1; id <= vouch; ++id) hub->provider_connected(gw::ConnectionId{id}, gw::ProviderId{id});
  ioc.poll();  // run the posted vouches now, to measure what they cost
  ioc.restart();
  const std::uint64_t rss_after = tessera::bench::process_rss_bytes(::getpid());

  boost::asio::signal_set signals(ioc, SIGINT, SIGTERM);
  signals.async_wait([&](boost::beast::error_code, int) {
    listener->stop();
    ioc.stop();
  });
  listener->run();
  std::cout << "relay_server listening on 127.0.0.1:" << listener->local_endpoint().port()
            << " prevouch_bytes=" << (rss_after > rss_before ? rss_after - rss_before : 0) << std::endl;
  ioc.run();
  std::filesystem::remove_all(root);
  return 0;
}
