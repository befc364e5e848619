// Connections per remote address: see address_limiter.hpp.
#include "gateway/address_limiter.hpp"

namespace tessera::gateway {

AddressLimiter::Slot& AddressLimiter::Slot::operator=(Slot&& other) noexcept {
  if (this != &other) {
    release();
    owner_ = std::move(other.owner_);
    address_ = other.address_;
  }
  return *this;
}

void AddressLimiter::Slot::release() {
  if (!owner_) return;
  owner_->release(address_);
  owner_.reset();
}

std::optional<AddressLimiter::Slot> AddressLimiter::acquire(const boost::asio::ip::address& address) {
  {
    const std::lock_guard lock(mutex_);
    auto& count = held_[address];
    if (count >= max_per_address_) {
      if (count == 0) held_.erase(address);  // a limit of 0 must not leave an entry
      return std::nullopt;
    }
    ++count;
  }
  return Slot(shared_from_this(), address);
}

void AddressLimiter::release(const boost::asio::ip::address& address) {
  const std::lock_guard lock(mutex_);
  const auto it = held_.find(address);
  if (it == held_.end()) return;
  if (--it->second == 0) held_.erase(it);
}

std::size_t AddressLimiter::held(const boost::asio::ip::address& address) const {
  const std::lock_guard lock(mutex_);
  const auto it = held_.find(address);
  return it == held_.end() ? 0 : it->second;
}

std::size_t AddressLimiter::addresses() const {
  const std::lock_guard lock(mutex_);
  return held_.size();
}

}  // namespace tessera::gateway
