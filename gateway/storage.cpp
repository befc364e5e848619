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

void Storage::housekeeping(Time now, std::int64_t wall_seconds, const std::function<void(std::string_view)>& log,
                           const std::function<void(const VisitId&)>& expired) {
  if (auto ended = end_expired_visits(wall_seconds); !ended) {
    log(log_line_now(LogLevel::error, "storage_error", {{"step", "end expired visits"}, {"error", ended.error()}}));
  } else if (expired) {
    for (const auto& visit : *ended) expired(visit);
  }
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

Result<std::vector<VisitId>, std::string> Storage::end_expired_visits(std::int64_t now) {
  auto tx = Transaction::begin(db_);
  if (!tx) return tx.error().message;
  auto ended = visits_.end_expired(now);
  if (!ended) return ended.error().message;
  for (const auto& visit : *ended) {
    if (auto s = audit_.append(AuditEvent::visit_ended, kAuditGateway, audit_.visit_ref(visit), now); !s)
      return s.error().message;
  }
  if (auto s = tx->commit(); !s) return s.error().message;
  return std::move(ended).value();
}

VisitRecorder Storage::visit_recorder(std::function<std::int64_t()> wall_clock,
                                      std::function<void(std::string_view)> log) {
  return [this, clock = std::move(wall_clock), log = std::move(log)](VisitMoment moment, ProviderId owner,
                                                                      const VisitId& visit) {
    const auto failed = [&](std::string_view error) {
      log(log_line_now(LogLevel::error, "storage_error", {{"step", "record visit"}, {"error", error}}));
    };
    const auto now = clock();
    auto tx = Transaction::begin(db_);
    if (!tx) return failed(tx.error().message);
    AuditEvent event = AuditEvent::visit_admitted;
    if (moment == VisitMoment::ended_by_provider) {
      event = AuditEvent::visit_ended;
      if (auto ended = visits_.end(owner, visit, now); !ended) {
        // Ended through the API already (and audited there): nothing new.
        if (ended.error().kind == StoreError::Kind::not_found) return;
        return failed(ended.error().message);
      }
    }
    const auto actor = audit_account_ref(static_cast<std::int64_t>(owner));
    if (auto s = audit_.append(event, actor, audit_.visit_ref(visit), now); !s) return failed(s.error().message);
    if (auto s = tx->commit(); !s) failed(s.error().message);
  };
}

}  // namespace tessera::gateway
