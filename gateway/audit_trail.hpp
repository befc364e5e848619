#pragma once
// The audit trail: an append-only table of who did what to which, with
// pseudonymous ids only ("acct:7", "kiosk:3", "visit:<keyed hash>"), never
// content, names or secrets. Each entry carries
//   mac = HMAC-SHA-256(audit key, previous mac || canonical entry)
// (the first entry's previous mac is 32 zero bytes), so altering, removing or
// reordering entries breaks the chain for anyone holding the key file. A cut
// at the end leaves a valid shorter chain: that is caught against a head
// (count, mac) the gateway wrote to its log earlier (AuditHeadLog).
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/database.hpp"
#include "gateway/key_file.hpp"
#include "shared/protocol.hpp"

namespace tessera::gateway {

// Stored by name, so adding kinds never renumbers old entries. Append only.
enum class AuditEvent {
  sign_in,
  sign_in_failed,
  locked_out,
  sign_out,
  visit_created,
  visit_admitted,
  visit_ended,
  kiosk_enrolled,
  kiosk_revoked,
  account_created,
  account_changed,
  kiosk_enrolment_created,  // an admin made a one-time code (subject "-": no kiosk yet)
  visit_sent_to_kiosk,      // subject audit_visit_at_kiosk_ref()
  share_created,            // subject share_ref(); actor the provider
  share_opened,             // actor "-" (whoever has the link), subject share_ref()
  share_destroyed,          // by its provider, or "gateway" (used up, expired, provider gone)
};
[[nodiscard]] std::string_view audit_event_name(AuditEvent event);

// Actor and subject ids: 1 to kMaxAuditRefChars of [a-z0-9:_-]; anything
// else (a name, free text) is refused by append().
inline constexpr std::size_t kMaxAuditRefChars = 48;
inline constexpr std::string_view kAuditNobody = "-";          // no actor or subject
inline constexpr std::string_view kAuditGateway = "gateway";   // the gateway itself
inline constexpr std::string_view kAuditUnknown = "unknown";   // e.g. a failed sign-in for no known account
[[nodiscard]] bool audit_ref_valid(std::string_view ref);
[[nodiscard]] std::string audit_account_ref(std::int64_t account);  // "acct:7"
[[nodiscard]] std::string audit_kiosk_ref(std::int64_t kiosk);      // "kiosk:3"
// A visit sent to a kiosk, as one subject: "<visit ref>_kiosk:3"
// ("visit:" + 16 hex, then the kiosk ref; at most 48 characters).
[[nodiscard]] std::string audit_visit_at_kiosk_ref(std::string_view visit_ref, std::int64_t kiosk);

using AuditMac = std::array<std::uint8_t, 32>;

struct AuditHead {
  std::uint64_t count = 0;
  AuditMac mac{};  // zeros for an empty trail
  bool operator==(const AuditHead&) const = default;
};
[[nodiscard]] std::string audit_head_format(const AuditHead& head);  // "COUNT:64 lowercase hex"
[[nodiscard]] std::optional<AuditHead> audit_head_parse(std::string_view text);

struct AuditVerdict {
  enum class Problem { none, altered, removed, reordered, truncated, head_mismatch };
  Problem problem = Problem::none;
  AuditHead head;              // of the trail as read
  std::uint64_t entry = 0;     // the first bad entry's sequence number
  std::string explanation;     // one line, no entry content
  [[nodiscard]] bool intact() const { return problem == Problem::none; }
};

// One entry as an administrator reads it (GET /api/admin/audit).
struct AuditRecord {
  std::int64_t seq = 0;
  std::int64_t time = 0;  // wall-clock seconds
  std::string kind;       // audit_event_name()
  std::string actor;
  std::string subject;
};
// The most entries one read returns.
inline constexpr std::size_t kMaxAuditPage = 200;

class AuditTrail {
 public:
  AuditTrail(Database& db, const KeyFile& keys);

  // Appends one entry at wall-clock second `now`, in its own transaction, or
  // as part of the caller's if one is open (so it commits with what it records).
  [[nodiscard]] Status<DbError> append(AuditEvent event, std::string_view actor, std::string_view subject,
                                       std::int64_t now);
  [[nodiscard]] Result<AuditHead, DbError> head();
  // Up to `limit` (at most kMaxAuditPage) entries before seq `before` (0:
  // from the newest), newest first. Reading does not check the chain: verify() does.
  [[nodiscard]] Result<std::vector<AuditRecord>, DbError> recent(std::size_t limit, std::int64_t before);
  // "visit:" + 16 hex of a keyed BLAKE2b of the id: the same visit always
  // maps to the same ref, and the ref does not reveal the id.
  [[nodiscard]] std::string visit_ref(const VisitId& visit) const;
  // "share:" + 16 hex, the same construction over a share id (domain-separated,
  // so a share and a visit with equal bytes do not share a ref).
  [[nodiscard]] std::string share_ref(const VisitId& share) const;

  // Walks the whole chain; with `expected`, also checks that the trail still
  // holds that head (catching a cut at the end).
  [[nodiscard]] Result<AuditVerdict, DbError> verify(const std::optional<AuditHead>& expected);

 private:
  Database* db_;
  PurposeKey mac_key_;
  PurposeKey pseudonym_key_;
};

}  // namespace tessera::gateway
