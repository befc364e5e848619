#include "gateway/audit_trail.hpp"

#include <sodium.h>

#include <algorithm>
#include <charconv>
#include <vector>

namespace tessera::gateway {
namespace {

// How far around a broken entry verify() looks for its rightful place, to
// tell "reordered" from "altered". Both are failures; this only names them.
constexpr std::int64_t kReorderWindow = 16;
constexpr std::string_view kMacDomain = "tessera-audit-v1";
constexpr std::size_t kVisitRefBytes = 8;

struct Entry {
  std::int64_t seq = 0;
  std::int64_t time = 0;
  std::string kind, actor, subject;
  AuditMac mac{};
};

void put_u64(std::vector<std::uint8_t>& out, std::uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<std::uint8_t>(v >> shift));
}

void put_text(std::vector<std::uint8_t>& out, std::string_view text) {
  put_u64(out, text.size());
  out.insert(out.end(), text.begin(), text.end());
}

// domain || prev || seq || time || kind || actor || subject, integers as
// 8-byte big-endian, texts length-prefixed: no two entries encode alike.
AuditMac entry_mac(const PurposeKey& key, const AuditMac& prev, std::int64_t seq, const Entry& e) {
  std::vector<std::uint8_t> msg(kMacDomain.begin(), kMacDomain.end());
  msg.insert(msg.end(), prev.begin(), prev.end());
  put_u64(msg, static_cast<std::uint64_t>(seq));
  put_u64(msg, static_cast<std::uint64_t>(e.time));
  put_text(msg, e.kind);
  put_text(msg, e.actor);
  put_text(msg, e.subject);
  AuditMac mac{};
  crypto_auth_hmacsha256(mac.data(), msg.data(), msg.size(), key.data());
  return mac;
}

bool mac_equal(const AuditMac& a, const AuditMac& b) { return sodium_memcmp(a.data(), b.data(), a.size()) == 0; }

Entry read_entry(const Statement& row) {
  Entry e;
  e.seq = row.int64(0);
  e.time = row.int64(1);
  e.kind = row.text(2);
  e.actor = row.text(3);
  e.subject = row.text(4);
  const auto mac = row.blob(5);
  if (mac.size() == e.mac.size()) std::copy(mac.begin(), mac.end(), e.mac.begin());
  return e;
}

constexpr std::string_view kSelectEntries = "SELECT seq, time, kind, actor, subject, mac FROM audit";

AuditVerdict bad(AuditVerdict::Problem problem, std::uint64_t entry, AuditHead head, std::string why) {
  return AuditVerdict{problem, head, entry, "entry " + std::to_string(entry) + ": " + std::move(why)};
}

}  // namespace

std::string_view audit_event_name(AuditEvent event) {
  switch (event) {
    case AuditEvent::sign_in: return "sign_in";
    case AuditEvent::sign_in_failed: return "sign_in_failed";
    case AuditEvent::locked_out: return "locked_out";
    case AuditEvent::sign_out: return "sign_out";
    case AuditEvent::visit_created: return "visit_created";
    case AuditEvent::visit_admitted: return "visit_admitted";
    case AuditEvent::visit_ended: return "visit_ended";
    case AuditEvent::kiosk_enrolled: return "kiosk_enrolled";
    case AuditEvent::kiosk_revoked: return "kiosk_revoked";
    case AuditEvent::account_created: return "account_created";
    case AuditEvent::account_changed: return "account_changed";
    case AuditEvent::kiosk_enrolment_created: return "kiosk_enrolment_created";
    case AuditEvent::visit_sent_to_kiosk: return "visit_sent_to_kiosk";
    case AuditEvent::share_created: return "share_created";
    case AuditEvent::share_opened: return "share_opened";
    case AuditEvent::share_destroyed: return "share_destroyed";
  }
  return "unknown";
}

bool audit_ref_valid(std::string_view ref) {
  if (ref.empty() || ref.size() > kMaxAuditRefChars) return false;
  return std::all_of(ref.begin(), ref.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == ':' || c == '_' || c == '-';
  });
}

