#include "gateway/kiosk_store.hpp"

#include <sodium.h>

#include "shared/text.hpp"

namespace tessera::gateway {
namespace {

using Hash = std::array<std::uint8_t, 32>;

// Codes and credentials are 128+ random bits, so a plain BLAKE2b is enough:
// nothing to brute-force, and the hash alone opens nothing.
Hash hash_of(std::span<const std::uint8_t> secret) {
  Hash h{};
  crypto_generichash(h.data(), h.size(), secret.data(), secret.size(), nullptr, 0);
  return h;
}

template <std::size_t N>
bool copy_exact(const std::vector<std::uint8_t>& from, std::array<std::uint8_t, N>& to) {
  if (from.size() != N) return false;
  std::copy(from.begin(), from.end(), to.begin());
  return true;
}

Kiosk read_kiosk(const Statement& row) {
  Kiosk k;
  k.id = row.int64(0);
  k.label = row.text(1);
  (void)copy_exact(row.blob(2), k.public_key);
  k.enrolled = row.int64(3);
  k.revoked = row.int64(4) != 0;
  if (!row.is_null(5)) k.last_seen = row.int64(5);
  return k;
}

constexpr std::string_view kKioskColumns = "SELECT id, label, public_key, enrolled, revoked, last_seen";

}  // namespace

Result<EnrolmentCode, StoreError> KioskStore::create_enrolment(std::string_view label, std::int64_t now) {
  if (label.empty() || label.size() > kMaxKioskLabelBytes || !text_is_printable_utf8(label)) {
    return refuse(StoreError::Kind::invalid, "kiosk: the label must be 1 to 64 bytes of printable text");
  }
  if (auto purged = purge_expired(now); !purged) return purged.error();
  auto tx = Transaction::begin(*db_);
  if (!tx) return store_error(tx.error());
  auto pending = db_->query_int("SELECT count(*) FROM kiosk_enrolments");
  if (!pending) return store_error(pending.error());
  if (*pending >= static_cast<std::int64_t>(kMaxPendingEnrolments)) {
    return refuse(StoreError::Kind::limit, "kiosk: too many unused enrolment codes");
  }
  auto active = db_->query_int("SELECT count(*) FROM kiosks WHERE revoked = 0");
  if (!active) return store_error(active.error());
  if (*active + *pending >= static_cast<std::int64_t>(kMaxKiosks)) {
    return refuse(StoreError::Kind::limit, "kiosk: too many kiosks");
  }
  EnrolmentCode code;
  randombytes_buf(code.data(), code.size());
  auto insert = db_->prepare("INSERT INTO kiosk_enrolments (code_hash, label, created, expires) VALUES (?1, ?2, ?3, ?4)");
  if (!insert) return store_error(insert.error());
  const auto hash = hash_of(code.span());
  if (auto s = insert->bind(1, hash).bind(2, label).bind(3, now).bind(4, now + kEnrolmentLifetimeSeconds).run(); !s) {
    return store_error(s.error());
  }
  if (auto s = tx->commit(); !s) return store_error(s.error());
  return code;
}

Result<Enrolled, StoreError> KioskStore::enrol(std::span<const std::uint8_t> code, const KioskPublicKey& key,
                                               std::int64_t now) {
  if (code.size() != kEnrolmentCodeBytes) return refuse(StoreError::Kind::invalid, "kiosk: malformed enrolment code");
  auto tx = Transaction::begin(*db_);
  if (!tx) return store_error(tx.error());
  auto select = db_->prepare("SELECT code_hash, label, expires FROM kiosk_enrolments");
  if (!select) return store_error(select.error());
  // Compare against every pending code (at most kMaxPendingEnrolments), each
  // in constant time, rather than looking the hash up in an index.
  const auto presented = hash_of(code);
  std::optional<Hash> match;
  std::string label;
  std::int64_t expires = 0;
  for (;;) {
    auto row = select->step();
    if (!row) return store_error(row.error());
    if (!*row) break;
    Hash stored{};
    if (!copy_exact(select->blob(0), stored)) continue;
    if (crypto_verify_32(stored.data(), presented.data()) == 0) {
      match = stored;
      label = select->text(1);
      expires = select->int64(2);
    }
  }
  if (!match) return refuse(StoreError::Kind::not_found, "kiosk: unknown enrolment code");
  auto consume = db_->prepare("DELETE FROM kiosk_enrolments WHERE code_hash = ?1");
  if (!consume) return store_error(consume.error());
  if (auto s = consume->bind(1, *match).run(); !s) return store_error(s.error());
  if (expires <= now) {
    // Consumed anyway: an expired code is gone either way.
    (void)tx->commit();
    return refuse(StoreError::Kind::expired, "kiosk: the enrolment code has expired");
  }
  Enrolled out;
  randombytes_buf(out.credential.data(), out.credential.size());
  auto insert = db_->prepare(
      "INSERT INTO kiosks (label, public_key, credential_hash, enrolled) VALUES (?1, ?2, ?3, ?4)");
  if (!insert) return store_error(insert.error());
  const auto credential_hash = hash_of(out.credential.span());
  if (auto s = insert->bind(1, label).bind(2, key).bind(3, credential_hash).bind(4, now).run(); !s) {
    return store_error(s.error());
  }
  out.kiosk = db_->last_insert_rowid();
  if (auto s = tx->commit(); !s) return store_error(s.error());
  return out;
}

Result<Kiosk, StoreError> KioskStore::authenticate(std::int64_t kiosk, std::span<const std::uint8_t> credential,
                                                   std::int64_t now) {
  const auto unknown = refuse(StoreError::Kind::not_found, "kiosk: unknown kiosk or wrong credential");
  if (credential.size() != kKioskCredentialBytes) return unknown;
  auto select = db_->prepare(std::string(kKioskColumns) + ", credential_hash FROM kiosks WHERE id = ?1");
  if (!select) return store_error(select.error());
  auto row = select->bind(1, kiosk).step();
  if (!row) return store_error(row.error());
  if (!*row) return unknown;
  Hash stored{};
  const auto presented = hash_of(credential);
  if (!copy_exact(select->blob(6), stored) || crypto_verify_32(stored.data(), presented.data()) != 0) return unknown;
  auto k = read_kiosk(*select);
  if (k.revoked) return refuse(StoreError::Kind::revoked, "kiosk: revoked");
  auto seen = db_->prepare("UPDATE kiosks SET last_seen = ?2 WHERE id = ?1");
  if (!seen) return store_error(seen.error());
  if (auto s = seen->bind(1, kiosk).bind(2, now).run(); !s) return store_error(s.error());
  k.last_seen = now;
  return k;
}

Status<StoreError> KioskStore::revoke(std::int64_t kiosk) {
  auto update = db_->prepare("UPDATE kiosks SET revoked = 1 WHERE id = ?1");
  if (!update) return store_error(update.error());
  if (auto s = update->bind(1, kiosk).run(); !s) return store_error(s.error());
  if (db_->changes() == 0) return refuse(StoreError::Kind::not_found, "kiosk: no such kiosk");
  return Unit{};
}

Result<std::vector<Kiosk>, StoreError> KioskStore::list() {
  auto select = db_->prepare(std::string(kKioskColumns) + " FROM kiosks ORDER BY id");
  if (!select) return store_error(select.error());
  std::vector<Kiosk> kiosks;
  for (;;) {
    auto row = select->step();
    if (!row) return store_error(row.error());
    if (!*row) return kiosks;
    kiosks.push_back(read_kiosk(*select));
  }
}

Result<std::size_t, StoreError> KioskStore::purge_expired(std::int64_t now) {
  auto remove = db_->prepare("DELETE FROM kiosk_enrolments WHERE expires <= ?1");
  if (!remove) return store_error(remove.error());
  if (auto s = remove->bind(1, now).run(); !s) return store_error(s.error());
  return static_cast<std::size_t>(db_->changes());
}

}  // namespace tessera::gateway
