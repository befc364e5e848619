// The audit trail's MAC chain on real SQLite files: an honest trail
// verifies; each kind of tampering done with raw SQL (as someone holding a
// copy of the file but not the key file would) is caught and named.
#include "gateway/audit_trail.hpp"

#include <sqlite3.h>

#include <catch2/catch.hpp>
#include <sstream>

#include "gateway/audit_command.hpp"
#include "gateway/audit_head_log.hpp"
#include "gateway/schema.hpp"
#include "tests/gateway/temp_dir.hpp"

using namespace tessera::gateway;
using tessera::gateway::test::TempDir;
using Problem = AuditVerdict::Problem;
namespace fs = std::filesystem;

namespace {

constexpr std::int64_t kT0 = 1'790'000'000;

struct Fixture {
  TempDir dir;
  fs::path data = dir / "data/tessera.db";
  fs::path key = dir / "keys/tessera.key";
  std::optional<Database> db;
  std::optional<KeyFile> keys;
  std::optional<AuditTrail> trail;

  Fixture() {
    fs::create_directory(dir / "data");
    fs::create_directory(dir / "keys");
    reopen();
  }
  void reopen() {
    trail.reset();
    db.reset();
    db.emplace(test::open_database(data));
    auto k = KeyFile::open_or_create(key, data);
    REQUIRE(k.ok());
    keys.emplace(std::move(k).value());
    trail.emplace(*db, *keys);
  }
  void append_n(int n, std::int64_t start = 1) {
    for (int i = 0; i < n; ++i) {
      REQUIRE(trail->append(AuditEvent::visit_created, audit_account_ref(start + i), "visit:00aa", kT0 + start + i).ok());
    }
  }
  AuditVerdict verify(const std::optional<AuditHead>& expected = std::nullopt) {
    auto v = trail->verify(expected);
    REQUIRE(v.ok());
    return *v;
  }
  // Raw SQL on the file from a separate connection, triggers dropped first.
  void tamper(const std::string& sql) {
    sqlite3* raw = nullptr;
    REQUIRE(sqlite3_open(data.c_str(), &raw) == SQLITE_OK);
    const std::string all = "DROP TRIGGER IF EXISTS audit_no_update; DROP TRIGGER IF EXISTS audit_no_delete; " + sql;
    char* message = nullptr;
    const int rc = sqlite3_exec(raw, all.c_str(), nullptr, nullptr, &message);
    sqlite3_free(message);
    sqlite3_close(raw);
    REQUIRE(rc == SQLITE_OK);
  }
};

}  // namespace

TEST_CASE("an honest audit trail verifies and its head is the last entry", "[gateway][audit]") {
  Fixture f;
  CHECK(f.verify().intact());
  CHECK(f.verify().head.count == 0);
  f.append_n(20);
  const auto v = f.verify();
  CHECK(v.intact());
  CHECK(v.head.count == 20);
  CHECK(v.head == *f.trail->head());
  f.reopen();  // survives a restart, and appends continue the same chain
  f.append_n(3, 21);
  CHECK(f.verify().intact());
  CHECK(f.verify().head.count == 23);
}

TEST_CASE("an audit entry altered in place is caught at that entry", "[gateway][audit]") {
  Fixture f;
  f.append_n(10);
  SECTION("actor") { f.tamper("UPDATE audit SET actor = 'acct:99' WHERE seq = 5"); }
  SECTION("time") { f.tamper("UPDATE audit SET time = time + 1 WHERE seq = 5"); }
  SECTION("kind") { f.tamper("UPDATE audit SET kind = 'sign_in' WHERE seq = 5"); }
  SECTION("mac") { f.tamper("UPDATE audit SET mac = zeroblob(32) WHERE seq = 5"); }
  const auto v = f.verify();
  CHECK(v.problem == Problem::altered);
  CHECK(v.entry == 5);
  CHECK(v.head.count == 4);
}

TEST_CASE("an audit entry removed from the middle is caught as a gap", "[gateway][audit]") {
  Fixture f;
  f.append_n(10);
  f.tamper("DELETE FROM audit WHERE seq = 5");
  const auto v = f.verify();
  CHECK(v.problem == Problem::removed);
  CHECK(v.entry == 5);
  CHECK(v.explanation.find("jumps from 4 to 6") != std::string::npos);
}

