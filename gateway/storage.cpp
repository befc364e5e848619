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
  if (auto ended = end_expired_shares(wall_seconds); !ended) {
    log(log_line_now(LogLevel::error, "storage_error", {{"step", "end expired shares"}, {"error", ended.error()}}));
  } else if (!ended->empty()) {
    if (auto s = shares_.flush_deleted(); !s)
      log(log_line_now(LogLevel::error, "storage_error", {{"step", "flush shares"}, {"error", s.error().message}}));
    if (expired)
      for (const auto& share : *ended) expired(share);
  }
  if (auto purged = shares_.purge_expired(wall_seconds); !purged) {
    log(log_line_now(LogLevel::error, "storage_error", {{"step", "purge shares"}, {"error", purged.error().message}}));
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
  return [this, clock = std::move(wall_clock)](ProviderId owner, const VisitId& visit) -> std::optional<RoomSettings> {
    const auto now = clock();
    if (auto settings = visits_.lookup(owner, visit, now)) return settings;
    if (const auto share = shares_.live_open(owner, visit, now))
      return RoomSettings{kDefaultPeoplePerRoom, /*ends_with_provider=*/true, share->opens_left};
    return std::nullopt;
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

Result<std::vector<ShareId>, std::string> Storage::end_expired_shares(std::int64_t now) {
  auto tx = Transaction::begin(db_);
  if (!tx) return tx.error().message;
  auto ended = shares_.end_expired(now);
  if (!ended) return ended.error().message;
  for (const auto& share : *ended) {
    if (auto s = audit_.append(AuditEvent::share_destroyed, kAuditGateway, audit_.share_ref(share), now); !s)
      return s.error().message;
  }
  if (auto s = tx->commit(); !s) return s.error().message;
  return std::move(ended).value();
}

bool Storage::record_share(VisitMoment moment, ProviderId owner, const ShareId& id, std::int64_t now,
                           const std::function<void(std::string_view)>& failed) {
  // A storage failure is reported; the moment was the share's all the same.
  const auto fail = [&](std::string_view error) {
    failed(error);
    return true;
  };
  if (moment == VisitMoment::guest_admitted) {
    auto tx = Transaction::begin(db_);
    if (!tx) return fail(tx.error().message);
    auto last = shares_.count_live_open(owner, id, now);
    if (!last) {
      if (last.error().kind == StoreError::Kind::not_found) return false;  // not a live share
      return fail(last.error().message);
    }
    const auto ref = audit_.share_ref(id);
    if (auto s = audit_.append(AuditEvent::share_opened, kAuditNobody, ref, now); !s) return fail(s.error().message);
    if (*last) {
      if (auto s = audit_.append(AuditEvent::share_destroyed, kAuditGateway, ref, now); !s)
        return fail(s.error().message);
    }
    if (auto s = tx->commit(); !s) return fail(s.error().message);
    return true;
  }
  // The room is gone (or its provider ended it): the content left with the tab.
  auto tx = Transaction::begin(db_);
  if (!tx) return fail(tx.error().message);
  if (auto ended = shares_.end_live(owner, id, now); !ended) {
    if (ended.error().kind == StoreError::Kind::not_found) return false;  // a visit, or a share ended already
    return fail(ended.error().message);
  }
  const auto actor = audit_account_ref(static_cast<std::int64_t>(owner));
  if (auto s = audit_.append(AuditEvent::share_destroyed, actor, audit_.share_ref(id), now); !s)
    return fail(s.error().message);
  if (auto s = tx->commit(); !s) return fail(s.error().message);
  return true;
}

VisitRecorder Storage::visit_recorder(std::function<std::int64_t()> wall_clock,
                                      std::function<void(std::string_view)> log) {
  return [this, clock = std::move(wall_clock), log = std::move(log)](VisitMoment moment, ProviderId owner,
                                                                      const VisitId& visit) {
    const auto failed = [&](std::string_view error) {
      log(log_line_now(LogLevel::error, "storage_error", {{"step", "record visit"}, {"error", error}}));
    };
    const auto now = clock();
    if (moment == VisitMoment::room_closed) {
      // Visits end by their provider, the API or their expiry, not here; a live share ends with its room.
      (void)record_share(moment, owner, visit, now, failed);
      return;
    }
    if (record_share(moment, owner, visit, now, failed)) return;
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
