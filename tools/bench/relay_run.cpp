#include "tools/bench/relay_run.hpp"

#include <sys/resource.h>

#include <algorithm>
#include <iostream>
#include <limits>

#include "shared/signaling.hpp"
#include "tools/bench/proc_status.hpp"

namespace tessera::bench {
namespace net = boost::asio;
using Clock = std::chrono::steady_clock;

namespace {

constexpr std::size_t kErrorsShown = 5;  // the first few failures, on stderr
constexpr auto kSetupTimeout = std::chrono::seconds(120);
constexpr auto kDrainTimeout = std::chrono::seconds(10);
constexpr auto kCloseTimeout = std::chrono::seconds(10);
constexpr std::uint32_t kFirstSource = 0x7f000002u;  // 127.0.0.2

Side other(Side s) { return s == Side::provider ? Side::guest : Side::provider; }

double own_cpu_seconds() {
  rusage u{};
  ::getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

double percentile_us(std::vector<std::uint32_t>& ns, double q) {
  if (ns.empty()) return 0;
  const auto k = static_cast<std::size_t>(q * static_cast<double>(ns.size() - 1));
  std::nth_element(ns.begin(), ns.begin() + static_cast<std::ptrdiff_t>(k), ns.end());
  return static_cast<double>(ns[k]) / 1000.0;
}

}  // namespace

RelayRun::RelayRun(const std::vector<BenchVisit>& visits, const RunSettings& settings, std::string origin)
    : visits_(visits), settings_(settings), origin_(std::move(origin)) {}

std::uint64_t RelayRun::now_ns() const {
  return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - epoch_).count());
}

template <typename Done>
bool RelayRun::run_until(Done done, Clock::duration timeout) {
  const auto deadline = Clock::now() + timeout;
  while (!done()) {
    if (Clock::now() >= deadline) return false;
    if (ioc_->stopped()) ioc_->restart();
    if (ioc_->run_one_for(std::chrono::milliseconds(50)) == 0 && ioc_->stopped()) return done();  // no work left
  }
  return true;
}

void RelayRun::run_for(Clock::duration d) {
  const auto deadline = Clock::now() + d;
  while (Clock::now() < deadline) {
    if (ioc_->stopped()) ioc_->restart();
    ioc_->run_for(deadline - Clock::now());
  }
}

RunResult RelayRun::run(const ServerUnderTest& server) {
  RunResult r;
  ioc_ = std::make_unique<net::io_context>(1);
  server_ = server.endpoint;
  epoch_ = Clock::now();
  const std::size_t n_rooms = visits_.size();
  connections_.clear();
  rooms_.assign(n_rooms, Room{});
  next_room_ = rooms_settled_ = rooms_ready_ = closed_ = failed_after_ready_ = 0;
  delivered_ = in_flight_ = errors_ = 0;
  sending_ = measuring_ = false;
  latencies_ns_.clear();
  for (std::size_t i = 0; i < 2 * n_rooms; ++i) connections_.push_back(std::make_shared<LoadConnection>(*ioc_, *this, i));

  // 1. Idle memory: RSS before, then every room set up and left idle.
  r.rss_before = process_rss_bytes(server.pid);
  for (std::size_t i = 0; i < std::min(settings_.setup_concurrency, n_rooms); ++i) start_room(next_room_++);
  if (!run_until([&] { return rooms_settled_ == n_rooms; }, kSetupTimeout)) fault("setup timed out");
  run_for(settings_.settle);
  r.rss_idle = process_rss_bytes(server.pid);
  const std::size_t idle_connections = 2 * rooms_ready_ - failed_after_ready_;
  if (idle_connections > 0)
    r.rss_per_idle_connection =
        (static_cast<double>(r.rss_idle) - static_cast<double>(r.rss_before)) / static_cast<double>(idle_connections) +
        server.credit_bytes_per_connection;

  // 2. Throughput and latency: every ready room relays both ways, window per direction.
  sending_ = true;
  for (std::size_t room = 0; room < n_rooms; ++room) {
    if (rooms_[room].stage != Stage::ready) continue;
    for (std::size_t w = 0; w < settings_.window; ++w) {
      send_relay(room, Side::provider);
      send_relay(room, Side::guest);
    }
  }
  run_for(settings_.warmup);
  const std::uint64_t delivered_before = delivered_;
  const double server_cpu_before = process_cpu_seconds(server.pid), own_cpu_before = own_cpu_seconds();
  const auto started = Clock::now();
  measuring_ = true;
  run_for(settings_.measure);
  measuring_ = false;
  const double seconds = std::chrono::duration<double>(Clock::now() - started).count();
  r.messages_per_second = static_cast<double>(delivered_ - delivered_before) / seconds;
  r.server_cpu_share = (process_cpu_seconds(server.pid) - server_cpu_before) / seconds;
  r.generator_cpu_share = (own_cpu_seconds() - own_cpu_before) / seconds;
  r.rss_loaded = process_rss_bytes(server.pid);
  r.connections_held = 2 * rooms_ready_ - failed_after_ready_;
  r.p50_us = percentile_us(latencies_ns_, 0.50);
  r.p99_us = percentile_us(latencies_ns_, 0.99);

  // 3. Stop sending, let what is in flight arrive (none may be lost), close.
  sending_ = false;
  if (!run_until([&] { return in_flight_ == 0; }, kDrainTimeout))
    fault(std::to_string(in_flight_) + " relayed messages never arrived");
  const std::size_t opened = r.connections_held;
  for (auto& c : connections_) c->close();
  if (!run_until([&] { return closed_ >= opened; }, kCloseTimeout)) fault("closing timed out");
  connections_.clear();
  ioc_.reset();
  r.errors = errors_;
  return r;
}

