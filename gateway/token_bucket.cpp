#include "gateway/token_bucket.hpp"

#include <algorithm>

namespace tessera::gateway {

TokenBucket::TokenBucket(double per_second, double burst, Time now)
    : per_second_(per_second), burst_(burst), tokens_(burst), last_(now) {}

bool TokenBucket::take(Time now) {
  if (now > last_) {
    const std::chrono::duration<double> elapsed = now - last_;
    tokens_ = std::min(burst_, tokens_ + elapsed.count() * per_second_);
    last_ = now;
  }
  if (tokens_ < 1.0) return false;
  tokens_ -= 1.0;
  return true;
}

}  // namespace tessera::gateway
