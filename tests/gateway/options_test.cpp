// parse_options / parse_listen_address / listen_url: every accepted form and
// the errors main() turns into exit code 2.
#include "gateway/options.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace tessera::gateway;

namespace {

std::variant<Options, OptionsError> parse(std::vector<std::string_view> args) {
  return parse_options(args);
}

Options parse_ok(std::vector<std::string_view> args) {
  auto result = parse(std::move(args));
  if (const auto* bad = std::get_if<OptionsError>(&result)) FAIL("unexpected error: " << bad->message);
  return std::get<Options>(result);
}

std::string parse_error(std::vector<std::string_view> args) {
  auto result = parse(std::move(args));
  REQUIRE(std::holds_alternative<OptionsError>(result));
  return std::get<OptionsError>(result).message;
}

}  // namespace

TEST_CASE("options_default_to_loopback_port_8080", "[gateway][options]") {
  const auto options = parse_ok({"--web-root", "build/wasm/web"});
  CHECK(options.listen.address().to_string() == "127.0.0.1");
  CHECK(options.listen.port() == 8080);
  CHECK(options.web_root == "build/wasm/web");
  CHECK_FALSE(options.show_help);
}

TEST_CASE("options_accept_ipv4_bracketed_ipv6_and_port_zero", "[gateway][options]") {
  auto options = parse_ok({"--listen", "0.0.0.0:0", "--web-root", "w", "--tls-cert", "c.pem", "--tls-key", "k.pem"});
  CHECK(options.listen.address().to_string() == "0.0.0.0");
  CHECK(options.listen.port() == 0);

  options = parse_ok({"--web-root=w", "--listen=[::1]:65535"});
  CHECK(options.listen.address().is_v6());
  CHECK(options.listen.address().to_string() == "::1");
  CHECK(options.listen.port() == 65535);
}

TEST_CASE("options_repeated_flags_take_the_last_value", "[gateway][options]") {
  // tools/run.sh passes its defaults first and the user's flags after them.
  const auto options = parse_ok({"--listen", "127.0.0.1:8080", "--web-root", "a",
                                 "--listen", "[::1]:9000", "--web-root=b"});
  CHECK(options.listen.address().to_string() == "::1");
  CHECK(options.listen.port() == 9000);
  CHECK(options.web_root == "b");
  // A bad later value is still an error, not silently ignored.
  CHECK_THAT(parse_error({"--web-root", "a", "--listen", "127.0.0.1:1", "--listen", "x"}),
             Catch::Contains("--listen"));
}

TEST_CASE("options_help_wins_even_after_a_bad_flag", "[gateway][options]") {
  CHECK(parse_ok({"--help"}).show_help);
  CHECK(parse_ok({"--nonsense", "-h"}).show_help);
  const auto usage = usage_text();
  for (const char* flag : {"--web-root", "--listen", "--help", "/v/", "405", "414", "431", "/healthz", "/metrics", "1001"}) {
    CHECK(usage.find(flag) != std::string::npos);
  }
}

TEST_CASE("options_reject_bad_flags_with_a_message_naming_them", "[gateway][options]") {
  CHECK_THAT(parse_error({}), Catch::Contains("--web-root"));
  CHECK_THAT(parse_error({"--web-root", "w", "--port", "1"}), Catch::Contains("--port"));
  CHECK_THAT(parse_error({"--web-root"}), Catch::Contains("needs a value"));
  CHECK_THAT(parse_error({"--web-root="}), Catch::Contains("--web-root"));
  CHECK_THAT(parse_error({"w"}), Catch::Contains("'w'"));
}

TEST_CASE("options_reject_malformed_listen_addresses", "[gateway][options]") {
  for (const char* bad : {"", "8080", "127.0.0.1", "127.0.0.1:", "127.0.0.1:65536",
                          "127.0.0.1:-1", "127.0.0.1:80x", "127.0.0.1: 80", "localhost:8080",
                          "::1:8080", "[127.0.0.1]:80", "[::1:80", "1.2.3:80", "[]:80"}) {
    INFO("address: " << bad);
    CHECK(std::holds_alternative<OptionsError>(parse_listen_address(bad)));
    CHECK(std::holds_alternative<OptionsError>(parse({"--web-root", "w", "--listen", bad})));
  }
}

TEST_CASE("listen_url_brackets_ipv6_addresses", "[gateway][options]") {
  namespace ip = boost::asio::ip;
  CHECK(listen_url({ip::make_address("127.0.0.1"), 8080}) == "http://127.0.0.1:8080/");
  CHECK(listen_url({ip::make_address("::1"), 43211}) == "http://[::1]:43211/");
  CHECK(listen_url({ip::make_address("0.0.0.0"), 8443}, /*tls=*/true) == "https://0.0.0.0:8443/");
  CHECK(listen_url({ip::make_address("::1"), 8443}, /*tls=*/true) == "https://[::1]:8443/");
}

