// Database, Statement, Transaction and the schema migrations, on real SQLite
// files in a temporary directory.
#include "gateway/database.hpp"
#include "gateway/schema.hpp"

#include <sys/stat.h>

#include <array>
#include <catch2/catch.hpp>
#include <fstream>

#include "tests/gateway/temp_dir.hpp"

using namespace tessera::gateway;
using tessera::gateway::test::TempDir;

namespace {

std::string pragma_text(Database& db, std::string_view sql) {
  auto stmt = db.prepare(sql);
  REQUIRE(stmt.ok());
  auto row = stmt->step();
  REQUIRE(row.ok());
  REQUIRE(*row);
  return stmt->text(0);
}

}  // namespace

TEST_CASE("a new database file is created 0600 in WAL mode with foreign keys and secure delete", "[gateway][database]") {
  TempDir dir;
  auto db = test::open_database(dir / "tessera.db");
  struct stat st {};
  REQUIRE(::stat((dir / "tessera.db").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  CHECK(pragma_text(db, "PRAGMA journal_mode") == "wal");
  CHECK(*db.query_int("PRAGMA synchronous") == 2);  // FULL
  CHECK(*db.query_int("PRAGMA foreign_keys") == 1);
  CHECK(*db.query_int("PRAGMA secure_delete") == 1);
  CHECK(*db.query_int("PRAGMA user_version") == static_cast<std::int64_t>(schema_migrations().size()));
}

TEST_CASE("a database whose directory does not exist is refused, not created", "[gateway][database]") {
  TempDir dir;
  auto db = Database::open(dir / "missing" / "tessera.db");
  REQUIRE_FALSE(db.ok());
  CHECK(db.error().message.find("directory does not exist") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(dir / "missing"));
}

TEST_CASE("a database file readable by group or others is refused", "[gateway][database]") {
  TempDir dir;
  { auto db = test::open_database(dir / "tessera.db"); }
  std::filesystem::permissions(dir / "tessera.db", std::filesystem::perms::group_read, std::filesystem::perm_options::add);
  auto db = Database::open(dir / "tessera.db");
  REQUIRE_FALSE(db.ok());
  CHECK(db.error().message.find("chmod 600") != std::string::npos);
}

TEST_CASE("a file that is not a database is refused with an error, not a crash", "[gateway][database]") {
  TempDir dir;
  { std::ofstream(dir / "junk.db") << std::string(8192, 'x'); }
  std::filesystem::permissions(dir / "junk.db", std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  CHECK_FALSE(Database::open(dir / "junk.db").ok());
}

TEST_CASE("reopening a migrated database applies nothing twice and keeps its rows", "[gateway][database]") {
  TempDir dir;
  {
    auto db = test::open_database(dir / "tessera.db");
    REQUIRE(db.exec("INSERT INTO kiosks (label, public_key, credential_hash, enrolled) "
                    "VALUES ('front desk', zeroblob(32), zeroblob(32), 1)").ok());
  }
  auto db = test::open_database(dir / "tessera.db");
  CHECK(*db.query_int("SELECT count(*) FROM kiosks") == 1);
}

TEST_CASE("a database written by newer code is refused", "[gateway][database]") {
  TempDir dir;
  {
    auto db = test::open_database(dir / "tessera.db");
    REQUIRE(db.exec("PRAGMA user_version=99").ok());
  }
  auto db = Database::open(dir / "tessera.db");
  REQUIRE_FALSE(db.ok());
  CHECK(db.error().message.find("newer gateway") != std::string::npos);
}

TEST_CASE("migrations run in order, one transaction each, and a failing one leaves the previous version", "[gateway][database]") {
  TempDir dir;
  auto opened = Database::open_unmigrated(dir / "t.db");
  REQUIRE(opened.ok());
  auto& db = *opened;
  const std::array<Migration, 3> steps{
      Migration{"1", "CREATE TABLE a (x INTEGER);"},
      Migration{"2", "CREATE TABLE b (y INTEGER);"},
      Migration{"3", "CREATE TABLE c (z INTEGER); CREATE TABLE c (z INTEGER);"},  // fails halfway
  };
  REQUIRE(migrate(db, std::span(steps).first(2)).ok());
  CHECK(*db.query_int("PRAGMA user_version") == 2);
  auto failed = migrate(db, steps);
  REQUIRE_FALSE(failed.ok());
  CHECK(failed.error().message.find("migration 3") != std::string::npos);
  CHECK(*db.query_int("PRAGMA user_version") == 2);
  CHECK(*db.query_int("SELECT count(*) FROM sqlite_master WHERE name = 'c'") == 0);
}

TEST_CASE("a transaction not committed is rolled back", "[gateway][database]") {
  TempDir dir;
  auto db = test::open_database(dir / "tessera.db");
  {
    auto tx = Transaction::begin(db);
    REQUIRE(tx.ok());
    REQUIRE(db.exec("INSERT INTO kiosks (label, public_key, credential_hash, enrolled) "
                    "VALUES ('a', zeroblob(32), zeroblob(32), 1)").ok());
  }
  CHECK(*db.query_int("SELECT count(*) FROM kiosks") == 0);
  {
    auto tx = Transaction::begin(db);
    REQUIRE(tx.ok());
    REQUIRE(db.exec("INSERT INTO kiosks (label, public_key, credential_hash, enrolled) "
                    "VALUES ('a', zeroblob(32), zeroblob(32), 1)").ok());
    REQUIRE(tx->commit().ok());
  }
  CHECK(*db.query_int("SELECT count(*) FROM kiosks") == 1);
}

TEST_CASE("a statement binds, steps and reads back every column type", "[gateway][database]") {
  TempDir dir;
  auto db = test::open_database(dir / "tessera.db");
  REQUIRE(db.exec("CREATE TABLE t (i INTEGER, s TEXT, b BLOB, n INTEGER)").ok());
  const std::array<std::uint8_t, 3> bytes{1, 0, 255};
  auto insert = db.prepare("INSERT INTO t VALUES (?1, ?2, ?3, ?4)");
  REQUIRE(insert.ok());
  REQUIRE(insert->bind(1, std::int64_t{-7}).bind(2, std::string_view("text")).bind(3, bytes).bind_null(4).run().ok());
  auto select = db.prepare("SELECT i, s, b, n FROM t");
  REQUIRE(select.ok());
  auto row = select->step();
  REQUIRE(row.ok());
  REQUIRE(*row);
  CHECK(select->int64(0) == -7);
  CHECK(select->text(1) == "text");
  CHECK(select->blob(2) == std::vector<std::uint8_t>(bytes.begin(), bytes.end()));
  CHECK(select->is_null(3));
  auto done = select->step();
  REQUIRE(done.ok());
  CHECK_FALSE(*done);
}

TEST_CASE("a constraint error names the constraint, not the value", "[gateway][database]") {
  TempDir dir;
  auto db = test::open_database(dir / "tessera.db");
  REQUIRE(db.exec("CREATE TABLE t (s TEXT UNIQUE)").ok());
  auto insert = db.prepare("INSERT INTO t VALUES (?1)");
  REQUIRE(insert.ok());
  REQUIRE(insert->bind(1, std::string_view("hunter2-secret")).run().ok());
  insert->reset();
  auto again = insert->bind(1, std::string_view("hunter2-secret")).run();
  REQUIRE_FALSE(again.ok());
  CHECK(again.error().code == SQLITE_CONSTRAINT);
  CHECK(again.error().message.find("UNIQUE") != std::string::npos);
  CHECK(again.error().message.find("hunter2") == std::string::npos);
}

TEST_CASE("a transaction inside another commits or rolls back with the outer one", "[gateway][database]") {
  TempDir dir;
  auto db = test::open_database(dir / "tessera.db");
  REQUIRE(db.exec("CREATE TABLE t (x INTEGER)").ok());
  {
    auto outer = Transaction::begin(db);
    REQUIRE(outer.ok());
    {
      auto inner = Transaction::begin(db);
      REQUIRE(inner.ok());
      REQUIRE(db.exec("INSERT INTO t VALUES (1)").ok());
    }  // inner rolled back, outer still open
    CHECK(db.in_transaction());
    {
      auto inner = Transaction::begin(db);
      REQUIRE(inner.ok());
      REQUIRE(db.exec("INSERT INTO t VALUES (2)").ok());
      REQUIRE(inner->commit().ok());
    }
    CHECK(*db.query_int("SELECT count(*) FROM t") == 1);
  }  // outer rolled back: the committed inner goes with it
  CHECK_FALSE(db.in_transaction());
  CHECK(*db.query_int("SELECT count(*) FROM t") == 0);
}
