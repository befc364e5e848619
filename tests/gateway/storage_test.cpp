// Storage: opened from --data and --key-file together; housekeeping purges
// and logs the audit head on a virtual clock.
#include "gateway/storage.hpp"

#include <catch2/catch.hpp>

#include "tests/gateway/temp_dir.hpp"

using namespace tessera::gateway;
using tessera::gateway::test::TempDir;
namespace fs = std::filesystem;

namespace {
constexpr std::int64_t kWall = 1'790'000'000;

// Storage in dir/data with its key file in dir/keys, as --data and --key-file want it.
std::unique_ptr<Storage> open_storage(const TempDir& dir) {
  fs::create_directory(dir / "data");
  fs::create_directory(dir / "keys");
  auto opened = Storage::open(dir / "data/t.db", dir / "keys/t.key");
  REQUIRE(opened.ok());
  return std::move(opened).value();
}
}  // namespace

TEST_CASE("storage housekeeping purges old visits and logs the audit head when due", "[gateway][storage]") {
  TempDir dir;
  const auto opened = open_storage(dir);
  auto& storage = *opened;
  std::vector<std::string> lines;
  const auto log = [&](std::string_view line) { lines.emplace_back(line); };
  const Time t0{};

  tessera::VisitId id{};
  id.fill(3);
  REQUIRE(storage.visits().create(ProviderId{1}, NewVisit{id, kWall + 60, 2}, kWall).ok());
  auto lookup = storage.visit_lookup([] { return kWall; });
  CHECK(lookup(ProviderId{1}, id).has_value());
  CHECK_FALSE(lookup(ProviderId{2}, id).has_value());

  storage.housekeeping(t0, kWall, log);
  REQUIRE(lines.size() == 1);
  CHECK_THAT(lines[0], Catch::EndsWith(R"("level":"info","event":"audit_head","head":"0:)" + std::string(64, '0') + "\"}"));
  storage.housekeeping(t0 + kHousekeepingInterval, kWall, log);
  CHECK(lines.size() == 1);  // nothing new

  REQUIRE(storage.audit().append(AuditEvent::visit_created, "acct:1", storage.audit().visit_ref(id), kWall).ok());
  storage.housekeeping(t0 + kAuditHeadInterval, kWall + 60 + kVisitRetentionSeconds, log);
  REQUIRE(lines.size() == 2);
  CHECK_THAT(lines[1], Catch::EndsWith(R"("event":"audit_head","head":")" + audit_head_format(*storage.audit().head()) + "\"}"));
  CHECK(storage.visits().list(ProviderId{1})->empty());  // purged
}

TEST_CASE("housekeeping ends a visit whose time is up, audits it once and names it so its room closes",
          "[gateway][storage]") {
  TempDir dir;
  const auto opened = open_storage(dir);
  auto& storage = *opened;
  const auto log = [](std::string_view) {};
  const Time t0{};
  tessera::VisitId soon{};
  soon.fill(4);
  tessera::VisitId later{};
  later.fill(5);
  REQUIRE(storage.visits().create(ProviderId{1}, NewVisit{soon, kWall + 60, 2}, kWall).ok());
  REQUIRE(storage.visits().create(ProviderId{1}, NewVisit{later, kWall + 600, 2}, kWall).ok());
  std::vector<tessera::VisitId> closed;
  const auto expired = [&](const tessera::VisitId& v) { closed.push_back(v); };

  storage.housekeeping(t0, kWall + 59, log, expired);
  CHECK(closed.empty());
  storage.housekeeping(t0 + kHousekeepingInterval, kWall + 60, log, expired);
  CHECK(closed == std::vector<tessera::VisitId>{soon});
  storage.housekeeping(t0 + 2 * kHousekeepingInterval, kWall + 61, log, expired);
  CHECK(closed.size() == 1);  // once only

  const auto visits = storage.visits().list(ProviderId{1});
  REQUIRE(visits);
  REQUIRE(visits->size() == 2);
  for (const auto& v : *visits) CHECK((v.state == VisitState::ended) == (v.id == soon));
  CHECK_FALSE(storage.visit_lookup([] { return kWall + 61; })(ProviderId{1}, soon).has_value());
  const auto head = storage.audit().head();
  REQUIRE(head);
  CHECK(head->count == 1);  // visit_ended by the gateway
  const auto verdict = storage.audit().verify(*head);
  REQUIRE(verdict);
  CHECK(verdict->intact());
}

TEST_CASE("storage refuses to open when the key file is misplaced, before creating the database", "[gateway][storage]") {
  TempDir dir;
  auto opened = Storage::open(dir / "t.db", dir / "t.key");
  REQUIRE_FALSE(opened.ok());
  CHECK(opened.error().find("directory of --data") != std::string::npos);
  CHECK_FALSE(fs::exists(dir / "t.db"));
}