std::string audit_account_ref(std::int64_t account) { return "acct:" + std::to_string(account); }
std::string audit_kiosk_ref(std::int64_t kiosk) { return "kiosk:" + std::to_string(kiosk); }
std::string audit_visit_at_kiosk_ref(std::string_view visit_ref, std::int64_t kiosk) {
  return std::string(visit_ref) + "_" + audit_kiosk_ref(kiosk);
}

std::string audit_head_format(const AuditHead& head) {
  std::array<char, 2 * sizeof(AuditMac) + 1> hex{};
  sodium_bin2hex(hex.data(), hex.size(), head.mac.data(), head.mac.size());
  return std::to_string(head.count) + ":" + hex.data();
}

std::optional<AuditHead> audit_head_parse(std::string_view text) {
  const auto colon = text.find(':');
  if (colon == std::string_view::npos || colon == 0) return std::nullopt;
  AuditHead head;
  const auto* end = text.data() + colon;
  auto [p, ec] = std::from_chars(text.data(), end, head.count);
  if (ec != std::errc() || p != end) return std::nullopt;
  const auto hex = text.substr(colon + 1);
  if (hex.size() != 2 * head.mac.size()) return std::nullopt;
  std::size_t written = 0;
  if (sodium_hex2bin(head.mac.data(), head.mac.size(), hex.data(), hex.size(), nullptr, &written, nullptr) != 0 ||
      written != head.mac.size()) {
    return std::nullopt;
  }
  return head;
}

AuditTrail::AuditTrail(Database& db, const KeyFile& keys)
    : db_(&db), mac_key_(keys.derive(key_purpose::kAudit)), pseudonym_key_(keys.derive(key_purpose::kPseudonym)) {}

std::string AuditTrail::visit_ref(const VisitId& visit) const {
  std::array<std::uint8_t, kVisitRefBytes> hash{};
  crypto_generichash(hash.data(), hash.size(), visit.data(), visit.size(), pseudonym_key_.data(), pseudonym_key_.size());
  std::array<char, 2 * kVisitRefBytes + 1> hex{};
  sodium_bin2hex(hex.data(), hex.size(), hash.data(), hash.size());
  return std::string("visit:") + hex.data();
}

std::string AuditTrail::share_ref(const VisitId& share) const {
  constexpr std::string_view kDomain{"share", 6};  // with its NUL: prefix-free
  std::array<std::uint8_t, 6 + kVisitIdBytes> message{};
  std::copy(kDomain.begin(), kDomain.end(), message.begin());
  std::copy(share.begin(), share.end(), message.begin() + kDomain.size());
  std::array<std::uint8_t, kVisitRefBytes> hash{};
  crypto_generichash(hash.data(), hash.size(), message.data(), message.size(), pseudonym_key_.data(),
                     pseudonym_key_.size());
  std::array<char, 2 * kVisitRefBytes + 1> hex{};
  sodium_bin2hex(hex.data(), hex.size(), hash.data(), hash.size());
  return std::string("share:") + hex.data();
}

Result<AuditHead, DbError> AuditTrail::head() {
  auto last = db_->prepare("SELECT seq, mac FROM audit ORDER BY seq DESC LIMIT 1");
  if (!last) return last.error();
  auto row = last->step();
  if (!row) return row.error();
  AuditHead head;
  if (!*row) return head;
  head.count = static_cast<std::uint64_t>(last->int64(0));
  const auto mac = last->blob(1);
  if (mac.size() == head.mac.size()) std::copy(mac.begin(), mac.end(), head.mac.begin());
  return head;
}

