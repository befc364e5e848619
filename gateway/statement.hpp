#pragma once
// A prepared SQLite statement (RAII) with bind, step and column helpers.
// Binding errors are kept and reported by the next step(), so call sites read
// as one chain: stmt.bind(1, id).bind(2, now); auto row = stmt.step();
// Parameter and column indexes are SQLite's: parameters from 1, columns from 0.
#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "shared/result.hpp"

namespace tessera::gateway {

// What went wrong in the data layer: SQLite's primary result code (or
// SQLITE_ERROR for our own refusals) and one line naming the operation and
// the reason. Never contains a bound value.
struct DbError {
  int code = SQLITE_ERROR;
  std::string message;
};

// "what: SQLite's reason", for a failed call on db.
[[nodiscard]] DbError db_error(sqlite3* db, int rc, std::string_view what);

class Statement {
 public:
  Statement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}

  Statement& bind(int index, std::int64_t value);
  Statement& bind(int index, std::string_view text);
  Statement& bind(int index, std::span<const std::uint8_t> blob);
  Statement& bind_null(int index);

  // true: a row is ready to read; false: done.
  [[nodiscard]] Result<bool, DbError> step();
  // Steps to the end, for statements that return no rows.
  [[nodiscard]] Status<DbError> run();
  // Ready to run again with new bindings.
  void reset();

  [[nodiscard]] std::int64_t int64(int column) const;
  [[nodiscard]] std::string text(int column) const;
  [[nodiscard]] std::vector<std::uint8_t> blob(int column) const;
  [[nodiscard]] bool is_null(int column) const;

 private:
  struct Finalize {
    void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
  };
  Statement& check_bind(int rc);

  sqlite3* db_;
  std::unique_ptr<sqlite3_stmt, Finalize> stmt_;
  std::optional<DbError> bind_error_;
};

}  // namespace tessera::gateway
