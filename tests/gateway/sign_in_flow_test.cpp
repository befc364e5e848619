// The whole sign-in path as an operator and a browser meet it: the real
// tessera-gateway executable creates an account (password through a pipe),
// then the real listener serves /api/ over a loopback socket, with the code
// computed from the secret the command printed. The cookie and CSRF flow runs
// over that socket, and the request log is captured to prove it never holds
// the password, the code or the session token.
#include "gateway/listener.hpp"
#include "gateway/storage.hpp"

#include <boost/asio/connect.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <catch2/catch.hpp>

#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <thread>

#include "tests/gateway/clinic_accounts.hpp"
#include "tests/gateway/loopback_clients.hpp"
#include "tests/gateway/running_listener.hpp"
#include "tests/gateway/temp_web_root.hpp"

extern char** environ;

using namespace tessera::gateway;
using namespace tessera::gateway::test;
namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;

namespace {

struct Finished {
  int exit_code = -1;
  std::string out;
};

// Runs tessera-gateway with `input` on its stdin (a pipe) and collects stdout.
Finished run_gateway(std::vector<std::string> args, const std::string& input) {
  args.insert(args.begin(), TESSERA_GATEWAY_EXE);
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  int in[2];
  int out[2];
  REQUIRE(pipe(in) == 0);
  REQUIRE(pipe(out) == 0);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in[0], STDIN_FILENO);
  posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
  for (const int fd : {in[0], in[1], out[0], out[1]}) posix_spawn_file_actions_addclose(&actions, fd);
  pid_t pid = 0;
  const int rc = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(in[0]);
  close(out[1]);
  REQUIRE(rc == 0);
  REQUIRE(write(in[1], input.data(), input.size()) == static_cast<ssize_t>(input.size()));
  close(in[1]);
  Finished f;
  char chunk[512];
  ssize_t n;
  while ((n = read(out[0], chunk, sizeof chunk)) > 0) f.out.append(chunk, static_cast<std::size_t>(n));
  close(out[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  f.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return f;
}

std::string line_value(const std::string& text, std::string_view key) {
  const auto at = text.find(std::string(key) + ": ");
  if (at == std::string::npos) return {};
  const auto start = at + key.size() + 2;
  return text.substr(start, text.find('\n', start) - start);
}

class ApiServer {
 public:
  ApiServer(const std::filesystem::path& web_root, Storage& storage) {
    std::string error;
    auto site = StaticSite::open(web_root, error);
    REQUIRE(site);
    auto listener = std::make_shared<Listener>(running_.ioc(), std::make_shared<const StaticSite>(*site),
                                               [this](std::string_view line) { log_.emplace_back(line); });
    listener->set_accounts(make_account_api(storage, {std::string(kClinicOrigin)}));
    running_.start(listener);
  }
  ~ApiServer() { stop(); }
  ApiServer(const ApiServer&) = delete;
  ApiServer& operator=(const ApiServer&) = delete;
  void stop() { running_.stop(); }
  [[nodiscard]] net::ip::tcp::endpoint endpoint() const { return running_.endpoint(); }
  [[nodiscard]] const std::vector<std::string>& log() const { return log_; }  // after stop()

 private:
  std::vector<std::string> log_;
  tessera::gateway::test::RunningListener running_;
};

}  // namespace

TEST_CASE("an account made by 'tessera-gateway account add' signs in over a socket, and signs out for good",
          "[sign-in][process]") {
  TempDir data_dir;
  TempDir key_dir;
  TempWebRoot web;
  const auto data = (data_dir / "tessera.db").string();
  const auto key = (key_dir / "tessera.key").string();
  const std::string password = "a long provider passphrase";

  const auto added = run_gateway({"account", "add", "--data", data, "--key-file", key, "--login", "dr.ada", "--role",
                                  "provider"},
                                 password + "\n");
  REQUIRE(added.exit_code == 0);
  CHECK(added.out.find(password) == std::string::npos);
  const auto secret = base32_decode(line_value(added.out, "totp-secret"));
  REQUIRE(secret);
  REQUIRE(secret->size() == kTotpSeedBytes);
  CHECK(line_value(added.out, "otpauth-uri").starts_with("otpauth://totp/Tessera:dr.ada?secret="));
  CHECK(added.out.find("\u2588") != std::string::npos);  // the QR code

  // A password under 12 characters is refused.
  const auto short_pw = run_gateway(
      {"account", "add", "--data", data, "--key-file", key, "--login", "dr.bob", "--role", "provider"}, "short\n");
  CHECK(short_pw.exit_code == 1);

  auto storage = Storage::open(data, key);
  REQUIRE(storage);
  ApiServer server(web.web(), **storage);
  const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                       std::chrono::system_clock::now().time_since_epoch()).count();
  const auto code = hotp_code(*secret, totp_step(now), kTotpDigits);

  const auto signed_in = exchange(server.endpoint(), api_request(http::verb::post, "/api/session",
                                                                  sign_in_body("dr.ada", password, code)));
  REQUIRE(signed_in.result() == http::status::ok);
  const std::string cookie(signed_in[http::field::set_cookie]);
  const auto token = cookie.substr(cookie.find('=') + 1, cookie.find(';') - cookie.find('=') - 1);
  const auto csrf = nlohmann::json::parse(signed_in.body(), nullptr, false)["csrf"].get<std::string>();
  CHECK(exchange(server.endpoint(), api_request(http::verb::get, "/api/session", {}, token, {}, {})).result() ==
        http::status::ok);

  // Sign-out without the CSRF token is refused; with it, the session ends.
  CHECK(exchange(server.endpoint(), api_request(http::verb::delete_, "/api/session", {}, token)).result() ==
        http::status::forbidden);
  CHECK(exchange(server.endpoint(), api_request(http::verb::delete_, "/api/session", {}, token, "wrong")).result() ==
        http::status::forbidden);
  CHECK(exchange(server.endpoint(), api_request(http::verb::delete_, "/api/session", {}, token, csrf)).result() ==
        http::status::ok);
  // The stolen cookie is worthless now.
  CHECK(exchange(server.endpoint(), api_request(http::verb::get, "/api/session", {}, token, {}, {})).result() ==
        http::status::unauthorized);

  server.stop();
  REQUIRE_FALSE(server.log().empty());
  for (const auto& line : server.log()) {
    CHECK(line.find(password) == std::string::npos);
    CHECK(line.find(code) == std::string::npos);
    CHECK(line.find(token) == std::string::npos);
    CHECK(line.find(csrf) == std::string::npos);
  }

  // The audit trail recorded the creation, the sign-in and the sign-out.
  auto head = (*storage)->audit().head();
  REQUIRE(head);
  CHECK(head->count >= 3);
}
