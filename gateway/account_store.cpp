// Accounts and sessions in SQLite: see account_store.hpp.
#include "gateway/account_store.hpp"

#include <sodium.h>

#include <array>

#include "shared/base64url.hpp"

namespace tessera::gateway {
namespace {

constexpr std::string_view kAccountColumns =
    "SELECT id, login, role, password_hash, totp_sealed, totp_last_step, failures, lockouts, locked_until, "
    "disabled FROM accounts ";

using TokenHash = std::array<std::uint8_t, 32>;

TokenHash token_hash(std::span<const std::uint8_t> token) {
  TokenHash out{};
  crypto_generichash(out.data(), out.size(), token.data(), token.size(), nullptr, 0);
  return out;
}

std::array<std::uint8_t, 8> id_bytes(std::int64_t id) {
  std::array<std::uint8_t, 8> out{};
  auto v = static_cast<std::uint64_t>(id);
  for (auto& b : out) {
    b = static_cast<std::uint8_t>(v & 0xFF);
    v >>= 8;
  }
  return out;
}

Account read_account(const Statement& s) {
  Account a;
  a.id = s.int64(0);
  a.login = s.text(1);
  a.role = parse_role(s.text(2)).value_or(Role::provider);
  a.password_hash = s.text(3);
  a.totp_sealed = s.blob(4);
  a.totp_last_step = static_cast<std::uint64_t>(s.int64(5));
  a.failures = static_cast<int>(s.int64(6));
  a.lockouts = static_cast<int>(s.int64(7));
  a.locked_until = s.int64(8);
  a.disabled = s.int64(9) != 0;
  return a;
}

}  // namespace

std::string_view role_name(Role role) { return role == Role::admin ? "admin" : "provider"; }

std::optional<Role> parse_role(std::string_view text) {
  if (text == "provider") return Role::provider;
  if (text == "admin") return Role::admin;
  return std::nullopt;
}

bool login_valid(std::string_view login) {
  if (login.empty() || login.size() > kMaxLoginBytes) return false;
  for (const char c : login) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-')) return false;
  }
  return true;
}

bool session_alive(std::int64_t created, std::int64_t last_seen, std::int64_t now) {
  return now - last_seen < kSessionIdleSeconds && now - created < kSessionLifetimeSeconds;
}

std::vector<std::uint8_t> AccountStore::seal_seed(std::int64_t id, const TotpSeed& seed) const {
  std::vector<std::uint8_t> out(crypto_aead_xchacha20poly1305_ietf_NPUBBYTES + seed.size() +
                                crypto_aead_xchacha20poly1305_ietf_ABYTES);
  randombytes_buf(out.data(), crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
  const auto ad = id_bytes(id);
  crypto_aead_xchacha20poly1305_ietf_encrypt(out.data() + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES, nullptr,
                                             seed.data(), seed.size(), ad.data(), ad.size(), nullptr, out.data(),
                                             seed_key_.data());
  return out;
}

std::optional<TotpSeed> AccountStore::open_seed(const Account& account) const {
  constexpr auto kNonce = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
  if (account.totp_sealed.size() != kNonce + kTotpSeedBytes + crypto_aead_xchacha20poly1305_ietf_ABYTES) {
    return std::nullopt;
  }
  TotpSeed seed;
  const auto ad = id_bytes(account.id);
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(seed.data(), nullptr, nullptr, account.totp_sealed.data() + kNonce,
                                                 account.totp_sealed.size() - kNonce, ad.data(), ad.size(),
                                                 account.totp_sealed.data(), seed_key_.data()) != 0) {
    return std::nullopt;
  }
  return seed;
}

Result<std::int64_t, DbError> AccountStore::add(std::string_view login, Role role, std::string_view password_hash,
                                                 const TotpSeed& seed, std::int64_t now) {
  if (!login_valid(login)) return DbError{SQLITE_ERROR, "add account: the login is not 1-64 of [a-z0-9._-]"};
  auto tx = Transaction::begin(*db_);
  if (!tx) return tx.error();
  auto insert = db_->prepare(
      "INSERT INTO accounts (login, role, password_hash, totp_sealed, created) VALUES (?, ?, ?, x'', ?)");
  if (!insert) return insert.error();
  if (auto s = insert->bind(1, login).bind(2, role_name(role)).bind(3, password_hash).bind(4, now).run(); !s) {
    if (s.error().code == SQLITE_CONSTRAINT) return DbError{SQLITE_CONSTRAINT, "add account: that login exists"};
    return s.error();
  }
  const auto id = db_->last_insert_rowid();
  // The seal names the id, which exists only after the insert.
  auto seal = db_->prepare("UPDATE accounts SET totp_sealed = ? WHERE id = ?");
  if (!seal) return seal.error();
  if (auto s = seal->bind(1, seal_seed(id, seed)).bind(2, id).run(); !s) return s.error();
  if (auto s = tx->commit(); !s) return s.error();
  return id;
}

Result<std::optional<Account>, DbError> AccountStore::find_where(std::string_view where, std::int64_t id,
                                                                 std::string_view login) {
  auto q = db_->prepare(std::string(kAccountColumns) + std::string(where));
  if (!q) return q.error();
  if (login.empty()) {
    q->bind(1, id);
  } else {
    q->bind(1, login);
  }
  auto row = q->step();
  if (!row) return row.error();
  if (!*row) return std::optional<Account>{};
  return std::optional<Account>{read_account(*q)};
}

