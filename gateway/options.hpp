#pragma once
// Command-line options of tessera-gateway, parsed by a pure function so every
// accepted and rejected form is unit-tested without starting a process.
// main() prints the error text and exits 2; it never sees a half-parsed state.
#include <boost/asio/ip/tcp.hpp>

#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace tessera::gateway {

struct Options {
  // Loopback by default: the walking skeleton speaks plain HTTP, which must
  // not be exposed to a network until TLS arrives (issue 9).
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
  bool show_help = false;
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

// The address line printed on start: "http://127.0.0.1:8080/", "http://[::1]:8080/".
[[nodiscard]] std::string listen_url(const boost::asio::ip::tcp::endpoint& endpoint);

// "https://a.example,http://127.0.0.1:8080": scheme http or https, a host,
// an optional port, nothing after it (browsers send no path or slash).
[[nodiscard]] std::variant<std::vector<std::string>, OptionsError> parse_origins(std::string_view text);

[[nodiscard]] std::string usage_text();

}  // namespace tessera::gateway