TEST_CASE("removing an entry and renumbering the rest is still caught", "[gateway][audit]") {
  Fixture f;
  f.append_n(10);
  f.tamper("DELETE FROM audit WHERE seq = 5; UPDATE audit SET seq = seq + 100 WHERE seq > 5; "
           "UPDATE audit SET seq = seq - 101 WHERE seq > 100;");
  const auto v = f.verify();
  CHECK_FALSE(v.intact());
  CHECK(v.entry == 5);
}

TEST_CASE("audit entries swapped in order are caught as reordered", "[gateway][audit]") {
  Fixture f;
  f.append_n(10);
  f.tamper("UPDATE audit SET seq = -4 WHERE seq = 4; UPDATE audit SET seq = 4 WHERE seq = 6; "
           "UPDATE audit SET seq = 6 WHERE seq = -4;");
  const auto v = f.verify();
  CHECK(v.problem == Problem::reordered);
  CHECK(v.entry == 4);
}

TEST_CASE("an audit trail cut at the end is caught against an earlier logged head", "[gateway][audit]") {
  Fixture f;
  f.append_n(20);
  const auto logged = *f.trail->head();
  f.tamper("DELETE FROM audit WHERE seq > 15");
  CHECK(f.verify().intact());  // on its own a shorter chain is valid: that is why heads are logged
  const auto v = f.verify(logged);
  CHECK(v.problem == Problem::truncated);
  CHECK(v.entry == 16);
}

TEST_CASE("an audit trail cut and regrown past the logged head is caught as rewritten", "[gateway][audit]") {
  Fixture f;
  f.append_n(20);
  const auto logged = *f.trail->head();
  f.tamper("DELETE FROM audit WHERE seq > 15");
  f.append_n(10, 100);
  const auto v = f.verify(logged);
  CHECK(v.problem == Problem::head_mismatch);
  CHECK(v.entry == 20);
}

TEST_CASE("an earlier logged head still verifies against the grown trail", "[gateway][audit]") {
  Fixture f;
  f.append_n(7);
  const auto logged = *f.trail->head();
  f.append_n(5, 8);
  CHECK(f.verify(logged).intact());
  CHECK(f.verify(AuditHead{}).intact());  // the empty head
}

TEST_CASE("an audit trail checked with another key file does not verify", "[gateway][audit]") {
  Fixture f;
  f.append_n(3);
  auto other = KeyFile::open_or_create(f.dir / "keys/other.key", f.data);
  REQUIRE(other.ok());
  AuditTrail wrong(*f.db, *other);
  auto v = wrong.verify(std::nullopt);
  REQUIRE(v.ok());
  CHECK(v->problem == Problem::altered);
  CHECK(v->entry == 1);
}

TEST_CASE("the gateway's own connection cannot update or delete audit entries", "[gateway][audit]") {
  Fixture f;
  f.append_n(2);
  CHECK_FALSE(f.db->exec("UPDATE audit SET actor = 'acct:9' WHERE seq = 1").ok());
  CHECK_FALSE(f.db->exec("DELETE FROM audit").ok());
  CHECK(f.verify().head.count == 2);
}

TEST_CASE("audit entries refuse anything but pseudonymous ids", "[gateway][audit]") {
  Fixture f;
  CHECK_FALSE(f.trail->append(AuditEvent::sign_in, "Jane Doe", kAuditNobody, kT0).ok());
  CHECK_FALSE(f.trail->append(AuditEvent::sign_in, "acct:1", "jane@example.org", kT0).ok());
  CHECK_FALSE(f.trail->append(AuditEvent::sign_in, "", kAuditNobody, kT0).ok());
  CHECK_FALSE(f.trail->append(AuditEvent::sign_in, std::string(kMaxAuditRefChars + 1, 'a'), kAuditNobody, kT0).ok());
  CHECK(f.trail->append(AuditEvent::sign_in, std::string(kMaxAuditRefChars, 'a'), kAuditNobody, kT0).ok());
  CHECK(f.trail->head()->count == 1);
}

TEST_CASE("an audit entry appended in a rolled-back transaction leaves no trace in the chain", "[gateway][audit]") {
  Fixture f;
  f.append_n(2);
  {
    auto tx = Transaction::begin(*f.db);
    REQUIRE(tx.ok());
    REQUIRE(f.trail->append(AuditEvent::visit_ended, "acct:1", "visit:00aa", kT0).ok());
  }
  f.append_n(2, 3);
  CHECK(f.verify().intact());
  CHECK(f.verify().head.count == 4);
}

