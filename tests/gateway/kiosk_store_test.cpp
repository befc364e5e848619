// KioskStore on a real SQLite file: one-time, short-lived enrolment codes;
// hashed credentials; revocation; limits.
#include "gateway/kiosk_store.hpp"

#include <catch2/catch.hpp>

#include "tests/gateway/temp_dir.hpp"

using namespace tessera::gateway;
using tessera::gateway::test::TempDir;

namespace {

constexpr std::int64_t kNow = 1'790'000'000;

struct Fixture {
  TempDir dir;
  Database db = test::open_database(dir / "tessera.db");
  KioskStore store{db};
  KioskPublicKey key = [] {
    KioskPublicKey k{};
    k.fill(7);
    return k;
  }();

  EnrolmentCode code(std::string_view label = "front desk") {
    auto c = store.create_enrolment(label, kNow);
    if (!c) FAIL("create_enrolment failed: " << c.error().message);
    return std::move(c).value();
  }
  Enrolled enrol(const EnrolmentCode& c, std::int64_t at = kNow + 1) {
    auto e = store.enrol(c.span(), key, at);
    if (!e) FAIL("enrol failed: " << e.error().message);
    return std::move(e).value();
  }
};

}  // namespace

TEST_CASE("a kiosk enrols once with a code and then authenticates with its credential", "[gateway][kiosk_store]") {
  Fixture f;
  const auto c = f.code("waiting room 2");
  const auto enrolled = f.enrol(c);
  auto kiosk = f.store.authenticate(enrolled.kiosk, enrolled.credential.span(), kNow + 50);
  REQUIRE(kiosk.ok());
  CHECK(kiosk->label == "waiting room 2");
  CHECK(kiosk->public_key == f.key);
  CHECK(kiosk->last_seen == kNow + 50);
  CHECK(f.store.list()->at(0).last_seen == kNow + 50);
  // One-time: the same code does not enrol a second device.
  auto again = f.store.enrol(c.span(), f.key, kNow + 2);
  REQUIRE_FALSE(again.ok());
  CHECK(again.error().kind == StoreError::Kind::not_found);
}

TEST_CASE("neither enrolment codes nor kiosk credentials are stored in the clear", "[gateway][kiosk_store]") {
  Fixture f;
  const auto c = f.code();
  auto stored = f.db.prepare("SELECT code_hash FROM kiosk_enrolments");
  REQUIRE(stored.ok());
  REQUIRE(*stored->step());
  const auto code_hash = stored->blob(0);
  CHECK(std::search(code_hash.begin(), code_hash.end(), c.span().begin(), c.span().end()) == code_hash.end());
  const auto e = f.enrol(c);
  auto cred = f.db.prepare("SELECT credential_hash FROM kiosks");
  REQUIRE(cred.ok());
  REQUIRE(*cred->step());
  CHECK(cred->blob(0) != std::vector<std::uint8_t>(e.credential.span().begin(), e.credential.span().end()));
}

TEST_CASE("a wrong or malformed credential and an unknown kiosk get the same refusal", "[gateway][kiosk_store]") {
  Fixture f;
  const auto e = f.enrol(f.code());
  auto wrong = e.credential.clone();
  wrong.data()[0] ^= 1;
  const auto a = f.store.authenticate(e.kiosk, wrong.span(), kNow);
  const auto b = f.store.authenticate(e.kiosk + 1, e.credential.span(), kNow);
  const auto c = f.store.authenticate(e.kiosk, std::span(e.credential.span()).first(16), kNow);
  REQUIRE_FALSE(a.ok());
  REQUIRE_FALSE(b.ok());
  REQUIRE_FALSE(c.ok());
  CHECK(a.error().message == b.error().message);
  CHECK(a.error().message == c.error().message);
  CHECK_FALSE(f.store.list()->at(0).last_seen.has_value());
}

TEST_CASE("an expired enrolment code is refused and consumed", "[gateway][kiosk_store]") {
  Fixture f;
  const auto c = f.code();
  auto late = f.store.enrol(c.span(), f.key, kNow + kEnrolmentLifetimeSeconds);
  REQUIRE_FALSE(late.ok());
  CHECK(late.error().kind == StoreError::Kind::expired);
  CHECK(*f.db.query_int("SELECT count(*) FROM kiosk_enrolments") == 0);
  CHECK(f.store.list()->empty());
}

TEST_CASE("a revoked kiosk can no longer authenticate", "[gateway][kiosk_store]") {
  Fixture f;
  const auto e = f.enrol(f.code());
  REQUIRE(f.store.revoke(e.kiosk).ok());
  auto refused = f.store.authenticate(e.kiosk, e.credential.span(), kNow);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().kind == StoreError::Kind::revoked);
  CHECK(f.store.list()->at(0).revoked);
  CHECK(f.store.revoke(e.kiosk + 5).error().kind == StoreError::Kind::not_found);
}

TEST_CASE("kiosk labels must be short printable text", "[gateway][kiosk_store]") {
  Fixture f;
  CHECK(f.store.create_enrolment("", kNow).error().kind == StoreError::Kind::invalid);
  CHECK(f.store.create_enrolment(std::string(kMaxKioskLabelBytes + 1, 'a'), kNow).error().kind ==
        StoreError::Kind::invalid);
  CHECK(f.store.create_enrolment("desk\n2", kNow).error().kind == StoreError::Kind::invalid);
  CHECK(f.store.create_enrolment(std::string(kMaxKioskLabelBytes, 'a'), kNow).ok());
}

TEST_CASE("at most kMaxPendingEnrolments unused codes exist; expired ones make room", "[gateway][kiosk_store]") {
  Fixture f;
  for (std::size_t i = 0; i < kMaxPendingEnrolments; ++i) (void)f.code();
  auto over = f.store.create_enrolment("one more", kNow);
  REQUIRE_FALSE(over.ok());
  CHECK(over.error().kind == StoreError::Kind::limit);
  CHECK(f.store.create_enrolment("later", kNow + kEnrolmentLifetimeSeconds).ok());
  CHECK(*f.db.query_int("SELECT count(*) FROM kiosk_enrolments") == 1);
}

TEST_CASE("of several pending codes, each enrols its own kiosk with its own label", "[gateway][kiosk_store]") {
  Fixture f;
  const auto a = f.code("a");
  const auto b = f.code("b");
  const auto eb = f.enrol(b);
  const auto ea = f.enrol(a);
  CHECK(f.store.authenticate(ea.kiosk, ea.credential.span(), kNow)->label == "a");
  CHECK(f.store.authenticate(eb.kiosk, eb.credential.span(), kNow)->label == "b");
  CHECK_FALSE(f.store.authenticate(ea.kiosk, eb.credential.span(), kNow).ok());
}
