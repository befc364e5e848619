#pragma once
// One WebSocket client of the relay load generator: connects from a chosen
// loopback source address (so 10,000 connections need not share one
// address's ephemeral ports), upgrades on /signal with the bench's Origin,
// then reads text messages into its owner and writes what it is given, one
// at a time through a queue. Single-threaded: everything runs on one
// io_context, the generator's.
#include <boost/asio/io_context.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>

#include <cstddef>
#include <deque>
#include <memory>
#include <string>
#include <string_view>

namespace tessera::bench {

// What a LoadConnection reports, with the index its owner gave it.
class LoadEvents {
 public:
  virtual ~LoadEvents() = default;
  virtual void on_open(std::size_t index) = 0;
  virtual void on_message(std::size_t index, std::string_view text) = 0;
  // what: the step that failed; not called for a close the owner asked for.
  virtual void on_fail(std::size_t index, const char* what, boost::beast::error_code ec) = 0;
  virtual void on_closed(std::size_t index) = 0;
};

struct Target {
  boost::asio::ip::tcp::endpoint server;
  boost::asio::ip::address source;  // bound before connecting (port chosen at connect)
  std::string origin;
};

class LoadConnection : public std::enable_shared_from_this<LoadConnection> {
 public:
  LoadConnection(boost::asio::io_context& ioc, LoadEvents& events, std::size_t index);

  void start(const Target& target);
  void send(std::string text);
  void close();  // on_closed once the close handshake is over (or failed)

 private:
  void on_connect(boost::beast::error_code ec);
  void on_handshake(boost::beast::error_code ec);
  void do_read();
  void on_read(boost::beast::error_code ec, std::size_t bytes);
  void do_write();
  void on_write(boost::beast::error_code ec, std::size_t bytes);
  void on_close(boost::beast::error_code ec);
  void fail(const char* what, boost::beast::error_code ec);

  boost::beast::websocket::stream<boost::beast::tcp_stream> ws_;
  boost::beast::flat_buffer buffer_;
  LoadEvents& events_;
  std::size_t index_;
  std::string host_;
  std::deque<std::string> queue_;
  bool writing_ = false;
  bool closing_ = false;
  bool done_ = false;  // failed or closed: reported once
};

}  // namespace tessera::bench
