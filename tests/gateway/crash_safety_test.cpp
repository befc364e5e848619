// "A crash at any point loses no committed data" (issue 9): a child process
// creates visits and audit entries in a loop, one transaction each, and
// reports each committed visit through a pipe; the parent SIGKILLs it after
// K acknowledgements (the child is mid-way through its next transaction or
// between them: wherever it happens to be), reopens the file, and checks
// SQLite's integrity, that every acknowledged visit is there, and that the
// audit chain verifies. No sleeps: the kill follows the K-th acknowledgement.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstring>

#include "gateway/audit_trail.hpp"
#include "gateway/visit_store.hpp"
#include "tests/gateway/temp_dir.hpp"

using namespace tessera::gateway;
using tessera::gateway::test::TempDir;
namespace fs = std::filesystem;

namespace {

constexpr std::int64_t kNow = 1'790'000'000;

tessera::VisitId visit_id(std::uint64_t n) {
  tessera::VisitId id{};
  std::memcpy(id.data(), &n, sizeof n);
  id[15] = 0x5a;
  return id;
}

// The child: never returns. Visit n belongs to provider n (so the
// per-provider limit never stops the loop).
[[noreturn]] void write_forever(const fs::path& data, const fs::path& key, int ack) {
  auto db = Database::open(data);
  auto keys = KeyFile::open_or_create(key, data);
  if (!db || !keys) _exit(3);
  VisitStore visits(*db);
  AuditTrail audit(*db, *keys);
  auto count = db->query_int("SELECT count(*) FROM visits");
  if (!count) _exit(3);
  for (auto n = static_cast<std::uint64_t>(*count) + 1;; ++n) {
    auto tx = Transaction::begin(*db);
    if (!tx) _exit(4);
    const auto owner = ProviderId{n};
    if (!visits.create(owner, NewVisit{visit_id(n), kNow + 3600, 2}, kNow)) _exit(5);
    if (!audit.append(AuditEvent::visit_created, audit_account_ref(static_cast<std::int64_t>(n)),
                      audit.visit_ref(visit_id(n)), kNow)) {
      _exit(6);
    }
    if (!tx->commit()) _exit(7);
    if (::write(ack, &n, sizeof n) != static_cast<ssize_t>(sizeof n)) _exit(8);
  }
}

// Runs a child until it has acknowledged `k` commits, kills it, and returns
// the acknowledged visit numbers.
std::vector<std::uint64_t> run_and_kill(const fs::path& data, const fs::path& key, std::size_t k) {
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    ::close(fds[0]);
    write_forever(data, key, fds[1]);
  }
  ::close(fds[1]);
  std::vector<std::uint64_t> acked;
  while (acked.size() < k) {
    std::uint64_t n = 0;
    std::size_t got = 0;
    while (got < sizeof n) {
      const auto r = ::read(fds[0], reinterpret_cast<char*>(&n) + got, sizeof n - got);
      if (r <= 0) break;
      got += static_cast<std::size_t>(r);
    }
    if (got != sizeof n) break;  // the child died on its own: reported below
    acked.push_back(n);
  }
  ::kill(child, SIGKILL);
  int status = 0;
  ::waitpid(child, &status, 0);
  ::close(fds[0]);
  INFO("child exit status " << (WIFEXITED(status) ? WEXITSTATUS(status) : -1));
  REQUIRE(acked.size() == k);
  CHECK(WIFSIGNALED(status));
  return acked;
}

}  // namespace

TEST_CASE("a writer killed at any point loses no committed visit or audit entry", "[gateway][crash]") {
  TempDir dir;
  fs::create_directory(dir / "data");
  fs::create_directory(dir / "keys");
  const auto data = dir / "data/tessera.db";
  const auto key = dir / "keys/tessera.key";
  std::vector<std::uint64_t> all_acked;
  for (const std::size_t k : {1, 2, 7, 30, 120}) {
    const auto acked = run_and_kill(data, key, k);
    all_acked.insert(all_acked.end(), acked.begin(), acked.end());

    auto db = Database::open(data);
    REQUIRE(db.ok());
    auto integrity = db->prepare("PRAGMA integrity_check");
    REQUIRE(integrity.ok());
    REQUIRE(*integrity->step());
    CHECK(integrity->text(0) == "ok");

    VisitStore visits(*db);
    for (const auto n : all_acked) {
      INFO("visit " << n);
      CHECK(visits.lookup(ProviderId{n}, visit_id(n), kNow).has_value());
    }
    auto keys = KeyFile::open_existing(key, data);
    REQUIRE(keys.ok());
    AuditTrail audit(*db, *keys);
    auto verdict = audit.verify(std::nullopt);
    REQUIRE(verdict.ok());
    INFO(verdict->explanation);
    CHECK(verdict->intact());
    CHECK(verdict->head.count >= all_acked.size());
    // Each visit and its audit entry committed together: never one without the other.
    CHECK(static_cast<std::uint64_t>(*db->query_int("SELECT count(*) FROM visits")) == verdict->head.count);
  }
}
