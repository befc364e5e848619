// The tessera-gateway executable as scripts use it: start it with port 0, read
// its one stdout line, fetch a page, stop it with SIGTERM, expect exit 0 and
// nothing more on stdout; and the exit codes for --help and bad arguments.
// Every wait is on the child (a line, a response, its exit), never a sleep.
// SIGTERM with a signaling WebSocket open: the client gets close code 1001.
#include "temp_web_root.hpp"
#include "test_certificate.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <catch2/catch.hpp>

#include <csignal>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <vector>

extern char** environ;

using tessera::gateway::test::TempWebRoot;
namespace net = boost::asio;
namespace http = boost::beast::http;

namespace {

// A child process with its stdout on a pipe.
class Child {
 public:
  explicit Child(std::vector<std::string> args) {
    args.insert(args.begin(), TESSERA_GATEWAY_EXE);
    std::vector<char*> argv;
    for (auto& arg : args) argv.push_back(arg.data());
    argv.push_back(nullptr);

    int fds[2];
    REQUIRE(pipe(fds) == 0);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
    posix_spawn_file_actions_addclose(&actions, fds[0]);
    posix_spawn_file_actions_addclose(&actions, fds[1]);
    const int rc = posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    close(fds[1]);
    stdout_ = fds[0];
    REQUIRE(rc == 0);
  }
  ~Child() {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    if (stdout_ >= 0) close(stdout_);
  }
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;

  // Blocks until a newline or end of output; the newline is not returned.
  std::string read_line() {
    std::string line;
    char c;
    while (read(stdout_, &c, 1) == 1 && c != '\n') line.push_back(c);
    return line;
  }
  std::string read_rest() {
    std::string out;
    char chunk[512];
    ssize_t n;
    while ((n = read(stdout_, chunk, sizeof chunk)) > 0) out.append(chunk, static_cast<size_t>(n));
    return out;
  }
  void signal(int sig) { REQUIRE(kill(pid_, sig) == 0); }
  // The exit code, or -1 when the child did not exit normally.
  int wait() {
    int status = 0;
    REQUIRE(waitpid(pid_, &status, 0) == pid_);
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

 private:
  pid_t pid_ = -1;
  int stdout_ = -1;
};

}  // namespace

TEST_CASE("gateway_process_prints_its_bound_port_serves_and_stops_on_sigterm",
          "[gateway][process]") {
  TempWebRoot temp;
  Child child({"--listen", "127.0.0.1:0", "--web-root", temp.web().string()});

  const std::string line = child.read_line();
  const std::string prefix = "Tessera gateway listening on http://127.0.0.1:";
  REQUIRE(line.starts_with(prefix));
  REQUIRE(line.ends_with("/"));
  const std::string port_text = line.substr(prefix.size(), line.size() - prefix.size() - 1);
  const int port = std::stoi(port_text);
  REQUIRE(port > 0);
  REQUIRE(std::to_string(port) == port_text);

  net::io_context ioc;
  net::ip::tcp::socket socket(ioc);
  socket.connect({net::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)});
  http::request<http::empty_body> req{http::verb::get, "/v/AAAAAAAAAAAAAAAAAAAAAA", 11};
  req.set(http::field::host, "localhost");
  http::write(socket, req);
  boost::beast::flat_buffer buffer;
  http::response<http::string_body> res;
  http::read(socket, buffer, res);
  CHECK(res.result() == http::status::ok);
  CHECK(res.body() == tessera::gateway::test::kIndexHtml);

