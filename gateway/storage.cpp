#include "gateway/storage.hpp"

#include "gateway/log_line.hpp"

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
    log(log_line_now(LogLevel::error, "storage_error", {{"step", "purge visits"}, {"error", purged.error().message}}));
  }
  if (auto purged = kiosks_.purge_expired(wall_seconds); !purged) {
    log(log_line_now(LogLevel::error, "storage_error",
                     {{"step", "purge enrolment codes"}, {"error", purged.error().message}}));
  }
  if (auto purged = kiosk_inbox_.purge_expired(wall_seconds); !purged) {
    log(log_line_now(LogLevel::error, "storage_error",
                     {{"step", "purge kiosk inbox"}, {"error", purged.error().message}}));
  }
  auto head = audit_.head();
  if (!head) {
    return log(log_line_now(LogLevel::error, "storage_error", {{"step", "read audit head"}, {"error", head.error().message}}));
  }
  if (!head_log_.due(head->count, now)) return;
  // `tessera-gateway audit verify --expect-head` takes this value.
  log(log_line_now(LogLevel::info, "audit_head", {{"head", audit_head_format(*head)}}));
  head_log_.logged(head->count, now);
}

VisitLookup Storage::visit_lookup(std::function<std::int64_t()> wall_clock) {
  return [this, clock = std::move(wall_clock)](ProviderId owner, const VisitId& visit) {
    return visits_.lookup(owner, visit, clock());
  };
}

}  // namespace tessera::gateway
