// tessera-gateway: parse flags, open the web root, listen, serve until
// SIGINT/SIGTERM. The contract scripts and tests rely on: first line on
// stdout, "Tessera gateway listening on http://ADDR:PORT/" (https:// with TLS)
// with the bound port, flushed; then structured JSON log lines on stdout
// (log_line.hpp); errors before serving on stderr; exit 0 on a signal, 1
// when it cannot listen or open its storage, 2 for bad arguments or an
// unusable certificate/key. On the signal, every signaling WebSocket is closed
// with 1001 (going away) first.
// `tessera-gateway audit verify ...`, `account ...` and `kiosk ...` are
// separate subcommands (audit_command.hpp, admin_cli.hpp).
#include "gateway/account_api.hpp"
#include "gateway/admin_cli.hpp"
#include "gateway/audit_command.hpp"
#include "gateway/config_sources.hpp"
#include "gateway/kiosk_api.hpp"
#include "gateway/listener.hpp"
#include "gateway/options.hpp"
#include "gateway/startup_files.hpp"
#include "gateway/storage.hpp"
#include "gateway/tls_context.hpp"
#include "gateway/visit_api.hpp"

#include <boost/asio/signal_set.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <functional>
#include <memory>

#include <csignal>
#include <unistd.h>  // environ
#include <iostream>
#include <string_view>
#include <vector>

namespace {
// How long a shutdown waits for signaling peers to answer their 1001 close.
constexpr std::chrono::seconds kShutdownGrace{5};
}  // namespace

