#pragma once
// A Listener serving on 127.0.0.1, port 0, from a thread of its own: the
// part every in-process server fixture of these tests shares. Make the
// io_context's users with ioc(), then start(). stop() ends the thread; a
// fixture whose handlers use something it owns (storage, a log) stops first
// in its own destructor, since members are destroyed after it.
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <catch2/catch.hpp>

#include <memory>
#include <thread>

#include "gateway/listener.hpp"

namespace tessera::gateway::test {

class RunningListener {
 public:
  RunningListener() = default;
  ~RunningListener() { stop(); }
  RunningListener(const RunningListener&) = delete;
  RunningListener& operator=(const RunningListener&) = delete;

  [[nodiscard]] boost::asio::io_context& ioc() { return ioc_; }

  void start(std::shared_ptr<Listener> listener) {
    listener_ = std::move(listener);
    REQUIRE_FALSE(listener_->open({boost::asio::ip::make_address("127.0.0.1"), 0}));
    endpoint_ = listener_->local_endpoint();
    listener_->run();
    thread_ = std::thread([this] { ioc_.run(); });
  }
  void stop() {
    if (!thread_.joinable()) return;
    ioc_.stop();
    thread_.join();
  }
  [[nodiscard]] boost::asio::ip::tcp::endpoint endpoint() const { return endpoint_; }

 private:
  boost::asio::io_context ioc_;
  std::shared_ptr<Listener> listener_;
  boost::asio::ip::tcp::endpoint endpoint_;
  std::thread thread_;
};

}  // namespace tessera::gateway::test