Status<DbError> AuditTrail::append(AuditEvent event, std::string_view actor, std::string_view subject,
                                   std::int64_t now) {
  if (!audit_ref_valid(actor) || !audit_ref_valid(subject)) {
    return DbError{SQLITE_MISUSE, "audit: actor and subject must be pseudonymous ids"};
  }
  auto tx = Transaction::begin(*db_);
  if (!tx) return tx.error();
  auto last = head();
  if (!last) return last.error();
  const auto seq = static_cast<std::int64_t>(last->count) + 1;
  const Entry entry{seq, now, std::string(audit_event_name(event)), std::string(actor), std::string(subject), {}};
  const auto mac = entry_mac(mac_key_, last->mac, seq, entry);
  auto insert = db_->prepare("INSERT INTO audit (seq, time, kind, actor, subject, mac) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
  if (!insert) return insert.error();
  if (auto s = insert->bind(1, seq).bind(2, now).bind(3, entry.kind).bind(4, entry.actor).bind(5, entry.subject)
                   .bind(6, mac)
                   .run();
      !s) {
    return s;
  }
  return tx->commit();
}

Result<std::vector<AuditRecord>, DbError> AuditTrail::recent(std::size_t limit, std::int64_t before) {
  auto page = db_->prepare(std::string(kSelectEntries) + " WHERE ?1 = 0 OR seq < ?1 ORDER BY seq DESC LIMIT ?2");
  if (!page) return page.error();
  page->bind(1, before).bind(2, static_cast<std::int64_t>(std::min(limit, kMaxAuditPage)));
  std::vector<AuditRecord> out;
  for (;;) {
    auto row = page->step();
    if (!row) return row.error();
    if (!*row) return out;
    auto e = read_entry(*page);
    out.push_back({e.seq, e.time, std::move(e.kind), std::move(e.actor), std::move(e.subject)});
  }
}

Result<AuditVerdict, DbError> AuditTrail::verify(const std::optional<AuditHead>& expected) {
  using Problem = AuditVerdict::Problem;
  auto all = db_->prepare(std::string(kSelectEntries) + " ORDER BY seq");
  if (!all) return all.error();
  AuditHead head;                 // of the verified prefix
  std::optional<AuditMac> at_expected;
  if (expected && expected->count == 0) at_expected = AuditMac{};
  for (;;) {
    auto row = all->step();
    if (!row) return row.error();
    if (!*row) break;
    const auto e = read_entry(*all);
    const auto want = static_cast<std::int64_t>(head.count) + 1;
    if (e.seq > want) {
      return bad(Problem::removed, static_cast<std::uint64_t>(want), head,
                 "removed (the trail jumps from " + std::to_string(want - 1) + " to " + std::to_string(e.seq) + ")");
    }
    if (e.seq != want || !mac_equal(entry_mac(mac_key_, head.mac, want, e), e.mac)) {
      // Authentic somewhere nearby, under another place in the chain?
      auto near = db_->prepare(std::string(kSelectEntries) + " WHERE seq BETWEEN ?1 AND ?2");
      if (!near) return near.error();
      near->bind(1, want - kReorderWindow).bind(2, want + kReorderWindow);
      std::vector<AuditMac> prevs{AuditMac{}};
      for (auto r = near->step(); r.ok() && *r; r = near->step()) prevs.push_back(read_entry(*near).mac);
      for (auto s = std::max<std::int64_t>(1, want - kReorderWindow); s <= want + kReorderWindow; ++s) {
        for (const auto& prev : prevs) {
          if (s == want && mac_equal(prev, head.mac)) continue;
          if (mac_equal(entry_mac(mac_key_, prev, s, e), e.mac)) {
            return bad(Problem::reordered, static_cast<std::uint64_t>(want), head,
                       "reordered (an authentic entry out of its place, written as entry " + std::to_string(s) + ")");
          }
        }
      }
      return bad(Problem::altered, static_cast<std::uint64_t>(want), head, "altered (its MAC does not verify)");
    }
    head.count = static_cast<std::uint64_t>(want);
    head.mac = e.mac;
    if (expected && expected->count == head.count) at_expected = head.mac;
  }
  if (expected) {
    if (head.count < expected->count) {
      return AuditVerdict{Problem::truncated, head, head.count + 1,
                          "truncated: " + std::to_string(head.count) + " entries, the expected head has " +
                              std::to_string(expected->count)};
    }
    if (!at_expected || !mac_equal(*at_expected, expected->mac)) {
      return bad(Problem::head_mismatch, expected->count, head,
                 "does not match the expected head (the trail was rewritten from there or before)");
    }
  }
  return AuditVerdict{Problem::none, head, 0, "intact"};
}

}  // namespace tessera::gateway
