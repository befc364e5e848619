// The sign-in decision and throttles: see sign_in.hpp.
#include "gateway/sign_in.hpp"

#include <sodium.h>

#include "gateway/password.hpp"

namespace tessera::gateway {

std::int64_t lock_seconds(int lockouts) {
  std::int64_t seconds = kFirstLockSeconds;
  for (int i = 1; i < lockouts && seconds < kMaxLockSeconds; ++i) seconds *= 2;
  return std::min(seconds, kMaxLockSeconds);
}

SignInDecision decide_sign_in(const Account* account, const TotpSeed* seed, std::string_view password,
                              std::string_view code, std::int64_t now, std::string_view dummy_hash) {
  // Both checks always run, on real or stand-in inputs, before anything else is looked at.
  const bool password_ok = password_verify(account ? account->password_hash : dummy_hash, password);
  const TotpSeed zero_seed;
  const auto step = totp_verify(seed ? seed->span() : zero_seed.span(), code, now,
                                account ? account->totp_last_step : 0);

  SignInDecision out;
  if (account == nullptr || account->disabled || account->locked_until > now) return out;
  ThrottleState state{account->totp_last_step, account->failures, account->lockouts, account->locked_until};
  if (password_ok && seed != nullptr && step) {
    out.accepted = true;
    out.update = ThrottleState{*step, 0, 0, 0};
    return out;
  }
  state.failures += 1;
  if (state.failures >= kLockAfterFailures) {
    state.failures = 0;
    state.lockouts += 1;
    state.locked_until = now + lock_seconds(state.lockouts);
    out.locked_now = true;
  }
  out.update = state;
  return out;
}

SignInAttempt::~SignInAttempt() {
  sodium_memzero(password.data(), password.capacity());
  sodium_memzero(code.data(), code.capacity());
}

void SignInAttempt::check(std::string_view dummy_hash) {
  decision = decide_sign_in(account ? &*account : nullptr, seed ? &*seed : nullptr, password, code, now, dummy_hash);
  if (decision.accepted && password_needs_rehash(account->password_hash)) new_hash = password_hash(password);
}

bool SignInThrottle::allow(const std::string& address, Time now) {
  auto it = buckets_.find(address);
  if (it == buckets_.end()) {
    if (buckets_.size() >= kMaxThrottledAddresses) make_room(now);
    it = buckets_.emplace(address, Entry{TokenBucket(1.0 / kSignInRefillSeconds, kSignInBurst, now), now}).first;
  }
  it->second.last = now;
  return it->second.bucket.take(now);
}

void SignInThrottle::make_room(Time now) {
  // A bucket untouched for this long is full again: forgetting it changes nothing.
  const auto refilled = std::chrono::duration_cast<Time::duration>(
      std::chrono::duration<double>(kSignInBurst * kSignInRefillSeconds));
  std::erase_if(buckets_, [&](const auto& kv) { return now - kv.second.last >= refilled; });
  if (buckets_.size() >= kMaxThrottledAddresses) buckets_.clear();
}

}  // namespace tessera::gateway
