#pragma once
// How many TCP connections each remote address holds open at once (issue 9:
// one client must not take every socket the gateway has). The listener asks
// for a Slot at accept and closes the connection at once when there is none;
// the Slot travels with the connection (HTTP session, then its WebSocket) and
// gives its place back when destroyed. Pure counting: no sockets, no clock.
// Thread-safe, so a slot may be dropped on any strand.
//
// Counted per exact IP address, not per IPv6 /64: every device on a clinic
// LAN shares one /64, and they must not share one budget.
#include <boost/asio/ip/address.hpp>

#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <optional>

namespace tessera::gateway {

// A browser opens about 6 HTTP/1.1 connections per host plus its signaling
// WebSocket; 32 leaves room for a few people behind one NAT.
inline constexpr std::size_t kMaxConnectionsPerAddress = 32;

class AddressLimiter : public std::enable_shared_from_this<AddressLimiter> {
 public:
  // Held by one connection; gives its place back on destruction. Move-only.
  class Slot {
   public:
    Slot() = default;
    Slot(std::shared_ptr<AddressLimiter> owner, boost::asio::ip::address address)
        : owner_(std::move(owner)), address_(address) {}
    ~Slot() { release(); }
    Slot(Slot&& other) noexcept : owner_(std::move(other.owner_)), address_(other.address_) {}
    Slot& operator=(Slot&& other) noexcept;
    Slot(const Slot&) = delete;
    Slot& operator=(const Slot&) = delete;

   private:
    void release();
    std::shared_ptr<AddressLimiter> owner_;  // null: nothing held
    boost::asio::ip::address address_;
  };

  // Must be created by make_shared: slots keep the limiter alive.
  explicit AddressLimiter(std::size_t max_per_address = kMaxConnectionsPerAddress)
      : max_per_address_(max_per_address) {}

  // A slot for one more connection from address, or nullopt when it already
  // holds max_per_address.
  [[nodiscard]] std::optional<Slot> acquire(const boost::asio::ip::address& address);

  [[nodiscard]] std::size_t held(const boost::asio::ip::address& address) const;
  // Addresses with at least one connection (the map never keeps a zero).
  [[nodiscard]] std::size_t addresses() const;
  [[nodiscard]] std::size_t max_per_address() const { return max_per_address_; }

 private:
  void release(const boost::asio::ip::address& address);

  const std::size_t max_per_address_;
  mutable std::mutex mutex_;
  std::map<boost::asio::ip::address, std::size_t> held_;  // mutex_
};

}  // namespace tessera::gateway
