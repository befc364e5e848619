#pragma once
// Why a store (visits, kiosks) refused or failed. `database` wraps a DbError;
// the rest are answers about the request. Messages never carry ids, codes,
// labels or other values.
#include <string>
#include <utility>

#include "gateway/statement.hpp"

namespace tessera::gateway {

struct StoreError {
  enum class Kind {
    database,   // SQLite failed; message says how
    not_found,  // no such item for this caller (another owner's looks the same)
    limit,      // a named limit was reached
    duplicate,  // the id is taken
    invalid,    // the request breaks a rule (times, sizes, text)
    expired,    // a one-time code or item is past its time
    revoked,    // a kiosk that was revoked
  };
  Kind kind = Kind::database;
  std::string message;
};

[[nodiscard]] inline StoreError store_error(const DbError& e) { return StoreError{StoreError::Kind::database, e.message}; }

// An answer about the request (not a database failure), for a store's Result.
[[nodiscard]] inline StoreError refuse(StoreError::Kind kind, std::string message) {
  return StoreError{kind, std::move(message)};
}

}  // namespace tessera::gateway
