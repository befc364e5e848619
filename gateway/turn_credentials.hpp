#pragma once
// Short-lived TURN credentials for calls behind NAT (issue 9 item 9), in the
// "TURN REST API" form a stock coturn checks with `use-auth-secret`:
//   username   = "<unix expiry time>:<id>"
//   credential = base64(HMAC-SHA1(shared secret, username))
// The gateway and coturn share only the secret; coturn refuses the username
// once its expiry has passed. The id is a fresh random handle per grant, so a
// TURN server's logs cannot link a grant to a visit, a session or a person.
// A pure function: the caller passes the wall-clock time and the id.
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "shared/signaling.hpp"

namespace tessera::gateway {

inline constexpr std::chrono::seconds kDefaultTurnTtl{6 * 3600};  // longer than any visit
inline constexpr std::chrono::seconds kMaxTurnTtl{24 * 3600};
inline constexpr std::size_t kMinTurnSecretBytes = 16;

struct TurnConfig {
  std::string secret;             // coturn's static-auth-secret; empty: no TURN
  std::vector<std::string> urls;  // turn:host:3478, turns:host:5349, stun:host:3478
  std::chrono::seconds ttl = kDefaultTurnTtl;

  [[nodiscard]] bool enabled() const { return !secret.empty() && !urls.empty(); }
};

// The grant for one client, valid until unix_now + ttl. id: printable ASCII
// without ':' or spaces.
[[nodiscard]] TurnGrant turn_grant(const TurnConfig& config, std::int64_t unix_now, std::string_view id);

}  // namespace tessera::gateway
