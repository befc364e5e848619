#pragma once
// When the gateway writes the audit trail's head (count, mac) to its log.
// The log lives apart from the database, so a trail cut at the end (which
// still verifies on its own) is caught by `audit verify --expect-head` with
// the last logged head. Pure decision on the caller's clock.
#include <cstdint>
#include <optional>

#include "gateway/signaling_types.hpp"

namespace tessera::gateway {

// Log the head after this many new entries, or this long after the last log
// if anything was appended since; and once at start.
inline constexpr std::uint64_t kAuditHeadEveryEntries = 100;
inline constexpr Duration kAuditHeadInterval = std::chrono::minutes(15);

class AuditHeadLog {
 public:
  [[nodiscard]] bool due(std::uint64_t count, Time now) const {
    if (!last_) return true;
    if (count == last_->count) return false;
    if (count < last_->count) return true;  // shrank under us: say so at once
    return count >= last_->count + kAuditHeadEveryEntries || now >= last_->at + kAuditHeadInterval;
  }
  void logged(std::uint64_t count, Time now) { last_ = Last{count, now}; }

 private:
  struct Last {
    std::uint64_t count;
    Time at;
  };
  std::optional<Last> last_;
};

}  // namespace tessera::gateway
