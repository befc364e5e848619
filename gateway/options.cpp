// Argument parsing for tessera-gateway: see options.hpp.
#include "gateway/options.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <limits>
#include <utility>

namespace tessera::gateway {
namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

// Every flag that takes a value (--help, which takes none, is handled first).
constexpr std::array<std::string_view, 13> kFlags{
    "--listen",   "--web-root",         "--allow-origin", "--data",   "--key-file", "--tls-cert",
    "--tls-key",  "--max-connections-per-address", "--turn-url", "--turn-secret-file", "--turn-ttl", "--config",
    "--metrics-allow"};

OptionsError error(std::string text) { return OptionsError{std::move(text)}; }

bool is_known_flag(std::string_view name) {
  const auto flags = option_flags();
  return std::find(flags.begin(), flags.end(), name) != flags.end();
}

// The most --max-connections-per-address accepts: past this it is no limit.
constexpr unsigned kMaxConnectionsPerAddressCeiling = 4096;

}  // namespace

std::variant<tcp::endpoint, OptionsError> parse_listen_address(std::string_view text) {
  const auto colon = text.rfind(':');
  if (colon == std::string_view::npos) {
    return error("--listen expects ADDR:PORT, for example 127.0.0.1:8080 or [::1]:8080");
  }
  std::string_view host = text.substr(0, colon);
  const std::string_view port_text = text.substr(colon + 1);

  const bool bracketed = host.size() >= 2 && host.front() == '[' && host.back() == ']';
  if (bracketed) host = host.substr(1, host.size() - 2);

  boost::system::error_code ec;
  const auto address = net::ip::make_address(std::string(host), ec);
  // An IPv6 address must be bracketed, so "::1:8080" cannot be misread as a
  // port split; an IPv4 address must not be.
  if (ec || address.is_v6() != bracketed) {
    return error("--listen: '" + std::string(host) +
                 "' is not an IPv4 address or a bracketed IPv6 address like [::1]");
  }

  unsigned port = 0;
  const auto* first = port_text.data();
  const auto* last = first + port_text.size();
  const auto [end, rc] = std::from_chars(first, last, port);
  if (port_text.empty() || rc != std::errc{} || end != last ||
      port > std::numeric_limits<std::uint16_t>::max()) {
    return error("--listen: port must be a number from 0 to 65535 (0 picks a free port)");
  }
  return tcp::endpoint{address, static_cast<std::uint16_t>(port)};
}

std::variant<std::vector<std::string>, OptionsError> parse_origins(std::string_view text) {
  std::vector<std::string> out;
  while (true) {
    const auto comma = text.find(',');
    const std::string_view origin = text.substr(0, comma);
    std::string_view rest = origin;
    if (rest.starts_with("https://")) rest.remove_prefix(8);
    else if (rest.starts_with("http://")) rest.remove_prefix(7);
    else return error("--allow-origin: '" + std::string(origin) + "' must start with https:// or http://");
    if (rest.empty() || rest.find_first_of("/?#@ \\\t") != std::string_view::npos)
      return error("--allow-origin: '" + std::string(origin) + "' must be scheme://host[:port] with nothing after");
    out.emplace_back(origin);
    if (comma == std::string_view::npos) return out;
    text.remove_prefix(comma + 1);
  }
}