TEST_CASE("options_tls_cert_and_key_come_together", "[gateway][options][tls]") {
  CHECK_FALSE(parse_ok({"--web-root", "w"}).tls());
  const auto options = parse_ok({"--web-root", "w", "--tls-cert", "chain.pem", "--tls-key=key.pem"});
  CHECK(options.tls());
  CHECK(options.tls_cert == "chain.pem");
  CHECK(options.tls_key == "key.pem");
  CHECK_THAT(parse_error({"--web-root", "w", "--tls-cert", "chain.pem"}), Catch::Contains("--tls-key"));
  CHECK_THAT(parse_error({"--web-root", "w", "--tls-key", "key.pem"}), Catch::Contains("--tls-cert"));
  CHECK_THAT(parse_error({"--web-root", "w", "--tls-cert=", "--tls-key", "k"}), Catch::Contains("--tls-cert"));
  CHECK_THAT(parse_error({"--web-root", "w", "--tls-cert", "c", "--tls-key"}), Catch::Contains("needs a value"));
  for (const char* flag : {"--tls-cert", "--tls-key", "Strict-Transport-Security", "https://"}) {
    CHECK(usage_text().find(flag) != std::string::npos);
  }
}

TEST_CASE("options_refuse_plain_http_on_a_non_loopback_address", "[gateway][options][tls]") {
  for (const char* address : {"0.0.0.0:8080", "192.168.1.20:8080", "[::]:8080", "[2001:db8::1]:80"}) {
    INFO("address: " << address);
    CHECK_THAT(parse_error({"--web-root", "w", "--listen", address}), Catch::Contains("not a loopback address"));
    CHECK(parse_ok({"--web-root", "w", "--listen", address, "--tls-cert", "c", "--tls-key", "k"}).tls());
  }
  // Any loopback address stays fine without TLS.
  for (const char* address : {"127.0.0.1:0", "127.0.0.2:8080", "[::1]:8080"}) {
    INFO("address: " << address);
    CHECK_FALSE(parse_ok({"--web-root", "w", "--listen", address}).tls());
  }
}

TEST_CASE("options_max_connections_per_address_is_bounded", "[gateway][options][limits]") {
  CHECK(parse_ok({"--web-root", "w"}).max_connections_per_address == kMaxConnectionsPerAddress);
  CHECK(parse_ok({"--web-root", "w", "--max-connections-per-address", "1"}).max_connections_per_address == 1);
  CHECK(parse_ok({"--web-root", "w", "--max-connections-per-address=4096"}).max_connections_per_address == 4096);
  for (const char* bad : {"0", "4097", "-1", "", "8x", " 8"}) {
    INFO("value: '" << bad << "'");
    CHECK_THAT(parse_error({"--web-root", "w", "--max-connections-per-address", bad}),
               Catch::Contains("--max-connections-per-address"));
  }
}

TEST_CASE("options_allow_origin_takes_a_comma_separated_list_of_exact_origins", "[gateway][options]") {
  CHECK(parse_ok({"--web-root", "w"}).allowed_origins.empty());
  auto options = parse_ok({"--web-root", "w", "--allow-origin", "https://clinic.example,http://127.0.0.1:8080"});
  CHECK(options.allowed_origins == std::vector<std::string>{"https://clinic.example", "http://127.0.0.1:8080"});
  options = parse_ok({"--web-root", "w", "--allow-origin=https://a.example", "--allow-origin=https://b.example"});
  CHECK(options.allowed_origins == std::vector<std::string>{"https://b.example"});
  for (const char* bad : {"clinic.example", "https://", "https://a.example/", "https://a.example/signal",
                          "ftp://a.example", "https://a.example,", "https://u@a.example"}) {
    CHECK_THAT(parse_error({"--web-root", "w", "--allow-origin", bad}), Catch::Contains("--allow-origin"));
  }
  CHECK(usage_text().find("--allow-origin") != std::string::npos);
}

TEST_CASE("options_metrics_allow_takes_a_comma_separated_list_of_ip_addresses", "[gateway][options]") {
  CHECK(parse_ok({"--web-root", "w"}).metrics_allowed.empty());
  const auto options = parse_ok({"--web-root", "w", "--metrics-allow", "10.0.0.5,fd00::7"});
  REQUIRE(options.metrics_allowed.size() == 2);
  CHECK(options.metrics_allowed[0] == boost::asio::ip::make_address("10.0.0.5"));
  CHECK(options.metrics_allowed[1] == boost::asio::ip::make_address("fd00::7"));
  for (const char* bad : {"", "prometheus.local", "10.0.0.5,", "10.0.0.0/8", "10.0.0.5:9090"}) {
    INFO("value: '" << bad << "'");
    CHECK_THAT(parse_error({"--web-root", "w", "--metrics-allow", bad}), Catch::Contains("--metrics-allow"));
  }
  CHECK(usage_text().find("--metrics-allow") != std::string::npos);
}

TEST_CASE("options_take_data_and_key_file_together_or_not_at_all", "[gateway][options]") {
  const auto none = parse_ok({"--web-root", "w"});
  CHECK(none.data_file.empty());
  CHECK(none.key_file.empty());
  const auto both = parse_ok({"--web-root", "w", "--data", "/var/lib/tessera/t.db", "--key-file=/etc/tessera/t.key"});
  CHECK(both.data_file == "/var/lib/tessera/t.db");
  CHECK(both.key_file == "/etc/tessera/t.key");
  CHECK(parse_error({"--web-root", "w", "--data", "t.db"}).find("go together") != std::string::npos);
  CHECK(parse_error({"--web-root", "w", "--key-file", "t.key"}).find("go together") != std::string::npos);
  CHECK(parse_error({"--web-root", "w", "--data=", "--key-file", "k"}).find("--data needs a file name") !=
        std::string::npos);
}