Result<std::optional<Account>, DbError> AccountStore::find_by_login(std::string_view login) {
  if (!login_valid(login)) return std::optional<Account>{};
  return find_where("WHERE login = ?", 0, login);
}

Result<std::optional<Account>, DbError> AccountStore::find(std::int64_t id) { return find_where("WHERE id = ?", id, {}); }

Result<std::vector<Account>, DbError> AccountStore::list() {
  auto q = db_->prepare(std::string(kAccountColumns) + "ORDER BY id");
  if (!q) return q.error();
  std::vector<Account> out;
  for (;;) {
    auto row = q->step();
    if (!row) return row.error();
    if (!*row) return out;
    out.push_back(read_account(*q));
  }
}

Status<DbError> AccountStore::save_throttle(std::int64_t id, const ThrottleState& state) {
  auto q = db_->prepare(
      "UPDATE accounts SET totp_last_step = ?, failures = ?, lockouts = ?, locked_until = ? WHERE id = ?");
  if (!q) return q.error();
  return q->bind(1, static_cast<std::int64_t>(state.totp_last_step))
      .bind(2, std::int64_t{state.failures})
      .bind(3, std::int64_t{state.lockouts})
      .bind(4, state.locked_until)
      .bind(5, id)
      .run();
}

Status<DbError> AccountStore::set_password_hash(std::int64_t id, std::string_view password_hash) {
  auto q = db_->prepare("UPDATE accounts SET password_hash = ? WHERE id = ?");
  if (!q) return q.error();
  return q->bind(1, password_hash).bind(2, id).run();
}

Status<DbError> AccountStore::update(std::string_view sql, std::int64_t id) {
  auto q = db_->prepare(sql);
  if (!q) return q.error();
  return q->bind(1, id).run();
}

Status<DbError> AccountStore::unlock(std::int64_t id) {
  return update("UPDATE accounts SET failures = 0, lockouts = 0, locked_until = 0 WHERE id = ?", id);
}

Status<DbError> AccountStore::disable(std::int64_t id) {
  auto tx = Transaction::begin(*db_);
  if (!tx) return tx.error();
  if (auto s = update("UPDATE accounts SET disabled = 1 WHERE id = ?", id); !s) return s;
  if (auto s = update("DELETE FROM sessions WHERE account = ?", id); !s) return s;
  return tx->commit();
}

Status<DbError> AccountStore::replace_seed(std::int64_t id, const TotpSeed& seed) {
  auto q = db_->prepare("UPDATE accounts SET totp_sealed = ?, totp_last_step = 0 WHERE id = ?");
  if (!q) return q.error();
  return q->bind(1, seal_seed(id, seed)).bind(2, id).run();
}

Result<NewSession, DbError> AccountStore::open_session(std::int64_t account, std::int64_t now) {
  NewSession out;
  randombytes_buf(out.token.data(), out.token.size());
  std::array<std::uint8_t, 32> csrf{};
  randombytes_buf(csrf.data(), csrf.size());
  out.csrf = base64url_encode(csrf);
  auto q = db_->prepare("INSERT INTO sessions (token_hash, account, csrf, created, last_seen) VALUES (?, ?, ?, ?, ?)");
  if (!q) return q.error();
  if (auto s = q->bind(1, token_hash(out.token.span())).bind(2, account).bind(3, out.csrf).bind(4, now).bind(5, now).run();
      !s) {
    return s.error();
  }
  return out;
}

Result<std::optional<SessionView>, DbError> AccountStore::session(std::span<const std::uint8_t> token,
                                                                  std::int64_t now) {
  const auto hash = token_hash(token);
  auto q = db_->prepare(
      "SELECT s.account, a.login, a.role, s.csrf, s.created, s.last_seen, a.disabled FROM sessions s "
      "JOIN accounts a ON a.id = s.account WHERE s.token_hash = ?");
  if (!q) return q.error();
  q->bind(1, hash);
  auto row = q->step();
  if (!row) return row.error();
  if (!*row) return std::optional<SessionView>{};
  SessionView view{q->int64(0), q->text(1), parse_role(q->text(2)).value_or(Role::provider), q->text(3)};
  const bool alive = session_alive(q->int64(4), q->int64(5), now) && q->int64(6) == 0;
  q.value().reset();
  if (!alive) {
    if (auto s = end_session(token); !s) return s.error();
    return std::optional<SessionView>{};
  }
  auto touch = db_->prepare("UPDATE sessions SET last_seen = ? WHERE token_hash = ?");
  if (!touch) return touch.error();
  if (auto s = touch->bind(1, now).bind(2, hash).run(); !s) return s.error();
  return std::optional<SessionView>{std::move(view)};
}

Status<DbError> AccountStore::end_session(std::span<const std::uint8_t> token) {
  auto q = db_->prepare("DELETE FROM sessions WHERE token_hash = ?");
  if (!q) return q.error();
  return q->bind(1, token_hash(token)).run();
}

}  // namespace tessera::gateway
