// Each kiosk's inbox: see kiosk_inbox.hpp.
#include "gateway/kiosk_inbox.hpp"

#include <algorithm>

namespace tessera::gateway {
Result<std::int64_t, StoreError> KioskInbox::put(ProviderId owner, std::int64_t kiosk, const VisitId& visit,
                                                 std::span<const std::uint8_t> sealed, std::int64_t now) {
  if (sealed.size() < kMinKioskSealedBytes || sealed.size() > kMaxKioskSealedBytes) {
    return refuse(StoreError::Kind::invalid, "kiosk inbox: sealed must be 49 to 560 bytes");
  }
  auto tx = Transaction::begin(*db_);
  if (!tx) return store_error(tx.error());
  auto held = db_->prepare("SELECT count(*) FROM kiosk_inbox WHERE kiosk = ?1 AND visit != ?2");
  if (!held) return store_error(held.error());
  auto row = held->bind(1, kiosk).bind(2, visit).step();
  if (!row) return store_error(row.error());
  if (*row && held->int64(0) >= static_cast<std::int64_t>(kMaxKioskInboxItems)) {
    return refuse(StoreError::Kind::limit, "kiosk inbox: full");
  }
  // One statement checks both: the kiosk is enrolled and not revoked, the
  // visit is this owner's and open. Anything else inserts nothing.
  auto insert = db_->prepare(
      "INSERT OR REPLACE INTO kiosk_inbox (kiosk, visit, sealed, sent, expires) "
      "SELECT k.id, v.id, ?3, ?5, v.expires FROM kiosks k, visits v "
      "WHERE k.id = ?1 AND k.revoked = 0 AND v.id = ?2 AND v.owner = ?4 AND v.ended IS NULL AND v.expires > ?5");
  if (!insert) return store_error(insert.error());
  if (auto s = insert->bind(1, kiosk)
                   .bind(2, visit)
                   .bind(3, sealed)
                   .bind(4, static_cast<std::int64_t>(owner))
                   .bind(5, now)
                   .run();
      !s) {
    return store_error(s.error());
  }
  if (db_->changes() == 0) return refuse(StoreError::Kind::not_found, "kiosk inbox: no such kiosk or visit");
  auto expiry = db_->prepare("SELECT expires FROM kiosk_inbox WHERE kiosk = ?1 AND visit = ?2");
  if (!expiry) return store_error(expiry.error());
  auto found = expiry->bind(1, kiosk).bind(2, visit).step();
  if (!found) return store_error(found.error());
  const auto expires = *found ? expiry->int64(0) : 0;
  if (auto s = tx->commit(); !s) return store_error(s.error());
  return expires;
}

Result<std::vector<KioskInboxItem>, StoreError> KioskInbox::take(std::int64_t kiosk, std::int64_t now) {
  auto tx = Transaction::begin(*db_);
  if (!tx) return store_error(tx.error());
  auto select =
      db_->prepare("SELECT visit, sealed, expires FROM kiosk_inbox WHERE kiosk = ?1 AND expires > ?2 ORDER BY sent, visit");
  if (!select) return store_error(select.error());
  select->bind(1, kiosk).bind(2, now);
  std::vector<KioskInboxItem> items;
  for (;;) {
    auto row = select->step();
    if (!row) return store_error(row.error());
    if (!*row) break;
    KioskInboxItem item;
    const auto visit = select->blob(0);
    if (visit.size() != item.visit.size()) continue;
    std::copy(visit.begin(), visit.end(), item.visit.begin());
    item.sealed = select->blob(1);
    item.expires = select->int64(2);
    items.push_back(std::move(item));
  }
  auto remove = db_->prepare("DELETE FROM kiosk_inbox WHERE kiosk = ?1");
  if (!remove) return store_error(remove.error());
  if (auto s = remove->bind(1, kiosk).run(); !s) return store_error(s.error());
  if (auto s = tx->commit(); !s) return store_error(s.error());
  return items;
}

Result<std::size_t, StoreError> KioskInbox::count(std::int64_t kiosk) {
  auto select = db_->prepare("SELECT count(*) FROM kiosk_inbox WHERE kiosk = ?1");
  if (!select) return store_error(select.error());
  auto row = select->bind(1, kiosk).step();
  if (!row) return store_error(row.error());
  return static_cast<std::size_t>(*row ? select->int64(0) : 0);
}

Result<std::size_t, StoreError> KioskInbox::purge_expired(std::int64_t now) {
  auto remove = db_->prepare("DELETE FROM kiosk_inbox WHERE expires <= ?1");
  if (!remove) return store_error(remove.error());
  if (auto s = remove->bind(1, now).run(); !s) return store_error(s.error());
  return static_cast<std::size_t>(db_->changes());
}

}  // namespace tessera::gateway
