#pragma once
// The database schema as an ordered list of migrations, in code. Migration i
// (1-based) takes a database from user_version i-1 to i, in one transaction
// that also sets PRAGMA user_version, so a crash leaves either the old or the
// new schema. A database whose user_version is above the list's length was
// written by newer code and is refused rather than guessed at.
//
// To change the schema, APPEND a migration to the list in schema.cpp; never
// edit or reorder one that has shipped.
#include <span>
#include <string_view>

#include "gateway/database.hpp"

namespace tessera::gateway {

struct Migration {
  std::string_view name;  // for error messages: "migration 1 (visits, kiosks, audit)"
  std::string_view sql;   // DDL only; no values
};

// Every migration of this build, in order.
[[nodiscard]] std::span<const Migration> schema_migrations();

// Brings db to steps.size(); refuses a database newer than that.
[[nodiscard]] Status<DbError> migrate(Database& db, std::span<const Migration> steps);

}  // namespace tessera::gateway