int main(int argc, char** argv) {
  namespace gw = tessera::gateway;
  const std::vector<std::string_view> args(argv + 1, argv + argc);
  if (gw::is_audit_command(args)) return gw::run_audit_command(args, std::cout, std::cerr);
  if (gw::is_account_command(args)) return gw::run_account_command(args, std::cin, std::cout, std::cerr);
  if (gw::is_kiosk_command(args)) return gw::run_kiosk_command(args, std::cout, std::cerr);
  // Settings: the config file, then TESSERA_* variables, then the flags
  // (config_sources.hpp); one parser checks them all.
  std::vector<std::pair<std::string, std::string>> environment;
  for (char** e = environ; *e; ++e) {
    const std::string_view entry(*e);
    if (const auto eq = entry.find('='); entry.starts_with("TESSERA_") && eq != std::string_view::npos)
      environment.emplace_back(entry.substr(0, eq), entry.substr(eq + 1));
  }
  std::vector<std::string> settings;
  if (const auto path = gw::config_file_path(args, environment); !path.empty()) {
    auto text = gw::read_config_file(path);
    if (!text) {
      std::cerr << "tessera-gateway: " << text.error().message << "\n";
      return 2;
    }
    auto from_file = gw::config_file_arguments(*text, gw::option_flags());
    if (const auto* bad = std::get_if<gw::OptionsError>(&from_file)) {
      std::cerr << "tessera-gateway: " << bad->message << "\n";
      return 2;
    }
    settings = std::move(std::get<std::vector<std::string>>(from_file));
  }
  for (auto& arg : gw::environment_arguments(environment, gw::option_flags())) settings.push_back(std::move(arg));
  std::vector<std::string_view> all(settings.begin(), settings.end());
  all.insert(all.end(), args.begin(), args.end());
  auto parsed = gw::parse_options(all);
  if (const auto* bad = std::get_if<gw::OptionsError>(&parsed)) {
    std::cerr << "tessera-gateway: " << bad->message << "\n(see tessera-gateway --help)\n";
    return 2;
  }
  const auto& options = std::get<gw::Options>(parsed);
  if (options.show_help) {
    std::cout << gw::usage_text();
    return 0;
  }

  std::string error;
  auto site = gw::StaticSite::open(options.web_root, error);
  if (!site) {
    std::cerr << "tessera-gateway: " << error << "\n";
    return 2;
  }
  if (!std::filesystem::is_regular_file(site->root() / "index.html")) {
    std::cerr << "tessera-gateway: warning: no index.html in " << site->root()
              << " (has the client been built?)\n";
  }

  std::shared_ptr<boost::asio::ssl::context> tls;
  if (options.tls()) {
    tls = gw::make_tls_context(options.tls_cert, options.tls_key, error);
    if (!tls) {
      std::cerr << "tessera-gateway: " << error << "\n";
      return 2;
    }
  }

  gw::TurnConfig turn;
  if (!options.turn_secret_file.empty()) {
    auto secret = gw::read_turn_secret(options.turn_secret_file);
    if (!secret) {
      std::cerr << "tessera-gateway: " << secret.error().message << "\n";
      return 2;
    }
    turn = gw::TurnConfig{std::move(secret).value(), options.turn_urls, options.turn_ttl};
  }

  boost::asio::io_context ioc{1};
  // Argon2id for sign-ins runs here, never on the I/O thread (account_api.hpp).
  boost::asio::thread_pool sign_in_worker{1};
  // Structured logs (log_line.hpp): JSON lines on stdout, after the
  // "listening on" line; flushed, so a collector sees each as it happens.
  const auto log = [](std::string_view line) { std::cout << line << std::endl; };

  // Storage (--data, --key-file): optional; without it there are no
  // accounts, stored visits or audit trail. Housekeeping runs on a timer.
  std::unique_ptr<gw::Storage> storage;
  std::shared_ptr<gw::SignalingHub> hub;  // set below when signaling is on
  gw::VisitLookup visit_lookup;
  gw::VisitRecorder visit_recorder;
  boost::asio::steady_timer housekeeping(ioc);
  std::function<void()> housekeep;
  if (!options.data_file.empty()) {
    auto opened = gw::Storage::open(options.data_file, options.key_file);
    if (!opened) {
      std::cerr << "tessera-gateway: " << opened.error() << "\n";
      return 1;
    }
    storage = std::move(opened).value();
    const auto wall_clock = [] {
      return static_cast<std::int64_t>(
          std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
              .count());
    };
    visit_lookup = storage->visit_lookup(wall_clock);
    visit_recorder = storage->visit_recorder(wall_clock, log);
    housekeep = [&, wall_clock] {
      // A visit whose time is up closes its room too.
      storage->housekeeping(std::chrono::steady_clock::now(), wall_clock(), log, [&](const tessera::VisitId& visit) {
        if (hub) hub->end_visit(visit);
      });
      housekeeping.expires_after(gw::kHousekeepingInterval);
      housekeeping.async_wait([&](boost::beast::error_code ec) {
        if (!ec) housekeep();
      });
    };
  }

  // One registry for /metrics, shared by the listener, its sessions and the hub.
  const auto metrics = std::make_shared<gw::Metrics>();
  auto listener = std::make_shared<gw::Listener>(
      ioc, std::make_shared<const gw::StaticSite>(std::move(*site)), log, metrics);
  listener->set_tls(tls);
  listener->set_max_connections_per_address(options.max_connections_per_address);
  listener->set_metrics_allowed(options.metrics_allowed);
  if (!options.allowed_origins.empty()) {
    // Signaling rooms (issue 9 item 2). A /signal upgrade carrying a
    // provider's session cookie is that provider (http_session.hpp).
    hub = std::make_shared<gw::SignalingHub>(
        ioc.get_executor(), gw::SignalingConfig{options.allowed_origins, gw::Limits{}, std::move(turn)}, visit_lookup, metrics,
        visit_recorder);
    listener->set_signaling(hub);
  }
  if (storage && !options.allowed_origins.empty()) {
    // Provider and admin sign-in (/api/session, /api/admin/...): needs both
    // the stored accounts and an Origin allowlist for its CSRF checks.
    auto accounts = gw::make_account_api(*storage, options.allowed_origins);
    accounts->set_worker(sign_in_worker.get_executor());
    listener->set_accounts(accounts);
    // Visits (/api/visits): providers create, list and end their own; an
    // ended visit's signaling room closes at once.
    listener->set_visits(std::make_shared<gw::VisitApi>(*storage, accounts, hub));
    // Kiosks (/api/admin/kiosks, /api/kiosk/..., /api/kiosks): admins enrol
    // and revoke tablets, providers send them visits; a revoked kiosk's
    // signaling WebSockets close at once.
    listener->set_kiosks(std::make_shared<gw::KioskApi>(*storage, accounts, hub));
    // Ephemeral shares (/api/shares): providers create, list and destroy
    // their own; whoever holds a link opens it; a destroyed live share's
    // signaling room closes at once.
    listener->set_shares(std::make_shared<gw::ShareApi>(*storage, accounts, hub));
  }
  if (const auto ec = listener->open(options.listen)) {
    std::cerr << "tessera-gateway: cannot listen on " << gw::listen_url(options.listen, options.tls()) << ": "
              << ec.message() << "\n";
    return 1;
  }

  // SIGINT/SIGTERM: stop accepting, close every signaling WebSocket with 1001
  // (going away: reconnect), and stop once all have closed or after the grace.
  boost::asio::signal_set signals(ioc, SIGINT, SIGTERM);
  boost::asio::steady_timer grace(ioc);
  signals.async_wait([&](boost::beast::error_code, int) {
    listener->stop();
    if (!hub) return ioc.stop();
    grace.expires_after(kShutdownGrace);
    grace.async_wait([&](boost::beast::error_code ec) {
      if (!ec) ioc.stop();  // some peer never answered its close
    });
    hub->shut_down([&ioc] { ioc.stop(); });
  });
  listener->run();
  std::cout << "Tessera gateway listening on " << gw::listen_url(listener->local_endpoint(), options.tls())
            << std::endl;  // flushed: the caller is waiting for this line
  if (housekeep) housekeep();  // logs the audit head at start, after the line above
  ioc.run();
  // A check still running refers to the accounts API: let it end first.
  sign_in_worker.stop();
  sign_in_worker.join();
  return 0;
}
