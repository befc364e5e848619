#pragma once
// One server's turn in the relay benchmark (issue 9, item 8): open the
// connections two by two and set up each room with the real protocol
// (provider hello; guest hello and join; the provider answers `waiting` with
// `admit`), hold them idle and read the server's RSS, then relay sealed
// envelopes both ways in every room with a window of outstanding messages
// per direction for a fixed time, then close everything.
//
// Latency is taken at the generator: the send time travels in the envelope
// header's seq field (BenchVisit) and is read back when the other member of
// the room receives it.
#include <boost/asio/io_context.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "tools/bench/bench_visit.hpp"
#include "tools/bench/load_connection.hpp"

namespace tessera::bench {

struct RunSettings {
  std::size_t window = 1;                  // outstanding messages per direction per room
  std::size_t setup_concurrency = 200;     // rooms being set up at once
  std::size_t source_addresses = 4;        // 127.0.0.2 … : spreads the ephemeral ports
  std::chrono::milliseconds settle{2000};  // idle before reading the idle RSS
  std::chrono::milliseconds warmup{1000};
  std::chrono::milliseconds measure{10000};
};

struct ServerUnderTest {
  std::string name;
  boost::asio::ip::tcp::endpoint endpoint;
  pid_t pid = 0;
  double credit_bytes_per_connection = 0;  // server memory made before the run on the connections' behalf
};

struct RunResult {
  std::size_t connections_held = 0;  // set up and still open at the end of the measurement
  double messages_per_second = 0;
  double p50_us = 0, p99_us = 0;
  double rss_per_idle_connection = 0;
  std::uint64_t rss_before = 0, rss_idle = 0, rss_loaded = 0;
  double server_cpu_share = 0;     // of one core, over the measured seconds
  double generator_cpu_share = 0;  // likewise
  std::uint64_t errors = 0;
};

class RelayRun : public LoadEvents {
 public:
  RelayRun(const std::vector<BenchVisit>& visits, const RunSettings& settings, std::string origin);
  [[nodiscard]] RunResult run(const ServerUnderTest& server);

  void on_open(std::size_t index) override;
  void on_message(std::size_t index, std::string_view text) override;
  void on_fail(std::size_t index, const char* what, boost::beast::error_code ec) override;
  void on_closed(std::size_t index) override;

 private:
  enum class Stage { connecting, joined, ready, failed };
  struct Room {
    Stage stage = Stage::connecting;
    std::size_t outstanding[2] = {0, 0};  // by sender Side
  };

  [[nodiscard]] Target target_for(std::size_t room) const;
  void start_room(std::size_t room);
  void send_relay(std::size_t room, Side from);
  void on_setup_message(std::size_t room, Side side, std::string_view text);
  void on_relay(std::size_t room, Side to, std::string_view text);
  void fault(const std::string& what);                       // counted and shown (the first few)
  void error(std::size_t index, const std::string& what);    // a fault that also ends that connection's room
  template <typename Done>
  bool run_until(Done done, std::chrono::steady_clock::duration timeout);
  void run_for(std::chrono::steady_clock::duration d);
  [[nodiscard]] std::uint64_t now_ns() const;

  const std::vector<BenchVisit>& visits_;
  RunSettings settings_;
  std::string origin_;
  std::unique_ptr<boost::asio::io_context> ioc_;
  boost::asio::ip::tcp::endpoint server_;
  std::vector<std::shared_ptr<LoadConnection>> connections_;  // room r: 2r provider, 2r+1 guest
  std::vector<Room> rooms_;
  std::size_t next_room_ = 0, rooms_settled_ = 0, rooms_ready_ = 0, closed_ = 0;
  std::size_t failed_after_ready_ = 0;
  bool sending_ = false, measuring_ = false;
  std::uint64_t delivered_ = 0, in_flight_ = 0, errors_ = 0;
  std::vector<std::uint32_t> latencies_ns_;
  std::chrono::steady_clock::time_point epoch_;
};

}  // namespace tessera::bench
