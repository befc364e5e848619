#include "gateway/database.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gateway/schema.hpp"

namespace tessera::gateway {
namespace {

DbError refuse(std::string message) { return DbError{SQLITE_CANTOPEN, std::move(message)}; }

// The file exists with no group/other access, or is created so. The
// directory is the operator's to create: making it here could put the
// database somewhere nobody meant.
Status<DbError> prepare_file(const std::filesystem::path& file) {
  struct stat st {};
  if (::stat(file.c_str(), &st) == 0) {
    if (!S_ISREG(st.st_mode)) return refuse("--data: not a regular file");
    if ((st.st_mode & 077) != 0) return refuse("--data: the file is readable or writable by group or others (chmod 600)");
    return Unit{};
  }
  const auto dir = file.parent_path().empty() ? std::filesystem::path(".") : file.parent_path();
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) return refuse("--data: the directory does not exist");
  const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) return refuse("--data: cannot create the file");
  ::close(fd);
  return Unit{};
}

}  // namespace

Result<Database, DbError> Database::open_unmigrated(const std::filesystem::path& file) {
  if (auto ready = prepare_file(file); !ready) return ready.error();
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(file.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOFOLLOW, nullptr);
  std::unique_ptr<sqlite3, Close> handle(raw);
  if (rc != SQLITE_OK) return db_error(raw, rc, "open");
  sqlite3_busy_timeout(raw, kBusyTimeoutMs);
  Database db(std::move(handle), file);

  // WAL with synchronous=FULL: a commit is on disk when it returns, and a
  // crash at any point leaves the last commit intact. secure_delete zeroes
  // deleted rows instead of leaving them in free pages.
  auto mode = db.prepare("PRAGMA journal_mode=WAL");
  if (!mode) return mode.error();
  auto row = mode->step();
  if (!row) return row.error();
  if (!*row || mode->text(0) != "wal") return DbError{SQLITE_ERROR, "open: cannot switch to WAL journal mode"};
  if (auto s = db.exec("PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; PRAGMA secure_delete=ON;"); !s) {
    return s.error();
  }
  return db;
}

Result<Database, DbError> Database::open(const std::filesystem::path& file) {
  auto db = open_unmigrated(file);
  if (!db) return db;
  if (auto s = migrate(*db, schema_migrations()); !s) return s.error();
  return db;
}

Result<Statement, DbError> Database::prepare(std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  const int rc = sqlite3_prepare_v2(db_.get(), sql.data(), static_cast<int>(sql.size()), &stmt, nullptr);
  if (rc != SQLITE_OK) {
    sqlite3_finalize(stmt);
    return db_error(db_.get(), rc, "prepare");
  }
  return Statement(db_.get(), stmt);
}

Status<DbError> Database::exec(std::string_view sql) {
  const std::string text(sql);  // sqlite3_exec wants a terminated string
  const int rc = sqlite3_exec(db_.get(), text.c_str(), nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return db_error(db_.get(), rc, "exec");
  return Unit{};
}

Result<std::int64_t, DbError> Database::query_int(std::string_view sql) {
  auto stmt = prepare(sql);
  if (!stmt) return stmt.error();
  auto row = stmt->step();
  if (!row) return row.error();
  if (!*row) return DbError{SQLITE_ERROR, "query: no row"};
  return stmt->int64(0);
}

std::int64_t Database::last_insert_rowid() const { return sqlite3_last_insert_rowid(db_.get()); }

int Database::changes() const { return sqlite3_changes(db_.get()); }

Result<Transaction, DbError> Transaction::begin(Database& db) {
  const bool nested = db.in_transaction();
  if (auto s = db.exec(nested ? "SAVEPOINT nested" : "BEGIN IMMEDIATE"); !s) return s.error();
  return Transaction(db, nested);
}

Transaction::~Transaction() {
  if (db_) (void)db_->exec(nested_ ? "ROLLBACK TO nested; RELEASE nested" : "ROLLBACK");
}

Status<DbError> Transaction::commit() {
  if (!db_) return DbError{SQLITE_MISUSE, "commit: no open transaction"};
  auto s = db_->exec(nested_ ? "RELEASE nested" : "COMMIT");
  if (!s) return s;  // still open: the destructor rolls back
  db_ = nullptr;
  return s;
}

}  // namespace tessera::gateway
