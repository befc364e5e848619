// VisitStore on a real SQLite file: ownership, lookup for the signaling
// rooms, ending, expiry and purge, and the per-provider limit.
#include "gateway/visit_store.hpp"

#include <catch2/catch.hpp>

#include "tests/gateway/temp_dir.hpp"

using namespace tessera::gateway;
using tessera::gateway::test::TempDir;

namespace {

constexpr std::int64_t kNow = 1'790'000'000;
constexpr ProviderId kAlice{1};
constexpr ProviderId kBob{2};

tessera::VisitId visit_id(std::uint8_t n) {
  tessera::VisitId id{};
  id.fill(n);
  return id;
}

struct Fixture {
  TempDir dir;
  Database db = test::open_database(dir / "tessera.db");
  VisitStore store{db};

  void create(ProviderId owner, std::uint8_t n, std::int64_t lifetime = 3600, std::size_t people = 2) {
    auto s = store.create(owner, NewVisit{visit_id(n), kNow + lifetime, people}, kNow);
    if (!s) FAIL("create failed: " << s.error().message);
  }
};

}  // namespace

TEST_CASE("a provider's visits are listed to that provider only, newest first", "[gateway][visit_store]") {
  Fixture f;
  f.create(kAlice, 1);
  REQUIRE(f.store.create(kAlice, NewVisit{visit_id(2), kNow + 7200, 3}, kNow + 5).ok());
  f.create(kBob, 3);
  auto alice = f.store.list(kAlice);
  REQUIRE(alice.ok());
  REQUIRE(alice->size() == 2);
  CHECK((*alice)[0].id == visit_id(2));
  CHECK((*alice)[0].people == 3);
  CHECK((*alice)[0].created == kNow + 5);
  CHECK((*alice)[0].state == VisitState::open);
  CHECK((*alice)[1].id == visit_id(1));
  auto bob = f.store.list(kBob);
  REQUIRE(bob.ok());
  REQUIRE(bob->size() == 1);
  CHECK((*bob)[0].owner == kBob);
  CHECK(f.store.list(ProviderId{3})->empty());
}

TEST_CASE("lookup gives room settings only for the owner's open, unexpired visit", "[gateway][visit_store]") {
  Fixture f;
  f.create(kAlice, 1, 3600, 4);
  auto settings = f.store.lookup(kAlice, visit_id(1), kNow);
  REQUIRE(settings.has_value());
  CHECK(settings->people == 4);
  CHECK_FALSE(f.store.lookup(kBob, visit_id(1), kNow).has_value());
  CHECK_FALSE(f.store.lookup(kAlice, visit_id(9), kNow).has_value());
  CHECK(f.store.lookup(kAlice, visit_id(1), kNow + 3599).has_value());
  CHECK_FALSE(f.store.lookup(kAlice, visit_id(1), kNow + 3600).has_value());
  REQUIRE(f.store.end(kAlice, visit_id(1), kNow + 10).ok());
  CHECK_FALSE(f.store.lookup(kAlice, visit_id(1), kNow + 11).has_value());
}

TEST_CASE("ending another provider's visit is refused like an unknown one", "[gateway][visit_store]") {
  Fixture f;
  f.create(kAlice, 1);
  auto refused = f.store.end(kBob, visit_id(1), kNow);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().kind == StoreError::Kind::not_found);
  auto unknown = f.store.end(kBob, visit_id(7), kNow);
  REQUIRE_FALSE(unknown.ok());
  CHECK(unknown.error().message == refused.error().message);
  CHECK(f.store.list(kAlice)->at(0).state == VisitState::open);
  REQUIRE(f.store.end(kAlice, visit_id(1), kNow).ok());
  CHECK(f.store.list(kAlice)->at(0).state == VisitState::ended);
  CHECK(f.store.end(kAlice, visit_id(1), kNow).error().kind == StoreError::Kind::not_found);  // already ended
}

TEST_CASE("a visit id already stored is refused as a duplicate, whoever holds it", "[gateway][visit_store]") {
  Fixture f;
  f.create(kAlice, 1);
  auto again = f.store.create(kBob, NewVisit{visit_id(1), kNow + 60, 2}, kNow);
  REQUIRE_FALSE(again.ok());
  CHECK(again.error().kind == StoreError::Kind::duplicate);
  CHECK(f.store.list(kBob)->empty());
}

TEST_CASE("a visit must expire within the maximum lifetime and seat 2 to the room maximum", "[gateway][visit_store]") {
  Fixture f;
  const auto refused = [&](std::int64_t expires, std::size_t people) {
    auto s = f.store.create(kAlice, NewVisit{visit_id(1), expires, people}, kNow);
    return !s.ok() && s.error().kind == StoreError::Kind::invalid;
  };
  CHECK(refused(kNow, 2));
  CHECK(refused(kNow - 1, 2));
  CHECK(refused(kNow + kMaxVisitLifetimeSeconds + 1, 2));
  CHECK(refused(kNow + 60, 1));
  CHECK(refused(kNow + 60, kMaxPeoplePerRoom + 1));
  CHECK(f.store.create(kAlice, NewVisit{visit_id(1), kNow + kMaxVisitLifetimeSeconds, kMaxPeoplePerRoom}, kNow).ok());
}

TEST_CASE("a provider may hold at most kMaxVisitsPerProvider open visits", "[gateway][visit_store]") {
  Fixture f;
  for (std::size_t i = 0; i < kMaxVisitsPerProvider; ++i) f.create(kAlice, static_cast<std::uint8_t>(i + 1));
  auto over = f.store.create(kAlice, NewVisit{visit_id(200), kNow + 60, 2}, kNow);
  REQUIRE_FALSE(over.ok());
  CHECK(over.error().kind == StoreError::Kind::limit);
  f.create(kBob, 201);  // another provider is not affected
  REQUIRE(f.store.end(kAlice, visit_id(1), kNow).ok());  // an ended visit frees a place
  f.create(kAlice, 200);
}

TEST_CASE("expired and ended visits are purged only after the retention period", "[gateway][visit_store]") {
  Fixture f;
  f.create(kAlice, 1, 3600);  // expires kNow + 3600
  f.create(kAlice, 2, 7200);  // ended at kNow + 100
  f.create(kAlice, 3, 7200);  // stays open
  REQUIRE(f.store.end(kAlice, visit_id(2), kNow + 100).ok());
  CHECK(*f.store.purge_expired(kNow + 100 + kVisitRetentionSeconds - 1) == 0);
  CHECK(*f.store.purge_expired(kNow + 100 + kVisitRetentionSeconds) == 1);  // the ended one
  CHECK(*f.store.purge_expired(kNow + 3600 + kVisitRetentionSeconds - 1) == 0);
  CHECK(*f.store.purge_expired(kNow + 3600 + kVisitRetentionSeconds) == 1);  // the expired one
  auto left = f.store.list(kAlice);
  REQUIRE(left->size() == 1);
  CHECK(left->at(0).id == visit_id(3));
}
