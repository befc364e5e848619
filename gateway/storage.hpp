#pragma once
// Everything the gateway keeps at rest, opened together from --data and
// --key-file: the database, the key file, and the stores on top of them.
// main() owns one Storage and calls housekeeping() on a timer; HTTP endpoints
// (accounts, visits, kiosks) reach the stores through it.
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "gateway/audit_head_log.hpp"
#include "gateway/audit_trail.hpp"
#include "gateway/database.hpp"
#include "gateway/key_file.hpp"
#include "gateway/kiosk_inbox.hpp"
#include "gateway/kiosk_store.hpp"
#include "gateway/share_store.hpp"
#include "gateway/visit_rooms.hpp"
#include "gateway/visit_store.hpp"

namespace tessera::gateway {

// How often main() runs housekeeping().
inline constexpr Duration kHousekeepingInterval = std::chrono::minutes(1);

class Storage {
 public:
  // Opens (creating if missing) the key file, then the database. The error
  // is one line for the operator, with no key material or values.
  [[nodiscard]] static Result<std::unique_ptr<Storage>, std::string> open(const std::filesystem::path& data_file,
                                                                          const std::filesystem::path& key_file);

  Storage(const Storage&) = delete;  // the stores point at db_ and keys_
  Storage& operator=(const Storage&) = delete;

  [[nodiscard]] Database& database() { return db_; }
  [[nodiscard]] const KeyFile& keys() const { return keys_; }
  [[nodiscard]] AuditTrail& audit() { return audit_; }
  [[nodiscard]] VisitStore& visits() { return visits_; }
  [[nodiscard]] KioskStore& kiosks() { return kiosks_; }
  [[nodiscard]] KioskInbox& kiosk_inbox() { return kiosk_inbox_; }
  [[nodiscard]] ShareStore& shares() { return shares_; }

  // Ends visits whose time is up (audited as visit_ended by "gateway", and
  // handed to `expired` once committed, so their rooms close), purges old
  // visits, enrolment codes and kiosk inbox items, ends expired shares
  // (audited as share_destroyed by "gateway"; their content deleted and
  // flushed; their live rooms handed to `expired` too) and purges old ones, and writes the audit head ("audit head
  // COUNT:MAC") to `log` when AuditHeadLog says so. `now` is the timer's
  // clock, `wall_seconds` the wall clock the stores use.
  void housekeeping(Time now, std::int64_t wall_seconds, const std::function<void(std::string_view)>& log,
                    const std::function<void(const VisitId&)>& expired = {});

  // For VisitRooms: the visit store's answer at the wall clock's time; for an
  // id that is the provider's live share that may be served, a room that
  // ends with its provider's connection (ShareStore::live_open).
  [[nodiscard]] VisitLookup visit_lookup(std::function<std::int64_t()> wall_clock);
  // For VisitRooms: an admitted guest is audited (visit_admitted); a visit its
  // provider ends over signaling is ended in the store and audited
  // (visit_ended) in one transaction, unless the store had it ended already.
  // For a live share instead: an admitted opener counts an open
  // (share_opened; the last allowed one also share_destroyed by "gateway"),
  // and its room closing (the provider's connection gone, or its `end`) ends
  // the share (provider_left, share_destroyed by the provider's acct ref).
  // A storage failure is a storage_error line on `log`; the room goes on.
  [[nodiscard]] VisitRecorder visit_recorder(std::function<std::int64_t()> wall_clock,
                                             std::function<void(std::string_view)> log);

 private:
  // One transaction: the visits ended and their audit entries.
  [[nodiscard]] Result<std::vector<VisitId>, std::string> end_expired_visits(std::int64_t now);
  // One transaction: the shares ended and their audit entries.
  [[nodiscard]] Result<std::vector<ShareId>, std::string> end_expired_shares(std::int64_t now);
  // The recorder's part for live shares; false when `id` is not one.
  [[nodiscard]] bool record_share(VisitMoment moment, ProviderId owner, const ShareId& id, std::int64_t now,
                                  const std::function<void(std::string_view)>& failed);

  Storage(Database db, KeyFile keys)
      : db_(std::move(db)), keys_(std::move(keys)), audit_(db_, keys_), visits_(db_), kiosks_(db_), kiosk_inbox_(db_), shares_(db_) {}

  Database db_;
  KeyFile keys_;
  AuditTrail audit_;
  VisitStore visits_;
  KioskStore kiosks_;
  KioskInbox kiosk_inbox_;
  ShareStore shares_;
  AuditHeadLog head_log_;
};

}  // namespace tessera::gateway
