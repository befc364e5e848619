// KioskInbox and the kiosk limits on a real SQLite file: only the owner's
// open visits go in, an item lives no longer than its visit (fetch, expiry,
// end, revocation), and every bound is a named constant that holds.
#include "gateway/kiosk_inbox.hpp"

#include <catch2/catch.hpp>

#include "gateway/kiosk_store.hpp"
#include "gateway/visit_store.hpp"
#include "tests/gateway/temp_dir.hpp"

using namespace tessera;
using namespace tessera::gateway;
using tessera::gateway::test::TempDir;

namespace {

constexpr std::int64_t kNow = 1'790'000'000;
constexpr ProviderId kAda{1};
constexpr ProviderId kBob{2};

struct Fixture {
  TempDir dir;
  Database db = test::open_database(dir / "tessera.db");
  KioskStore kiosks{db};
  VisitStore visits{db};
  KioskInbox inbox{db};
  std::uint8_t next_visit = 1;

  std::int64_t kiosk() {
    auto code = kiosks.create_enrolment("room 1", kNow);
    REQUIRE(code);
    auto enrolled = kiosks.enrol(code->span(), KioskPublicKey{}, kNow);
    REQUIRE(enrolled);
    return enrolled->kiosk;
  }
  VisitId visit(ProviderId owner = kAda, std::int64_t lifetime = 3600) {
    VisitId id{};
    id.fill(next_visit++);
    REQUIRE(visits.create(owner, NewVisit{id, kNow + lifetime, 2}, kNow));
    return id;
  }
  static std::vector<std::uint8_t> sealed(std::size_t n = 135) { return std::vector<std::uint8_t>(n, 0xab); }
};

}  // namespace

TEST_CASE("a kiosk's inbox holds its owner's open visits until fetched once", "[gateway][kiosk_inbox]") {
  Fixture f;
  const auto k = f.kiosk();
  const auto v = f.visit(kAda, 600);
  const auto expires = f.inbox.put(kAda, k, v, Fixture::sealed(), kNow);
  REQUIRE(expires);
  CHECK(*expires == kNow + 600);  // the visit's own expiry
  // Another provider's visit, an unknown visit and an unknown kiosk: all not_found.
  CHECK(f.inbox.put(kBob, k, v, Fixture::sealed(), kNow).error().kind == StoreError::Kind::not_found);
  CHECK(f.inbox.put(kAda, k, VisitId{}, Fixture::sealed(), kNow).error().kind == StoreError::Kind::not_found);
  CHECK(f.inbox.put(kAda, k + 1, v, Fixture::sealed(), kNow).error().kind == StoreError::Kind::not_found);
  auto items = f.inbox.take(k, kNow + 1);
  REQUIRE(items);
  REQUIRE(items->size() == 1);
  CHECK((*items)[0].visit == v);
  CHECK((*items)[0].sealed == Fixture::sealed());
  CHECK((*items)[0].expires == kNow + 600);
  CHECK(f.inbox.take(k, kNow + 2)->empty());
}