Target RelayRun::target_for(std::size_t room) const {
  const auto k = static_cast<std::uint32_t>(room % std::max<std::size_t>(settings_.source_addresses, 1));
  return {server_, net::ip::address_v4(kFirstSource + k), origin_};
}

void RelayRun::start_room(std::size_t room) { connections_[2 * room]->start(target_for(room)); }

void RelayRun::on_open(std::size_t index) {
  const std::size_t room = index / 2;
  const BenchVisit& v = visits_[room];
  if (index % 2 == 0) {
    connections_[index]->send(v.provider_hello());
    // The guest connects only now, so the provider's hello is read before the guest's.
    connections_[index + 1]->start(target_for(room));
  } else {
    connections_[index]->send(v.guest_hello());
    connections_[index]->send(v.guest_join());
  }
}

void RelayRun::on_message(std::size_t index, std::string_view text) {
  const std::size_t room = index / 2;
  const Side side = index % 2 == 0 ? Side::provider : Side::guest;
  if (rooms_[room].stage == Stage::ready) return on_relay(room, side, text);
  on_setup_message(room, side, text);
}

void RelayRun::on_setup_message(std::size_t room, Side side, std::string_view text) {
  Room& rm = rooms_[room];
  if (rm.stage == Stage::failed) return;
  const BenchVisit& v = visits_[room];
  const auto m = signaling_parse(text, SignalingDirection::from_gateway);
  const std::size_t index = 2 * room + (side == Side::guest ? 1 : 0);
  if (side == Side::provider && m && m->type == SignalingType::waiting && m->visit == v.visit() &&
      m->session == v.session(Side::guest) && rm.stage == Stage::connecting) {
    rm.stage = Stage::joined;
    connections_[index]->send(v.provider_admit());
    return;
  }
  if (side == Side::guest && m && m->type == SignalingType::admit && m->visit == v.visit() &&
      m->session == v.session(Side::guest) && rm.stage == Stage::joined) {
    rm.stage = Stage::ready;
    ++rooms_ready_;
    ++rooms_settled_;
    if (next_room_ < rooms_.size()) start_room(next_room_++);
    return;
  }
  error(index, m && m->type == SignalingType::error ? std::string("error ") + signaling_error_code_name(m->code) +
                                                          " (" + m->detail + ") during setup"
                                                    : "unexpected message during setup");
}

void RelayRun::send_relay(std::size_t room, Side from) {
  ++rooms_[room].outstanding[static_cast<int>(from)];
  ++in_flight_;
  connections_[2 * room + (from == Side::guest ? 1 : 0)]->send(visits_[room].relay(from, now_ns()));
}

void RelayRun::on_relay(std::size_t room, Side to, std::string_view text) {
  const std::uint64_t arrived = now_ns();
  const BenchVisit& v = visits_[room];
  const Side from = other(to);
  const auto h = read_relayed_header(text);
  const std::size_t index = 2 * room + (to == Side::guest ? 1 : 0);
  if (!h || h->visit != v.visit() || h->sender != v.session(from) || h->recipient != v.session(to))
    return error(index, "a relayed message that is not the room's");
  Room& rm = rooms_[room];
  auto& outstanding = rm.outstanding[static_cast<int>(from)];
  if (outstanding == 0) return error(index, "a relayed message nobody sent");
  --outstanding;
  --in_flight_;
  ++delivered_;
  if (measuring_) {
    const std::uint64_t ns = arrived > h->seq ? arrived - h->seq : 0;
    latencies_ns_.push_back(static_cast<std::uint32_t>(std::min<std::uint64_t>(ns, std::numeric_limits<std::uint32_t>::max())));
  }
  if (sending_) send_relay(room, from);
}

void RelayRun::on_fail(std::size_t index, const char* what, boost::beast::error_code ec) {
  error(index, std::string(what) + ": " + ec.message());
}

void RelayRun::on_closed(std::size_t /*index*/) { ++closed_; }

void RelayRun::fault(const std::string& what) {
  if (errors_++ < kErrorsShown) std::cerr << "relay_load: " << what << "\n";
}

void RelayRun::error(std::size_t index, const std::string& what) {
  fault("connection " + std::to_string(index) + ": " + what);
  Room& rm = rooms_[index / 2];
  if (rm.stage == Stage::failed) return;
  if (rm.stage == Stage::ready) {
    failed_after_ready_ += 2;  // a room without one member relays no more
    in_flight_ -= rm.outstanding[0] + rm.outstanding[1];
    rm.outstanding[0] = rm.outstanding[1] = 0;
  } else {
    ++rooms_settled_;
    if (next_room_ < rooms_.size()) start_room(next_room_++);
  }
  rm.stage = Stage::failed;
  connections_[index / 2 * 2]->close();
  connections_[index / 2 * 2 + 1]->close();
}

}  // namespace tessera::bench
