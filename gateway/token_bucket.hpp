#pragma once
// A token bucket driven by the caller's time: `burst` tokens at most, refilled
// at `per_second`. One message costs one token; an empty bucket means the
// sender is over its rate. No clock is read here.
#include "gateway/signaling_types.hpp"

namespace tessera::gateway {

class TokenBucket {
 public:
  TokenBucket(double per_second, double burst, Time now);

  // Takes one token if there is one (after refilling up to `now`).
  [[nodiscard]] bool take(Time now);
  [[nodiscard]] double tokens() const { return tokens_; }

 private:
  double per_second_;
  double burst_;
  double tokens_;
  Time last_;
};

}  // namespace tessera::gateway
