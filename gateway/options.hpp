#pragma once
// Command-line options of tessera-gateway, parsed by a pure function so every
// accepted and rejected form is unit-tested without starting a process.
// main() prints the error text and exits 2; it never sees a half-parsed state.
#include <boost/asio/ip/tcp.hpp>

#include "gateway/address_limiter.hpp"

#include <chrono>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace tessera::gateway {

struct Options {
  // Loopback by default. Plain HTTP is refused on any other address: only
  // with --tls-cert and --tls-key may the gateway face a network.
  boost::asio::ip::tcp::endpoint listen{boost::asio::ip::make_address_v4("127.0.0.1"), 8080};
  std::filesystem::path web_root;  // required; no default (see usage_text)
  // Origins whose pages may open the signaling WebSocket on /signal, exactly
  // as browsers send them ("https://clinic.example:8443"). Empty: no /signal.
  std::vector<std::string> allowed_origins;
  // Storage (issue 9 items 5-7): the SQLite file and the key file that must
  // live outside its directory. Both or neither; empty: no storage, so no
  // accounts, stored visits or audit trail.
  std::filesystem::path data_file;
  std::filesystem::path key_file;
  // PEM certificate chain and PEM private key: both set (HTTPS and WSS only)
  // or both empty (plain HTTP on loopback). Read by make_tls_context, not here.
  std::filesystem::path tls_cert;
  std::filesystem::path tls_key;
  std::size_t max_connections_per_address = kMaxConnectionsPerAddress;
  // TURN (issue 9 item 9): URLs handed to clients, and the file holding the
  // secret shared with coturn (never on the command line, where ps shows it).
  // Both or neither. Read by main(), not here.
  std::vector<std::string> turn_urls;
  std::filesystem::path turn_secret_file;
  std::chrono::seconds turn_ttl{6 * 3600};
  // Peers besides loopback that may read /metrics (a Prometheus on another
  // host); everyone else gets 404. Exact addresses.
  std::vector<boost::asio::ip::address> metrics_allowed;
  bool show_help = false;

  [[nodiscard]] bool tls() const { return !tls_cert.empty(); }
};

struct OptionsError {
  std::string message;  // one line, no trailing newline, names the bad flag
};

// args excludes argv[0]. --help wins over everything else on the line, so a
// user can always read the usage even after a typo. A repeated flag's last
// value wins (wrappers put defaults first).
[[nodiscard]] std::variant<Options, OptionsError> parse_options(
    std::span<const std::string_view> args);

// "127.0.0.1:8080", "[::1]:0", "0.0.0.0:443". Hostnames are refused: binding
// must not depend on name resolution.
[[nodiscard]] std::variant<boost::asio::ip::tcp::endpoint, OptionsError> parse_listen_address(
    std::string_view text);

// The address line printed on start: "http://127.0.0.1:8080/", "http://[::1]:8080/",
// "https://0.0.0.0:8443/" with tls.
[[nodiscard]] std::string listen_url(const boost::asio::ip::tcp::endpoint& endpoint, bool tls = false);

// "https://a.example,http://127.0.0.1:8080": scheme http or https, a host,
// an optional port, nothing after it (browsers send no path or slash).
[[nodiscard]] std::variant<std::vector<std::string>, OptionsError> parse_origins(std::string_view text);

[[nodiscard]] std::string usage_text();

// Every flag that takes a value ("--listen", ...), for the config file and
// TESSERA_* variables (config_sources.hpp), which accept exactly these.
[[nodiscard]] std::span<const std::string_view> option_flags();

}  // namespace tessera::gateway
