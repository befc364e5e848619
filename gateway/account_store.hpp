#pragma once
// Provider and admin accounts and their sign-in sessions, in the gateway's
// SQLite file (migration 2 in schema.cpp). What is stored, and why it is safe
// to lose the file:
//   - the password only as an Argon2id hash (password.hpp);
//   - the TOTP seed sealed with XChaCha20-Poly1305 under the key file's
//     "totpseed" key, the account id as associated data (a sealed seed copied
//     onto another account does not open);
//   - a session only as the BLAKE2b hash of its 256-bit token, so a copy of
//     the database cannot be turned into a cookie.
// Sessions end after kSessionIdle without use or kSessionLifetime after
// sign-in, whichever comes first, and on sign-out. Times are wall-clock
// seconds passed in by the caller.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/database.hpp"
#include "gateway/totp.hpp"
#include "shared/secret.hpp"

namespace tessera::gateway {

enum class Role { provider, admin };
[[nodiscard]] std::string_view role_name(Role role);
[[nodiscard]] std::optional<Role> parse_role(std::string_view text);

// Logins: 1 to kMaxLoginBytes of [a-z0-9._-], so a login is never mistaken
// for another by case or look-alike characters, and is safe in any log.
inline constexpr std::size_t kMaxLoginBytes = 64;
[[nodiscard]] bool login_valid(std::string_view login);

inline constexpr std::int64_t kSessionIdleSeconds = 30 * 60;
inline constexpr std::int64_t kSessionLifetimeSeconds = 12 * 60 * 60;
inline constexpr std::size_t kSessionTokenBytes = 32;
using SessionToken = Secret<kSessionTokenBytes>;
using TotpSeedKey = Secret<32>;  // KeyFile::derive(key_purpose::kTotpSeed)

struct Account {
  std::int64_t id = 0;
  std::string login;
  Role role = Role::provider;
  std::string password_hash;
  std::vector<std::uint8_t> totp_sealed;
  std::uint64_t totp_last_step = 0;
  int failures = 0;
  int lockouts = 0;
  std::int64_t locked_until = 0;
  bool disabled = false;
};

// What a sign-in attempt changes on the account (sign_in.hpp decides it).
struct ThrottleState {
  std::uint64_t totp_last_step = 0;
  int failures = 0;
  int lockouts = 0;
  std::int64_t locked_until = 0;
};

struct NewSession {
  SessionToken token;  // for the cookie only; the database keeps its hash
  std::string csrf;    // base64url of 256 random bits
};

struct SessionView {
  std::int64_t account = 0;
  std::string login;
  Role role = Role::provider;
  std::string csrf;
};

// True when a session created at `created` and last used at `last_seen` is
// still alive at `now`.
[[nodiscard]] bool session_alive(std::int64_t created, std::int64_t last_seen, std::int64_t now);

class AccountStore {
 public:
  AccountStore(Database& db, TotpSeedKey seed_key) : db_(&db), seed_key_(std::move(seed_key)) {}

  // A new account; the login must be valid and unused (DbError otherwise).
  [[nodiscard]] Result<std::int64_t, DbError> add(std::string_view login, Role role, std::string_view password_hash,
                                                  const TotpSeed& seed, std::int64_t now);
  [[nodiscard]] Result<std::optional<Account>, DbError> find_by_login(std::string_view login);
  [[nodiscard]] Result<std::optional<Account>, DbError> find(std::int64_t id);
  [[nodiscard]] Result<std::vector<Account>, DbError> list();

  // The account's seed, or nullopt when it does not open (wrong key file,
  // or a sealed seed moved between accounts).
  [[nodiscard]] std::optional<TotpSeed> open_seed(const Account& account) const;

  [[nodiscard]] Status<DbError> save_throttle(std::int64_t id, const ThrottleState& state);
  [[nodiscard]] Status<DbError> set_password_hash(std::int64_t id, std::string_view password_hash);
  // Clears failures, lockouts and the lock.
  [[nodiscard]] Status<DbError> unlock(std::int64_t id);
  // Disabling also ends every session of the account.
  [[nodiscard]] Status<DbError> disable(std::int64_t id);
  // A new seed; the replay guard starts again at step 0.
  [[nodiscard]] Status<DbError> replace_seed(std::int64_t id, const TotpSeed& seed);

  // A fresh random token and CSRF token for the account.
  [[nodiscard]] Result<NewSession, DbError> open_session(std::int64_t account, std::int64_t now);
  // The live session the token names, touching its last-seen time; nullopt
  // for an unknown, expired (then deleted) or disabled account's session.
  [[nodiscard]] Result<std::optional<SessionView>, DbError> session(std::span<const std::uint8_t> token,
                                                                    std::int64_t now);
  [[nodiscard]] Status<DbError> end_session(std::span<const std::uint8_t> token);

 private:
  [[nodiscard]] std::vector<std::uint8_t> seal_seed(std::int64_t id, const TotpSeed& seed) const;
  [[nodiscard]] Result<std::optional<Account>, DbError> find_where(std::string_view where, std::int64_t id,
                                                                   std::string_view login);
  [[nodiscard]] Status<DbError> update(std::string_view sql, std::int64_t id);

  Database* db_;
  TotpSeedKey seed_key_;
};

}  // namespace tessera::gateway
