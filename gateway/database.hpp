#pragma once
// The gateway's one SQLite file (--data FILE), as an RAII connection. Opening
// creates the file (0600) if missing, sets the pragmas that make a commit
// durable and a delete final, and applies the schema's migrations
// (gateway/schema.hpp). Errors come back as DbError values, never as
// exceptions, so Asio handlers can call this directly; their text names what
// failed and SQLite's reason, never a bound value.
#include <sqlite3.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "gateway/statement.hpp"
#include "shared/result.hpp"

namespace tessera::gateway {

// How long a writer waits for another connection's lock before SQLITE_BUSY.
inline constexpr int kBusyTimeoutMs = 5000;

class Database {
 public:
  // Opens (creating 0600 if missing) and migrates. The file's directory must
  // exist; a file readable by group or others, or one written by newer code
  // (user_version above ours), is refused.
  [[nodiscard]] static Result<Database, DbError> open(const std::filesystem::path& file);
  // Opens without migrating: for `audit verify` and for tests of migrations.
  [[nodiscard]] static Result<Database, DbError> open_unmigrated(const std::filesystem::path& file);

  [[nodiscard]] Result<Statement, DbError> prepare(std::string_view sql);
  // Runs SQL without parameters (schema, pragmas). Never put values in it.
  [[nodiscard]] Status<DbError> exec(std::string_view sql);
  // One integer from a query without parameters ("PRAGMA user_version").
  [[nodiscard]] Result<std::int64_t, DbError> query_int(std::string_view sql);

  [[nodiscard]] std::int64_t last_insert_rowid() const;
  [[nodiscard]] int changes() const;  // rows changed by the last statement
  [[nodiscard]] bool in_transaction() const { return sqlite3_get_autocommit(db_.get()) == 0; }
  [[nodiscard]] const std::filesystem::path& file() const { return file_; }
  [[nodiscard]] sqlite3* handle() const { return db_.get(); }

 private:
  struct Close {
    void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
  };
  Database(std::unique_ptr<sqlite3, Close> db, std::filesystem::path file)
      : db_(std::move(db)), file_(std::move(file)) {}

  std::unique_ptr<sqlite3, Close> db_;
  std::filesystem::path file_;
};

// BEGIN IMMEDIATE on construction (the write lock is taken up front, so a
// busy database fails here rather than halfway); rolls back on destruction
// unless commit() succeeded. Inside another transaction it is a SAVEPOINT,
// so a store's own transaction composes with a caller's (a visit and its
// audit entry commit together or not at all).
class Transaction {
 public:
  [[nodiscard]] static Result<Transaction, DbError> begin(Database& db);
  ~Transaction();
  Transaction(Transaction&& other) noexcept : db_(other.db_), nested_(other.nested_) { other.db_ = nullptr; }
  Transaction& operator=(Transaction&&) = delete;
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  [[nodiscard]] Status<DbError> commit();

 private:
  Transaction(Database& db, bool nested) : db_(&db), nested_(nested) {}
  Database* db_;  // null once committed or rolled back
  bool nested_;
};

}  // namespace tessera::gateway