  child.signal(SIGTERM);
  CHECK(child.wait() == 0);
  // After the address line, stdout holds only structured log lines: the
  // request, as JSON, without the visit id it asked for.
  const std::string rest = child.read_rest();
  CHECK_THAT(rest, Catch::StartsWith(R"({"time":")"));
  CHECK_THAT(rest, Catch::Contains(R"("event":"http","method":"GET","status":200,)"));
  CHECK_THAT(rest, !Catch::Contains("AAAAAAAAAAAAAAAAAAAAAA"));
}

TEST_CASE("gateway_process_closes_signaling_sockets_with_1001_on_sigterm_and_exits_0",
          "[gateway][process]") {
  namespace websocket = boost::beast::websocket;
  TempWebRoot temp;
  const std::string origin = "https://clinic.tessera.test";
  Child child({"--listen", "127.0.0.1:0", "--web-root", temp.web().string(), "--allow-origin", origin});
  const std::string line = child.read_line();
  const std::string prefix = "Tessera gateway listening on http://127.0.0.1:";
  REQUIRE(line.starts_with(prefix));
  const auto port = static_cast<unsigned short>(std::stoi(line.substr(prefix.size())));

  net::io_context ioc;
  websocket::stream<boost::beast::tcp_stream> ws(ioc);
  ws.next_layer().connect({net::ip::make_address("127.0.0.1"), port});
  ws.set_option(websocket::stream_base::decorator(
      [&](websocket::request_type& req) { req.set(http::field::origin, origin); }));
  ws.handshake("127.0.0.1", "/signal");

  // A pong proves the server's read loop is running, so the hub knows this
  // socket; only then the signal is sent. The read then ends with the close.
  bool signalled = false;
  ws.control_callback([&](websocket::frame_type kind, boost::beast::string_view) {
    if (kind == websocket::frame_type::pong && !signalled) {
      signalled = true;
      child.signal(SIGTERM);
    }
  });
  ws.async_ping({}, [](boost::beast::error_code) {});
  boost::beast::flat_buffer buffer;
  boost::beast::error_code read_ec = net::error::would_block;
  ws.async_read(buffer, [&](boost::beast::error_code ec, std::size_t) { read_ec = ec; });
  ioc.run_for(std::chrono::seconds(10));  // bounded: a broken gateway fails the test, not hangs it
  CHECK(signalled);
  CHECK(read_ec == websocket::error::closed);
  CHECK(ws.reason().code == websocket::close_code::going_away);
  CHECK(std::string(ws.reason().reason.data(), ws.reason().reason.size()) == "gateway restarting");
  CHECK(child.wait() == 0);
  CHECK_THAT(child.read_rest(), Catch::Contains(R"("event":"ws_open")"));  // the only log line
}

TEST_CASE("gateway_process_stops_on_sigint_too", "[gateway][process]") {
  TempWebRoot temp;
  Child child({"--listen", "127.0.0.1:0", "--web-root", temp.web().string()});
  REQUIRE(child.read_line().starts_with("Tessera gateway listening on "));
  child.signal(SIGINT);
  CHECK(child.wait() == 0);
}

TEST_CASE("gateway_process_exit_codes_for_help_and_bad_arguments", "[gateway][process]") {
  {
    Child child({"--help"});
    CHECK(child.read_rest().find("--web-root DIR") != std::string::npos);
    CHECK(child.wait() == 0);
  }
  const std::vector<std::vector<std::string>> bad = {
      {},
      {"--web-root"},
      {"--bogus", "--web-root", "."},
      {"--listen", "localhost:80", "--web-root", "."},
      {"--web-root", "/nonexistent/tessera-web-root"},
  };
  for (const auto& args : bad) {
    INFO("args: " << args.size());
    Child child(args);
    CHECK(child.read_rest().empty());  // errors go to stderr only
    CHECK(child.wait() == 2);
  }
}

TEST_CASE("gateway_process_with_storage_creates_its_files_and_audit_verify_reads_them", "[gateway][process][storage]") {
  TempWebRoot temp;
  const auto data_dir = temp.base() / "data";
  const auto key_dir = temp.base() / "keys";
  std::filesystem::create_directory(data_dir);
  std::filesystem::create_directory(key_dir);
  const auto data = (data_dir / "tessera.db").string();
  const auto key = (key_dir / "tessera.key").string();
  {
    Child child({"--listen", "127.0.0.1:0", "--web-root", temp.web().string(), "--data", data, "--key-file", key});
    REQUIRE(child.read_line().starts_with("Tessera gateway listening on "));
    child.signal(SIGTERM);
    CHECK(child.wait() == 0);
  }
  CHECK(std::filesystem::file_size(key) == 32);
  CHECK(std::filesystem::exists(data));
  Child verify({"audit", "verify", "--data", data, "--key-file", key});
  CHECK(verify.read_rest() == "audit OK: 0:" + std::string(64, '0') + "\n");
  CHECK(verify.wait() == 0);
}

TEST_CASE("gateway_process_refuses_a_key_file_beside_its_database_with_exit_1", "[gateway][process][storage]") {
  TempWebRoot temp;
  const auto data = (temp.base() / "tessera.db").string();
  const auto key = (temp.base() / "tessera.key").string();
  Child child({"--listen", "127.0.0.1:0", "--web-root", temp.web().string(), "--data", data, "--key-file", key});
  CHECK(child.read_rest().empty());
  CHECK(child.wait() == 1);
  CHECK_FALSE(std::filesystem::exists(key));
  CHECK_FALSE(std::filesystem::exists(data));
}

TEST_CASE("gateway_process_with_tls_prints_an_https_url_and_serves_https", "[gateway][process][tls]") {
  namespace ssl = net::ssl;
  TempWebRoot temp;
  tessera::gateway::test::TestCertificate cert;
  Child child({"--listen", "127.0.0.1:0", "--web-root", temp.web().string(), "--tls-cert", cert.cert_pem().string(),
               "--tls-key", cert.key_pem().string()});
  const std::string line = child.read_line();
  const std::string prefix = "Tessera gateway listening on https://127.0.0.1:";
  REQUIRE(line.starts_with(prefix));
  const auto port = static_cast<unsigned short>(std::stoi(line.substr(prefix.size())));

  net::io_context ioc;
  ssl::context ctx(ssl::context::tls_client);
  ctx.load_verify_file(cert.cert_pem().string());
  ctx.set_verify_mode(ssl::verify_peer);
  boost::beast::ssl_stream<boost::beast::tcp_stream> stream(ioc, ctx);
  boost::beast::get_lowest_layer(stream).connect({net::ip::make_address("127.0.0.1"), port});
  stream.handshake(ssl::stream_base::client);
  http::request<http::empty_body> req{http::verb::get, "/", 11};
  req.set(http::field::host, "127.0.0.1");
  http::write(stream, req);
  boost::beast::flat_buffer buffer;
  http::response<http::string_body> res;
  http::read(stream, buffer, res);
  CHECK(res.result() == http::status::ok);
  CHECK(res[http::field::strict_transport_security] == "max-age=63072000");

  child.signal(SIGTERM);
  CHECK(child.wait() == 0);
}

TEST_CASE("gateway_process_exits_2_for_plain_http_off_loopback_and_for_bad_tls_files", "[gateway][process][tls]") {
  TempWebRoot temp;
  tessera::gateway::test::TestCertificate cert;
  const std::string web = temp.web().string();
  const std::vector<std::vector<std::string>> bad = {
      {"--listen", "0.0.0.0:0", "--web-root", web},
      {"--web-root", web, "--tls-cert", cert.cert_pem().string(), "--tls-key", cert.other_key_pem().string()},
      {"--web-root", web, "--tls-cert", cert.cert_pem().string() + ".missing", "--tls-key", cert.key_pem().string()},
      {"--web-root", web, "--tls-cert", cert.cert_pem().string()},
  };
  for (const auto& args : bad) {
    INFO("args: " << args.size() << " " << args[1]);
    Child child(args);
    CHECK(child.read_rest().empty());  // nothing on stdout: it never listened
    CHECK(child.wait() == 2);
  }
}
