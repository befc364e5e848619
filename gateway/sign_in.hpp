#pragma once
// The sign-in decision and its throttles, as pure logic: fed the account (or
// its absence), the attempt and the time; it reads no clock and touches no
// database. account_api.cpp loads and saves around it.
//
// Nothing distinguishes one failure from another to the caller: an unknown
// login, a wrong password, a wrong, stale or replayed code, a locked or a
// disabled account all end as kSignInFailed. The work is the same too: an
// unknown login is checked against a dummy Argon2id hash and a zero seed.
//
// Per account: kLockAfterFailures failures in a row lock it for
// kFirstLockSeconds, doubling with each further lock (at most kMaxLockSeconds)
// until a sign-in succeeds or an admin unlocks it. Attempts on a locked
// account are not counted (they cannot extend the lock).
// Per remote address: a token bucket of kSignInBurst attempts, refilled one
// every kSignInRefillSeconds, whatever the login.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "gateway/account_store.hpp"
#include "gateway/token_bucket.hpp"

namespace tessera::gateway {

inline constexpr std::string_view kSignInFailed = "sign-in failed";
inline constexpr int kLockAfterFailures = 5;
inline constexpr std::int64_t kFirstLockSeconds = 15 * 60;
inline constexpr std::int64_t kMaxLockSeconds = 24 * 60 * 60;
inline constexpr double kSignInBurst = 10;
inline constexpr double kSignInRefillSeconds = 30;
// Addresses remembered at once; beyond it, buckets that have refilled are
// forgotten first, and if none has, all are (the per-account lock still holds).
inline constexpr std::size_t kMaxThrottledAddresses = 4096;

struct SignInDecision {
  bool accepted = false;
  std::optional<ThrottleState> update;  // to save on the account; none for an unknown login
  bool locked_now = false;              // this attempt locked the account
};

// The lock that the lockouts-th lock lasts (15 min, 30 min, 1 h, ... capped).
[[nodiscard]] std::int64_t lock_seconds(int lockouts);

// account and seed are null for an unknown login (seed is also null when it
// does not open). dummy_hash: any Argon2id hash made at start-up, verified in
// place of a missing account's so both paths cost one Argon2id.
[[nodiscard]] SignInDecision decide_sign_in(const Account* account, const TotpSeed* seed, std::string_view password,
                                            std::string_view code, std::int64_t now, std::string_view dummy_hash);

// One sign-in attempt between its halves (account_api.cpp): the I/O thread
// loads it, check() does the slow part on a worker thread (Argon2id: about
// 0.1 s and 64 MiB), and the I/O thread saves what it decided. check() reads
// nothing but the attempt, so the worker shares no state with anyone. Not
// copyable or movable: the password is wiped where it was written.
struct SignInAttempt {
  SignInAttempt() = default;
  SignInAttempt(const SignInAttempt&) = delete;
  SignInAttempt& operator=(const SignInAttempt&) = delete;
  ~SignInAttempt();

  // Inputs, from the request and the store.
  std::string login;                // which guard slot the attempt holds (in memory only)
  std::optional<Account> account;   // none for an unknown login
  std::optional<TotpSeed> seed;     // none when unknown or the seed does not open
  std::string password;
  std::string code;
  std::int64_t now = 0;
  // Outputs of check().
  SignInDecision decision;
  std::optional<std::string> new_hash;  // accepted, and the stored hash used older limits

  void check(std::string_view dummy_hash);
};

// The per-address token buckets. Addresses are kept in memory only.
class SignInThrottle {
 public:
  // Takes one attempt from the address's bucket; false when it is empty.
  [[nodiscard]] bool allow(const std::string& address, Time now);
  [[nodiscard]] std::size_t tracked() const { return buckets_.size(); }

 private:
  struct Entry {
    TokenBucket bucket;
    Time last;
  };
  void make_room(Time now);
  std::unordered_map<std::string, Entry> buckets_;
};

}  // namespace tessera::gateway
