#pragma once
// Visits as the gateway keeps them: the id the provider's browser chose (16
// random bytes), the owner account, created/expires times, open or ended,
// and the people-per-room setting. Nothing about the patient: no name, no
// link secret, no content. Times are wall-clock seconds passed in by the
// caller; nothing here reads a clock.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "gateway/database.hpp"
#include "gateway/signaling_types.hpp"
#include "gateway/store_error.hpp"
#include "shared/protocol.hpp"

namespace tessera::gateway {

// Open, unexpired visits one provider may hold at once.
inline constexpr std::size_t kMaxVisitsPerProvider = 50;
// The longest a visit may be scheduled to stay open.
inline constexpr std::int64_t kMaxVisitLifetimeSeconds = 24 * 60 * 60;
// How long an ended or expired visit stays listed (for the provider's own
// view) before purge_expired() deletes it.
inline constexpr std::int64_t kVisitRetentionSeconds = 24 * 60 * 60;

enum class VisitState { open, ended };

struct Visit {
  VisitId id{};
  ProviderId owner{};
  std::int64_t created = 0;
  std::int64_t expires = 0;
  VisitState state = VisitState::open;
  std::size_t people = kDefaultPeoplePerRoom;
};

struct NewVisit {
  VisitId id{};
  std::int64_t expires = 0;                    // after now, at most kMaxVisitLifetimeSeconds ahead
  std::size_t people = kDefaultPeoplePerRoom;  // provider included: 2 to kMaxPeoplePerRoom
};

class VisitStore {
 public:
  explicit VisitStore(Database& db) : db_(&db) {}

  [[nodiscard]] Status<StoreError> create(ProviderId owner, const NewVisit& visit, std::int64_t now);
  // The owner's visits, newest first; nobody else's.
  [[nodiscard]] Result<std::vector<Visit>, StoreError> list(ProviderId owner);
  // Ends an open visit of this owner. Another owner's visit, or an unknown
  // one, is not_found (the same answer, so ids cannot be probed).
  [[nodiscard]] Status<StoreError> end(ProviderId owner, const VisitId& id, std::int64_t now);
  // For VisitRooms' VisitLookup: the settings of the owner's open, unexpired
  // visit; nullopt otherwise, and also when the database fails (closed).
  [[nodiscard]] std::optional<RoomSettings> lookup(ProviderId owner, const VisitId& id, std::int64_t now);
  // Ends every open visit whose time is up (ended = its expiry) and returns
  // their ids, so their rooms can be closed too.
  [[nodiscard]] Result<std::vector<VisitId>, StoreError> end_expired(std::int64_t now);
  // Deletes visits ended or expired more than kVisitRetentionSeconds ago;
  // returns how many.
  [[nodiscard]] Result<std::size_t, StoreError> purge_expired(std::int64_t now);

 private:
  Database* db_;
};

}  // namespace tessera::gateway
