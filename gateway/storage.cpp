#include "gateway/storage.hpp"

namespace tessera::gateway {

Result<std::unique_ptr<Storage>, std::string> Storage::open(const std::filesystem::path& data_file,
                                                            const std::filesystem::path& key_file) {
  // The key first: a key file in the wrong place stops the start before a
  // database is created next to it.
  auto keys = KeyFile::open_or_create(key_file, data_file);
  if (!keys) return keys.error().message;
  auto db = Database::open(data_file);
  if (!db) return "--data: " + db.error().message;
  return std::unique_ptr<Storage>(new Storage(std::move(db).value(), std::move(keys).value()));
}

void Storage::housekeeping(Time now, std::int64_t wall_seconds, const std::function<void(std::string_view)>& log) {
  if (auto purged = visits_.purge_expired(wall_seconds); !purged) {
    log("storage: purging visits failed: " + purged.error().message);
  }
  if (auto purged = kiosks_.purge_expired(wall_seconds); !purged) {
    log("storage: purging enrolment codes failed: " + purged.error().message);
  }
  auto head = audit_.head();
  if (!head) return log("storage: reading the audit head failed: " + head.error().message);
  if (!head_log_.due(head->count, now)) return;
  log("audit head " + audit_head_format(*head));
  head_log_.logged(head->count, now);
}

VisitLookup Storage::visit_lookup(std::function<std::int64_t()> wall_clock) {
  return [this, clock = std::move(wall_clock)](ProviderId owner, const VisitId& visit) {
    return visits_.lookup(owner, visit, clock());
  };
}

}  // namespace tessera::gateway
