#include "gateway/share_store.hpp"

#include <sodium.h>

#include <algorithm>

namespace tessera::gateway {
namespace {

std::int64_t owner_value(ProviderId owner) { return static_cast<std::int64_t>(owner); }

std::optional<ShareEnd> end_from_name(std::string_view name) {
  for (const auto e : {ShareEnd::destroyed, ShareEnd::used_up, ShareEnd::expired, ShareEnd::provider_left})
    if (share_end_name(e) == name) return e;
  return std::nullopt;
}

bool copy_id(const std::vector<std::uint8_t>& blob, ShareId& id) {
  if (blob.size() != id.size()) return false;  // the schema's CHECK makes this impossible
  std::copy(blob.begin(), blob.end(), id.begin());
  return true;
}

}  // namespace

std::string_view share_mode_name(ShareMode mode) { return mode == ShareMode::live ? "live" : "parked"; }

std::string_view share_end_name(ShareEnd end) {
  switch (end) {
    case ShareEnd::destroyed: return "destroyed";
    case ShareEnd::used_up: return "used_up";
    case ShareEnd::expired: return "expired";
    case ShareEnd::provider_left: return "provider_left";
  }
  return "destroyed";
}

Status<StoreError> ShareStore::create(ProviderId owner, const NewShare& share, std::int64_t now) {
  const auto lifetime = share.expires - now;
  if (lifetime < kMinShareLifetimeSeconds || lifetime > kMaxShareLifetimeSeconds)
    return refuse(StoreError::Kind::invalid, "share: lifetime must be 15 minutes to 7 days");
  if (share.max_opens < 0 || share.max_opens > kMaxShareOpens)
    return refuse(StoreError::Kind::invalid, "share: opens must be 0 (unlimited) to " + std::to_string(kMaxShareOpens));
  if (share.mode == ShareMode::live && !share.sealed.empty())
    return refuse(StoreError::Kind::invalid, "share: a live share stores no content");
  if (share.mode == ShareMode::parked &&
      (share.sealed.size() < kShareSealedMinBytes || share.sealed.size() > kMaxParkedShareBytes))
    return refuse(StoreError::Kind::invalid, "share: sealed content out of bounds");

  auto tx = Transaction::begin(*db_);
  if (!tx) return store_error(tx.error());
  auto count = db_->prepare("SELECT count(*) FROM shares WHERE owner = ?1 AND ended IS NULL AND expires > ?2");
  if (!count) return store_error(count.error());
  if (auto row = count->bind(1, owner_value(owner)).bind(2, now).step(); !row) return store_error(row.error());
  if (count->int64(0) >= static_cast<std::int64_t>(kMaxSharesPerProvider))
    return refuse(StoreError::Kind::limit, "share: too many shares (" + std::to_string(kMaxSharesPerProvider) + ")");
  auto insert = db_->prepare(
      "INSERT INTO shares (id, owner, mode, created, expires, max_opens, sealed, verifier) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
  if (!insert) return store_error(insert.error());
  insert->bind(1, share.id).bind(2, owner_value(owner)).bind(3, share_mode_name(share.mode)).bind(4, now)
      .bind(5, share.expires).bind(6, share.max_opens).bind(8, share.verifier);
  if (share.mode == ShareMode::parked) {
    insert->bind(7, share.sealed);
  } else {
    insert->bind_null(7);
  }
  if (auto done = insert->run(); !done) {
    if (done.error().code == SQLITE_CONSTRAINT) return refuse(StoreError::Kind::duplicate, "share: the id is taken");
    return store_error(done.error());
  }
  if (auto s = tx->commit(); !s) return store_error(s.error());
  return Unit{};
}

Result<std::vector<Share>, StoreError> ShareStore::list(ProviderId owner, std::int64_t now) {
  auto select = db_->prepare(
      "SELECT id, mode, created, expires, max_opens, opens, end_reason FROM shares WHERE owner = ?1 "
      "ORDER BY created DESC, id");
  if (!select) return store_error(select.error());
  select->bind(1, owner_value(owner));
  std::vector<Share> shares;
  for (;;) {
    auto row = select->step();
    if (!row) return store_error(row.error());
    if (!*row) return shares;
    Share s;
    if (!copy_id(select->blob(0), s.id)) continue;
    s.mode = select->text(1) == "parked" ? ShareMode::parked : ShareMode::live;
    s.created = select->int64(2);
    s.expires = select->int64(3);
    s.max_opens = select->int64(4);
    s.opens = select->int64(5);
    if (!select->is_null(6)) {
      s.ended = end_from_name(select->text(6));
    } else if (s.expires <= now) {
      s.ended = ShareEnd::expired;  // housekeeping has not swept it yet
    }
    shares.push_back(s);
  }
}

Status<StoreError> ShareStore::end(const ShareId& id, ShareEnd why, std::int64_t now) {
  auto update = db_->prepare(
      "UPDATE shares SET ended = ?2, end_reason = ?3, sealed = NULL WHERE id = ?1 AND ended IS NULL");
  if (!update) return store_error(update.error());
  if (auto s = update->bind(1, id).bind(2, now).bind(3, share_end_name(why)).run(); !s) return store_error(s.error());
  if (db_->changes() == 0) return refuse(StoreError::Kind::not_found, "share: no such open share");
  return Unit{};
}

Status<StoreError> ShareStore::destroy(ProviderId owner, const ShareId& id, std::int64_t now) {
  auto tx = Transaction::begin(*db_);
  if (!tx) return store_error(tx.error());
  auto select = db_->prepare("SELECT 1 FROM shares WHERE id = ?1 AND owner = ?2 AND ended IS NULL");
  if (!select) return store_error(select.error());
  auto row = select->bind(1, id).bind(2, owner_value(owner)).step();
  if (!row) return store_error(row.error());
  if (!*row) return refuse(StoreError::Kind::not_found, "share: no such open share");
  if (auto s = end(id, ShareEnd::destroyed, now); !s) return s;
  if (auto s = tx->commit(); !s) return store_error(s.error());
  return Unit{};
}

Result<OpenedShare, ShareRefusal> ShareStore::open(const ShareId& id, std::span<const std::uint8_t, kHashBytes> proof,
                                                   std::int64_t now) {
  auto tx = Transaction::begin(*db_);
  if (!tx) return ShareRefusal::database;
  auto select = db_->prepare(
      "SELECT owner, mode, expires, max_opens, opens, opens_window, opens_in_window, end_reason, sealed, verifier "
      "FROM shares WHERE id = ?1");
  if (!select) return ShareRefusal::database;
  auto row = select->bind(1, id).step();
  if (!row) return ShareRefusal::database;
  if (!*row) return ShareRefusal::unknown;
  const auto verifier = select->blob(9);
  const Hash presented = share_open_verifier(proof);
  if (verifier.size() != presented.size() || sodium_memcmp(verifier.data(), presented.data(), presented.size()) != 0)
    return ShareRefusal::wrong_link;
  OpenedShare out;
  out.id = id;
  out.owner = ProviderId{static_cast<std::uint64_t>(select->int64(0))};
  out.mode = select->text(1) == "parked" ? ShareMode::parked : ShareMode::live;
  const auto expires = select->int64(2);
  const auto max_opens = select->int64(3);
  const auto opens = select->int64(4);
  const auto window = now / 60;
  const auto in_window = select->int64(5) == window ? select->int64(6) : 0;
  if (!select->is_null(7)) {
    const auto why = end_from_name(select->text(7));
    if (why == ShareEnd::used_up) return ShareRefusal::used_up;
    if (why == ShareEnd::expired) return ShareRefusal::expired;
    return ShareRefusal::destroyed;  // destroyed, or a live share whose provider left
  }
  if (expires <= now) return ShareRefusal::expired;
  if (max_opens != 0 && opens >= max_opens) return ShareRefusal::used_up;  // a live share mid-admission
  if (in_window >= kMaxShareOpensPerMinute) return ShareRefusal::too_many_opens;
  if (out.mode == ShareMode::parked) out.sealed = select->blob(8);

  const bool counts = out.mode == ShareMode::parked;
  auto update = db_->prepare(
      "UPDATE shares SET opens = opens + ?2, opens_window = ?3, opens_in_window = ?4 WHERE id = ?1");
  if (!update) return ShareRefusal::database;
  if (!update->bind(1, id).bind(2, std::int64_t{counts ? 1 : 0}).bind(3, window).bind(4, in_window + 1).run())
    return ShareRefusal::database;
  if (counts && max_opens != 0 && opens + 1 >= max_opens) {
    if (!end(id, ShareEnd::used_up, now)) return ShareRefusal::database;
    out.ended_now = true;
  }
  if (!tx->commit()) return ShareRefusal::database;
  return out;
}

std::optional<ShareStore::LiveShareRoom> ShareStore::live_open(ProviderId owner, const ShareId& id,
                                                              std::int64_t now) {
  auto select = db_->prepare(
      "SELECT max_opens, opens FROM shares WHERE id = ?1 AND owner = ?2 AND mode = 'live' AND ended IS NULL "
      "AND expires > ?3 AND (max_opens = 0 OR opens < max_opens)");
  if (!select) return std::nullopt;
  auto row = select->bind(1, id).bind(2, owner_value(owner)).bind(3, now).step();
  if (!row || !*row) return std::nullopt;
  LiveShareRoom room;
  if (const auto max_opens = select->int64(0); max_opens > 0)
    room.opens_left = static_cast<std::size_t>(max_opens - select->int64(1));
  return room;
}

Result<bool, StoreError> ShareStore::count_live_open(ProviderId owner, const ShareId& id, std::int64_t now) {
  auto tx = Transaction::begin(*db_);
  if (!tx) return store_error(tx.error());
  auto update = db_->prepare(
      "UPDATE shares SET opens = opens + 1 WHERE id = ?1 AND owner = ?2 AND mode = 'live' AND ended IS NULL "
      "AND expires > ?3 AND (max_opens = 0 OR opens < max_opens) RETURNING opens, max_opens");
  if (!update) return store_error(update.error());
  auto row = update->bind(1, id).bind(2, owner_value(owner)).bind(3, now).step();
  if (!row) return store_error(row.error());
  if (!*row) return refuse(StoreError::Kind::not_found, "share: no such open live share");
  const bool last = update->int64(1) != 0 && update->int64(0) >= update->int64(1);
  update->reset();
  if (last) {
    if (auto s = end(id, ShareEnd::used_up, now); !s) return s.error();
  }
  if (auto s = tx->commit(); !s) return store_error(s.error());
  return last;
}

Status<StoreError> ShareStore::end_live(ProviderId owner, const ShareId& id, std::int64_t now) {
  auto update = db_->prepare(
      "UPDATE shares SET ended = ?3, end_reason = 'provider_left' WHERE id = ?1 AND owner = ?2 AND mode = 'live' "
      "AND ended IS NULL");
  if (!update) return store_error(update.error());
  if (auto s = update->bind(1, id).bind(2, owner_value(owner)).bind(3, now).run(); !s) return store_error(s.error());
  if (db_->changes() == 0) return refuse(StoreError::Kind::not_found, "share: no such open live share");
  return Unit{};
}

Result<std::vector<ShareId>, StoreError> ShareStore::end_expired(std::int64_t now) {
  auto select = db_->prepare("SELECT id FROM shares WHERE ended IS NULL AND expires <= ?1");
  if (!select) return store_error(select.error());
  select->bind(1, now);
  std::vector<ShareId> ids;
  for (;;) {
    auto row = select->step();
    if (!row) return store_error(row.error());
    if (!*row) break;
    ShareId id{};
    if (copy_id(select->blob(0), id)) ids.push_back(id);
  }
  auto update = db_->prepare(
      "UPDATE shares SET ended = expires, end_reason = 'expired', sealed = NULL WHERE ended IS NULL AND expires <= ?1");
  if (!update) return store_error(update.error());
  if (auto s = update->bind(1, now).run(); !s) return store_error(s.error());
  return ids;
}

Result<std::size_t, StoreError> ShareStore::purge_expired(std::int64_t now) {
  auto remove = db_->prepare("DELETE FROM shares WHERE ended IS NOT NULL AND ended <= ?1");
  if (!remove) return store_error(remove.error());
  if (auto s = remove->bind(1, now - kShareRetentionSeconds).run(); !s) return store_error(s.error());
  return static_cast<std::size_t>(db_->changes());
}

Status<StoreError> ShareStore::flush_deleted() {
  if (db_->in_transaction()) return refuse(StoreError::Kind::invalid, "share: flush outside a transaction only");
  if (auto s = db_->exec("PRAGMA wal_checkpoint(TRUNCATE)"); !s) return store_error(s.error());
  return Unit{};
}

}  // namespace tessera::gateway