TEST_CASE("visit refs are stable, keyed, and do not show the visit id", "[gateway][audit]") {
  Fixture f;
  tessera::VisitId a{};
  a.fill(0xab);
  tessera::VisitId b = a;
  b[15] = 0;
  const auto ref = f.trail->visit_ref(a);
  CHECK(ref.size() == 6 + 16);
  CHECK(ref.rfind("visit:", 0) == 0);
  CHECK(audit_ref_valid(ref));
  CHECK(ref == f.trail->visit_ref(a));
  CHECK(ref != f.trail->visit_ref(b));
  CHECK(ref.find("abab") == std::string::npos);
  auto other = KeyFile::open_or_create(f.dir / "keys/other.key", f.data);
  REQUIRE(other.ok());
  CHECK(AuditTrail(*f.db, *other).visit_ref(a) != ref);
}

TEST_CASE("audit heads round-trip through their logged form and bad forms are refused", "[gateway][audit]") {
  AuditHead head{42, {}};
  head.mac.fill(0x5c);
  const auto text = audit_head_format(head);
  std::string hex;
  for (int i = 0; i < 32; ++i) hex += "5c";
  CHECK(text == "42:" + hex);
  CHECK(audit_head_parse(text) == head);
  CHECK_FALSE(audit_head_parse("42").has_value());
  CHECK_FALSE(audit_head_parse(":" + std::string(64, '0')).has_value());
  CHECK_FALSE(audit_head_parse("x:" + std::string(64, '0')).has_value());
  CHECK_FALSE(audit_head_parse("1:" + std::string(63, '0')).has_value());
  CHECK_FALSE(audit_head_parse("1:" + std::string(64, 'g')).has_value());
}

TEST_CASE("the audit head is logged at start, every N entries, and after the interval if it moved", "[gateway][audit]") {
  using namespace std::chrono;
  const Time t0{};
  AuditHeadLog log;
  CHECK(log.due(0, t0));
  log.logged(0, t0);
  CHECK_FALSE(log.due(0, t0 + hours(10)));  // nothing new: nothing to say
  CHECK_FALSE(log.due(kAuditHeadEveryEntries - 1, t0 + seconds(1)));
  CHECK(log.due(kAuditHeadEveryEntries, t0 + seconds(1)));
  CHECK_FALSE(log.due(1, t0 + kAuditHeadInterval - seconds(1)));
  CHECK(log.due(1, t0 + kAuditHeadInterval));
  log.logged(5, t0);
  CHECK(log.due(4, t0));  // shrank: logged at once
}

TEST_CASE("audit verify prints OK with the head, or the first bad entry, with exit codes 0 and 1", "[gateway][audit]") {
  Fixture f;
  f.append_n(6);
  const auto head = *f.trail->head();
  const std::string data = f.data.string(), key = f.key.string(), expect = audit_head_format(head);
  std::ostringstream out, err;
  std::vector<std::string_view> args{"audit", "verify", "--data", data, "--key-file", key, "--expect-head", expect};
  CHECK(is_audit_command(args));
  CHECK(run_audit_command(args, out, err) == 0);
  CHECK(out.str() == "audit OK: " + expect + "\n");
  f.tamper("UPDATE audit SET subject = 'visit:ffff' WHERE seq = 3");
  out.str("");
  CHECK(run_audit_command(args, out, err) == 1);
  CHECK(out.str().find("audit NOT INTACT: entry 3: altered") == 0);
}

TEST_CASE("audit verify refuses bad arguments with exit code 2 and never creates files", "[gateway][audit]") {
  TempDir dir;
  std::ostringstream out, err;
  const std::string data = (dir / "none.db").string(), key = (dir / "k/none.key").string();
  CHECK(run_audit_command(std::vector<std::string_view>{"audit"}, out, err) == 2);
  CHECK(run_audit_command(std::vector<std::string_view>{"audit", "verify", "--data", data}, out, err) == 2);
  CHECK(run_audit_command(std::vector<std::string_view>{"audit", "verify", "--data", data, "--key-file", key,
                                                        "--expect-head", "12"},
                          out, err) == 2);
  CHECK(run_audit_command(std::vector<std::string_view>{"audit", "verify", "--data", data, "--key-file", key}, out,
                          err) == 1);
  CHECK_FALSE(fs::exists(dir / "none.db"));
  CHECK_FALSE(fs::exists(dir / "k/none.key"));
  CHECK_FALSE(is_audit_command(std::vector<std::string_view>{"--web-root", "x"}));
}