std::variant<Options, OptionsError> parse_options(std::span<const std::string_view> args) {
  for (const auto arg : args) {
    if (arg == "--help" || arg == "-h") {
      Options help;
      help.show_help = true;
      return help;
    }
  }

  Options options;
  bool have_web_root = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string_view name = args[i];
    std::string_view value;
    bool inline_value = false;
    // Both "--flag VALUE" and "--flag=VALUE".
    if (const auto eq = name.find('='); name.starts_with("--") && eq != std::string_view::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
      inline_value = true;
    }
    // A flag given again replaces the earlier value, so wrappers such as
    // tools/run.sh can put defaults first and pass the user's flags after.
    if (!is_known_flag(name)) {
      return error("unknown argument '" + std::string(name) + "'");
    }
    if (!inline_value) {
      if (i + 1 >= args.size()) return error(std::string(name) + " needs a value");
      value = args[++i];
    }
    if (name == "--listen") {
      auto endpoint = parse_listen_address(value);
      if (auto* bad = std::get_if<OptionsError>(&endpoint)) return *bad;
      options.listen = std::get<tcp::endpoint>(endpoint);
    } else if (name == "--data" || name == "--key-file") {
      if (value.empty()) return error(std::string(name) + " needs a file name");
      (name == "--data" ? options.data_file : options.key_file) = std::filesystem::path(value);
    } else if (name == "--allow-origin") {
      auto origins = parse_origins(value);
      if (auto* bad = std::get_if<OptionsError>(&origins)) return *bad;
      options.allowed_origins = std::move(std::get<std::vector<std::string>>(origins));
    } else if (name == "--tls-cert" || name == "--tls-key") {
      if (value.empty()) return error(std::string(name) + " needs a PEM file");
      (name == "--tls-cert" ? options.tls_cert : options.tls_key) = std::filesystem::path(value);
    } else if (name == "--config") {
      // Read by main() before parsing (config_sources.hpp); nothing to do here.
    } else if (name == "--turn-url") {
      options.turn_urls.clear();
      for (std::string_view rest = value;;) {
        const auto comma = rest.find(',');
        const std::string_view url = rest.substr(0, comma);
        const bool scheme = url.starts_with("turn:") || url.starts_with("turns:") || url.starts_with("stun:");
        if (!scheme || url.find_first_of(" \t\"") != std::string_view::npos || url.find(':') + 1 == url.size())
          return error("--turn-url: each URL must be turn:HOST[:PORT], turns:HOST[:PORT] or stun:HOST[:PORT]");
        options.turn_urls.emplace_back(url);
        if (comma == std::string_view::npos) break;
        rest.remove_prefix(comma + 1);
      }
    } else if (name == "--turn-secret-file") {
      if (value.empty()) return error("--turn-secret-file needs a file name");
      options.turn_secret_file = std::filesystem::path(value);
    } else if (name == "--turn-ttl") {
      unsigned n = 0;
      const auto [end, rc] = std::from_chars(value.data(), value.data() + value.size(), n);
      if (value.empty() || rc != std::errc{} || end != value.data() + value.size() || n < 60 || n > 86400)
        return error("--turn-ttl must be a number of seconds from 60 to 86400");
      options.turn_ttl = std::chrono::seconds(n);
    } else if (name == "--metrics-allow") {
      options.metrics_allowed.clear();
      for (std::string_view rest = value;;) {
        const auto comma = rest.find(',');
        boost::system::error_code ec;
        const auto address = boost::asio::ip::make_address(std::string(rest.substr(0, comma)), ec);
        if (ec) return error("--metrics-allow: each entry must be an IP address, e.g. 10.0.0.5 or ::1");
        options.metrics_allowed.push_back(address);
        if (comma == std::string_view::npos) break;
        rest.remove_prefix(comma + 1);
      }
    } else if (name == "--max-connections-per-address") {
      unsigned n = 0;
      const auto [end, rc] = std::from_chars(value.data(), value.data() + value.size(), n);
      if (value.empty() || rc != std::errc{} || end != value.data() + value.size() || n < 1 ||
          n > kMaxConnectionsPerAddressCeiling) {
        return error("--max-connections-per-address must be a number from 1 to " +
                     std::to_string(kMaxConnectionsPerAddressCeiling));
      }
      options.max_connections_per_address = n;
    } else {
      if (value.empty()) return error("--web-root needs a directory");
      have_web_root = true;
      options.web_root = std::filesystem::path(value);
    }
  }
  if (!have_web_root) {
    return error("--web-root DIR is required (the built client, e.g. build/wasm/web)");
  }
  if (options.data_file.empty() != options.key_file.empty()) {
    return error("--data FILE and --key-file FILE go together");
  }
  if (options.tls_cert.empty() != options.tls_key.empty()) {
    return error("--tls-cert and --tls-key go together: give both (HTTPS) or neither (HTTP on loopback)");
  }
  if (options.turn_urls.empty() != options.turn_secret_file.empty()) {
    return error("--turn-url and --turn-secret-file go together");
  }
  if (!options.tls() && !options.listen.address().is_loopback()) {
    return error("--listen " + options.listen.address().to_string() +
                 " is not a loopback address: plain HTTP stays on 127.0.0.1 or [::1]; give --tls-cert and "
                 "--tls-key to serve other machines");
  }
  return options;
}

