#include "gateway/visit_store.hpp"

namespace tessera::gateway {
namespace {

std::int64_t owner_value(ProviderId owner) { return static_cast<std::int64_t>(owner); }

}  // namespace

Status<StoreError> VisitStore::create(ProviderId owner, const NewVisit& visit, std::int64_t now) {
  if (visit.expires <= now || visit.expires - now > kMaxVisitLifetimeSeconds) {
    return refuse(StoreError::Kind::invalid, "visit: expiry must be within 24 hours from now");
  }
  if (visit.people < 2 || visit.people > kMaxPeoplePerRoom) {
    return refuse(StoreError::Kind::invalid, "visit: people per room must be 2 to " + std::to_string(kMaxPeoplePerRoom));
  }
  auto tx = Transaction::begin(*db_);
  if (!tx) return store_error(tx.error());
  auto count = db_->prepare("SELECT count(*) FROM visits WHERE owner = ?1 AND ended IS NULL AND expires > ?2");
  if (!count) return store_error(count.error());
  auto row = count->bind(1, owner_value(owner)).bind(2, now).step();
  if (!row) return store_error(row.error());
  if (count->int64(0) >= static_cast<std::int64_t>(kMaxVisitsPerProvider)) {
    return refuse(StoreError::Kind::limit, "visit: too many open visits (" + std::to_string(kMaxVisitsPerProvider) + ")");
  }
  auto insert = db_->prepare("INSERT INTO visits (id, owner, created, expires, people) VALUES (?1, ?2, ?3, ?4, ?5)");
  if (!insert) return store_error(insert.error());
  auto done = insert->bind(1, visit.id)
                  .bind(2, owner_value(owner))
                  .bind(3, now)
                  .bind(4, visit.expires)
                  .bind(5, static_cast<std::int64_t>(visit.people))
                  .run();
  if (!done) {
    if (done.error().code == SQLITE_CONSTRAINT) return refuse(StoreError::Kind::duplicate, "visit: the id is taken");
    return store_error(done.error());
  }
  if (auto s = tx->commit(); !s) return store_error(s.error());
  return Unit{};
}

Result<std::vector<Visit>, StoreError> VisitStore::list(ProviderId owner) {
  auto select = db_->prepare(
      "SELECT id, created, expires, ended, people FROM visits WHERE owner = ?1 ORDER BY created DESC, id");
  if (!select) return store_error(select.error());
  select->bind(1, owner_value(owner));
  std::vector<Visit> visits;
  for (;;) {
    auto row = select->step();
    if (!row) return store_error(row.error());
    if (!*row) return visits;
    Visit v;
    const auto id = select->blob(0);
    if (id.size() != v.id.size()) continue;  // the schema's CHECK makes this impossible
    std::copy(id.begin(), id.end(), v.id.begin());
    v.owner = owner;
    v.created = select->int64(1);
    v.expires = select->int64(2);
    v.state = select->is_null(3) ? VisitState::open : VisitState::ended;
    v.people = static_cast<std::size_t>(select->int64(4));
    visits.push_back(v);
  }
}

Status<StoreError> VisitStore::end(ProviderId owner, const VisitId& id, std::int64_t now) {
  auto update = db_->prepare("UPDATE visits SET ended = ?3 WHERE id = ?1 AND owner = ?2 AND ended IS NULL");
  if (!update) return store_error(update.error());
  if (auto s = update->bind(1, id).bind(2, owner_value(owner)).bind(3, now).run(); !s) return store_error(s.error());
  if (db_->changes() == 0) return refuse(StoreError::Kind::not_found, "visit: no such open visit");
  return Unit{};
}

std::optional<RoomSettings> VisitStore::lookup(ProviderId owner, const VisitId& id, std::int64_t now) {
  auto select = db_->prepare("SELECT people FROM visits WHERE id = ?1 AND owner = ?2 AND ended IS NULL AND expires > ?3");
  if (!select) return std::nullopt;
  auto row = select->bind(1, id).bind(2, owner_value(owner)).bind(3, now).step();
  if (!row || !*row) return std::nullopt;
  return RoomSettings{static_cast<std::size_t>(select->int64(0))};
}

Result<std::vector<VisitId>, StoreError> VisitStore::end_expired(std::int64_t now) {
  auto select = db_->prepare("SELECT id FROM visits WHERE ended IS NULL AND expires <= ?1");
  if (!select) return store_error(select.error());
  select->bind(1, now);
  std::vector<VisitId> ids;
  for (;;) {
    auto row = select->step();
    if (!row) return store_error(row.error());
    if (!*row) break;
    const auto id = select->blob(0);
    VisitId v{};
    if (id.size() != v.size()) continue;  // the schema's CHECK makes this impossible
    std::copy(id.begin(), id.end(), v.begin());
    ids.push_back(v);
  }
  auto update = db_->prepare("UPDATE visits SET ended = expires WHERE ended IS NULL AND expires <= ?1");
  if (!update) return store_error(update.error());
  if (auto s = update->bind(1, now).run(); !s) return store_error(s.error());
  return ids;
}

Result<std::size_t, StoreError> VisitStore::purge_expired(std::int64_t now) {
  auto remove = db_->prepare("DELETE FROM visits WHERE coalesce(min(ended, expires), expires) <= ?1");
  if (!remove) return store_error(remove.error());
  if (auto s = remove->bind(1, now - kVisitRetentionSeconds).run(); !s) return store_error(s.error());
  return static_cast<std::size_t>(db_->changes());
}

}  // namespace tessera::gateway
