// Settings from a config file and the environment become flags, in order.
#include "gateway/config_sources.hpp"

#include <catch2/catch.hpp>

#include <array>

using namespace tessera::gateway;

namespace {
constexpr std::array<std::string_view, 4> kKnown{"--listen", "--web-root", "--allow-origin", "--config"};
using Env = std::vector<std::pair<std::string, std::string>>;
}  // namespace

TEST_CASE("a config file's lines become flags; comments and blank lines are skipped", "[gateway][config]") {
  const auto args = config_file_arguments("# Tessera\n\nlisten = 0.0.0.0:8443\r\n  web-root=/srv/tessera/web  \n"
                                          "allow-origin = https://clinic.example\n",
                                          kKnown);
  REQUIRE(std::holds_alternative<std::vector<std::string>>(args));
  CHECK(std::get<std::vector<std::string>>(args) ==
        std::vector<std::string>{"--listen", "0.0.0.0:8443", "--web-root", "/srv/tessera/web", "--allow-origin",
                                 "https://clinic.example"});
}

TEST_CASE("a config file with an unknown name, no '=', no value or too many bytes is refused with its line",
          "[gateway][config]") {
  const auto message = [](std::string_view text) {
    const auto r = config_file_arguments(text, kKnown);
    REQUIRE(std::holds_alternative<OptionsError>(r));
    return std::get<OptionsError>(r).message;
  };
  CHECK(message("listen = 1.2.3.4:1\nlsten = x\n") == "config file line 2: unknown setting (names are the flags "
                                                     "without '--', see --help)");
  CHECK(message("listen\n") == "config file line 1: expected 'name = value'");
  CHECK(message("web-root =\n") == "config file line 1: 'web-root' needs a value");
  CHECK(message("config = /etc/other\n").starts_with("config file line 1: unknown setting"));
  CHECK(message(std::string(kMaxConfigFileBytes + 1, '#')).find("larger than") != std::string::npos);
}

TEST_CASE("TESSERA_ variables become flags for known settings only", "[gateway][config]") {
  const Env env{{"TESSERA_LISTEN", "127.0.0.1:9000"},
                {"TESSERA_ALLOW_ORIGIN", "https://a.example"},
                {"TESSERA_UNRELATED", "x"},
                {"PATH", "/usr/bin"},
                {"TESSERA_CONFIG", "/etc/tessera.conf"}};
  CHECK(environment_arguments(env, kKnown) ==
        std::vector<std::string>{"--listen", "127.0.0.1:9000", "--allow-origin", "https://a.example"});
}

TEST_CASE("the config file path: the last --config wins over TESSERA_CONFIG", "[gateway][config]") {
  const Env env{{"TESSERA_CONFIG", "/etc/from-env.conf"}};
  const std::vector<std::string_view> none{"--listen", "127.0.0.1:1"};
  CHECK(config_file_path(none, env) == "/etc/from-env.conf");
  const std::vector<std::string_view> two{"--config", "/a.conf", "--config=/b.conf"};
  CHECK(config_file_path(two, env) == "/b.conf");
  CHECK(config_file_path(none, Env{}).empty());
}