std::string listen_url(const tcp::endpoint& endpoint, bool tls) {
  const auto address = endpoint.address();
  const std::string host =
      address.is_v6() ? "[" + address.to_string() + "]" : address.to_string();
  return (tls ? "https://" : "http://") + host + ":" + std::to_string(endpoint.port()) + "/";
}

std::span<const std::string_view> option_flags() { return kFlags; }

std::string usage_text() {
  return R"(Usage: tessera-gateway --web-root DIR [--listen ADDR:PORT] [--allow-origin LIST]
                       [--data FILE --key-file FILE] [--tls-cert FILE --tls-key FILE]
                       [--max-connections-per-address N] [--metrics-allow LIST] [--config FILE]
                       [--turn-url LIST --turn-secret-file FILE [--turn-ttl SECONDS]]
       tessera-gateway audit verify --data FILE --key-file FILE [--expect-head COUNT:MAC]

Serves the Tessera browser client: over HTTPS and WSS with --tls-cert and
--tls-key, else over plain HTTP on loopback only. Prints one line,
"Tessera gateway listening on https://ADDR:PORT/" (http:// without TLS),
with the port actually bound, then structured logs on stdout: one JSON
object per line, {"time","level","event",...}, e.g. event "http" with
method, status and bytes for each request. Never a path, query, header,
name, token, secret, link or message content. SIGINT or SIGTERM stops accepting, closes
every /signal WebSocket with code 1001 (going away: reconnect), waits up to
5 s for those closes, and exits with code 0.

Operations (GET and HEAD, no-store):
  /healthz  200 "ok", to anyone: the process is up and answering.
  /metrics  to loopback peers and those in --metrics-allow only (404 for
            anyone else). Prometheus text format: open HTTP and signaling connections,
            rooms open, relay messages forwarded, rejects by reason (fixed
            names: the signaling error codes, message_too_big, binary_frame,
            slow_reader, origin_refused, tls_handshake, connection_limit)
            and a relay latency histogram.
            No visit ids, session ids, names, tokens, paths or addresses.

Options:
  --web-root DIR      required; the built client folder (build/wasm/web).
                      Serves its files by exact name: .html .js .wasm .css
                      .json .png .svg .ttf .ico; / and /v/<visit-id> serve
                      index.html. Everything else is 404: other types,
                      directories (no listing), ".", ".." and dot files
                      (also percent-encoded), "//", backslashes, encoded "/"
                      or "\", control bytes, and symlinks leading outside DIR.
                      The query string is ignored.
  --listen ADDR:PORT  default 127.0.0.1:8080. IPv4, or IPv6 in brackets
                      ([::1]:8080). Port 0 picks a free port. Without TLS
                      only a loopback address is accepted (127.0.0.0/8, [::1]).
  --tls-cert FILE     PEM certificate chain (leaf first); with --tls-key.
  --tls-key FILE      PEM private key, unencrypted (keep it mode 0600).
                      Both or neither. With them every connection is TLS
                      (no plain fallback): TLS 1.2 or 1.3 only, ECDHE with
                      AES-GCM or ChaCha20-Poly1305, server cipher order, no
                      compression, no renegotiation, 10 s to finish the
                      handshake; every response carries
                      Strict-Transport-Security: max-age=63072000.
                      An unreadable file or a key that does not match the
                      certificate: exit 2.
  --allow-origin LIST comma-separated origins (https://host[:port]) whose
                      pages may open the signaling WebSocket at /signal;
                      any other Origin gets 403. Without it, no /signal.
  --max-connections-per-address N
                      concurrent TCP connections from one IP address, 1 to
                      4096, default 32. One more is closed as soon as it is
                      accepted (counted as connection_limit); the others are
                      not touched.
  --metrics-allow LIST
                      comma-separated IP addresses (a Prometheus on another
                      host) that may read /metrics besides loopback peers.
                      Default: loopback only.
  --data FILE         the SQLite database (created 0600 if missing; its
                      directory must exist; refused if group/other may read
                      it or if written by a newer gateway). Holds visits
                      (random ids, owner account, times, people per room),
                      kiosks and the audit trail; nothing that names a
                      patient. Without --data: no accounts, stored visits or
                      audit trail (the skeleton still serves and signals).
  --key-file FILE     required with --data: 32 random bytes, created 0600 on
                      first start. Keys the audit trail's MAC chain and its
                      pseudonyms, and seals second-factor seeds. Must be outside the directory of --data and
                      readable by this user only, else the gateway refuses
                      to start. Keep it out of database backups.
  --turn-url LIST     comma-separated TURN/STUN URLs handed to clients
                      (turn:HOST[:PORT][?transport=udp|tcp], turns:...,
                      stun:...); with --turn-secret-file.
  --turn-secret-file FILE
                      the secret shared with coturn (use-auth-secret,
                      static-auth-secret); at least 16 bytes, surrounding
                      whitespace ignored; refused if group/other may read
                      it. Signed-in providers (after their hello) and
                      admitted guests get a `turn` signaling message with
                      username "EXPIRY:RANDOM-ID" and credential
                      base64(HMAC-SHA1(secret, username)).
  --turn-ttl SECONDS  how long TURN credentials live, 60 to 86400, default
                      21600 (6 h: longer than a visit).
  --config FILE       read settings from FILE first: one "name = value" per
                      line, names as the flags without "--" (listen =
                      0.0.0.0:8443), '#' comments. Also TESSERA_CONFIG=FILE.
  --help, -h          show this text and exit.
A flag given twice takes its last value; --flag=VALUE also works.
Every flag can also come from the environment: TESSERA_ and the flag's name
in capitals with '_' for '-' (TESSERA_LISTEN, TESSERA_ALLOW_ORIGIN). Order
of precedence: flags, then the environment, then the config file.

Served files: GET and HEAD only (others: 405); /api/ as below. Limits: URL
2048 bytes (414), request header 8 KiB (431), request body 4 KiB (413); 30 s
to receive each request and to send each response, else the connection is
closed. Keep-alive and
pipelining are supported.
With --data, every minute a visit whose time is up is ended (its signaling
room closes with 4000), visits ended over 24 h ago are purged, and the audit head
(event "audit_head", field "head": "COUNT:MAC") is logged at start, every 100 entries or
15 minutes; keep those lines apart from the database.
Exit codes: 0 clean stop, 1 cannot listen or open storage, 2 bad arguments,
web root, or TLS certificate and key.

audit verify walks the audit trail's MAC chain and prints "audit OK: HEAD",
or the first bad entry and why (altered, removed, reordered; truncated or
rewritten against --expect-head, a head from an earlier log line). Exit 0
intact, 1 not intact or unreadable, 2 bad arguments.

With --data and --allow-origin, /api/session signs providers and admins in
(password + TOTP code; see docs/ARCHITECTURE.md "Sign-in"). Accounts are made
with `tessera-gateway account add ...`; `tessera-gateway account --help`
lists the account commands. /api/visits lets a signed-in provider create,
list and end its own visits; a /signal upgrade carrying a provider's session
cookie is that provider (docs/ARCHITECTURE.md "Visits"). An admin reads the
audit trail at /api/admin/audit (newest first, ?before=SEQ pages back). /api/admin/kiosks,
/api/kiosk/... and /api/kiosks enrol clinic tablets with a one-time code,
send them visits sealed to their key, and revoke them (docs/ARCHITECTURE.md
"Kiosks"); `tessera-gateway kiosk --help` lists the kiosk commands.
)";
}

}  // namespace tessera::gateway