TEST_CASE("an inbox item goes when its visit expires or ends, or its kiosk is revoked", "[gateway][kiosk_inbox]") {
  Fixture f;
  const auto k = f.kiosk();
  const auto other = f.kiosk();
  const auto short_visit = f.visit(kAda, 60);
  const auto ended = f.visit();
  const auto kept = f.visit();
  REQUIRE(f.inbox.put(kAda, k, short_visit, Fixture::sealed(), kNow));
  REQUIRE(f.inbox.put(kAda, k, ended, Fixture::sealed(), kNow));
  REQUIRE(f.inbox.put(kAda, other, kept, Fixture::sealed(), kNow));
  REQUIRE(f.inbox.put(kAda, k, kept, Fixture::sealed(), kNow));
  CHECK(*f.inbox.count(k) == 3);

  REQUIRE(f.visits.end(kAda, ended, kNow + 1));
  CHECK(*f.inbox.count(k) == 2);
  // Expired: not handed over, and purged.
  CHECK(*f.inbox.purge_expired(kNow + 60) == 1);
  CHECK(*f.inbox.count(k) == 1);
  // An ended or expired visit cannot be put in again.
  CHECK(f.inbox.put(kAda, k, ended, Fixture::sealed(), kNow + 2).error().kind == StoreError::Kind::not_found);
  CHECK(f.inbox.put(kAda, k, short_visit, Fixture::sealed(), kNow + 60).error().kind == StoreError::Kind::not_found);

  REQUIRE(f.kiosks.revoke(k));
  CHECK(*f.inbox.count(k) == 0);
  CHECK(*f.inbox.count(other) == 1);  // another kiosk's item stays
  CHECK(f.inbox.put(kAda, k, kept, Fixture::sealed(), kNow + 3).error().kind == StoreError::Kind::not_found);
  // No copy of a deleted item is left in the table.
  CHECK(*f.db.query_int("SELECT count(*) FROM kiosk_inbox") == 1);
}

TEST_CASE("an inbox takes sealed items of the stated sizes only, and at most kMaxKioskInboxItems",
          "[gateway][kiosk_inbox]") {
  Fixture f;
  const auto k = f.kiosk();
  const auto v = f.visit();
  CHECK(f.inbox.put(kAda, k, v, Fixture::sealed(kMinKioskSealedBytes - 1), kNow).error().kind ==
        StoreError::Kind::invalid);
  CHECK(f.inbox.put(kAda, k, v, Fixture::sealed(kMaxKioskSealedBytes + 1), kNow).error().kind ==
        StoreError::Kind::invalid);
  CHECK(f.inbox.put(kAda, k, v, Fixture::sealed(kMinKioskSealedBytes), kNow));
  CHECK(f.inbox.put(kAda, k, v, Fixture::sealed(kMaxKioskSealedBytes), kNow));  // replaces: still one item
  CHECK(*f.inbox.count(k) == 1);
  // The schema holds the same bounds against any other writer.
  CHECK_FALSE(f.db.exec("UPDATE kiosk_inbox SET sealed = zeroblob(561)"));
  CHECK_FALSE(f.db.exec("UPDATE kiosk_inbox SET sealed = zeroblob(48)"));

  for (std::size_t i = 1; i < kMaxKioskInboxItems; ++i) REQUIRE(f.inbox.put(kAda, k, f.visit(), Fixture::sealed(), kNow));
  CHECK(*f.inbox.count(k) == kMaxKioskInboxItems);
  CHECK(f.inbox.put(kAda, k, f.visit(), Fixture::sealed(), kNow).error().kind == StoreError::Kind::limit);
  CHECK(f.inbox.put(kAda, k, v, Fixture::sealed(), kNow));  // a visit it holds may still be sent again
  REQUIRE(f.inbox.take(k, kNow)->size() == kMaxKioskInboxItems);
  CHECK(f.inbox.put(kAda, k, f.visit(), Fixture::sealed(), kNow));
}

TEST_CASE("a clinic holds at most kMaxKiosks kiosks and unused codes; revoking one frees a place",
          "[gateway][kiosk_inbox]") {
  Fixture f;
  std::int64_t first = 0;
  for (std::size_t i = 0; i < kMaxKiosks; ++i) {
    const auto k = f.kiosk();
    if (i == 0) first = k;
  }
  const auto refused = f.kiosks.create_enrolment("one more", kNow);
  REQUIRE_FALSE(refused);
  CHECK(refused.error().kind == StoreError::Kind::limit);
  REQUIRE(f.kiosks.revoke(first));
  CHECK(f.kiosks.create_enrolment("one more", kNow));
  // The unused code holds the freed place.
  CHECK(f.kiosks.create_enrolment("and another", kNow).error().kind == StoreError::Kind::limit);
}
