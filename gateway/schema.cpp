#include "gateway/schema.hpp"

#include <array>
#include <string>

namespace tessera::gateway {
namespace {

// Migration 1: visits, kiosks, the audit trail. Nothing here names a patient:
// visits are random ids with an owner account and times; kiosks have a label
// an administrator chose for a device; the audit trail holds pseudonymous ids.
constexpr std::string_view kVisitsKiosksAudit = R"sql(
CREATE TABLE visits (
  id       BLOB PRIMARY KEY CHECK (length(id) = 16),  -- as the browser chose it
  owner    INTEGER NOT NULL,                          -- provider account id
  created  INTEGER NOT NULL,                          -- wall-clock seconds
  expires  INTEGER NOT NULL,
  ended    INTEGER,                                   -- NULL while open
  people   INTEGER NOT NULL CHECK (people BETWEEN 2 AND 8)
) WITHOUT ROWID;
CREATE INDEX visits_by_owner ON visits (owner, created);
CREATE INDEX visits_by_expiry ON visits (expires);

CREATE TABLE kiosk_enrolments (
  code_hash BLOB PRIMARY KEY CHECK (length(code_hash) = 32),
  label     TEXT NOT NULL,
  created   INTEGER NOT NULL,
  expires   INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE kiosks (
  id              INTEGER PRIMARY KEY,
  label           TEXT NOT NULL,
  public_key      BLOB NOT NULL CHECK (length(public_key) = 32),
  credential_hash BLOB NOT NULL UNIQUE CHECK (length(credential_hash) = 32),
  enrolled        INTEGER NOT NULL,
  revoked         INTEGER NOT NULL DEFAULT 0,
  last_seen       INTEGER
);

CREATE TABLE audit (
  seq     INTEGER PRIMARY KEY,  -- 1, 2, 3, ... without gaps
  time    INTEGER NOT NULL,
  kind    TEXT NOT NULL,
  actor   TEXT NOT NULL,
  subject TEXT NOT NULL,
  mac     BLOB NOT NULL CHECK (length(mac) = 32)
);
-- Append-only for the gateway itself; someone with the file can drop these,
-- which is what the MAC chain is for.
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
  BEGIN SELECT RAISE(ABORT, 'audit is append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
  BEGIN SELECT RAISE(ABORT, 'audit is append-only'); END;
)sql";

// Migration 2: provider and admin accounts, their sign-in sessions and
// throttle state (gateway/account_store.hpp). Passwords only as Argon2id
// hashes; second-factor seeds only sealed under the key file; sessions only
// as a hash of their token, so a copy of this file signs nobody in.
constexpr std::string_view kAccountsSessions = R"sql(
CREATE TABLE accounts (
  id             INTEGER PRIMARY KEY,
  login          TEXT NOT NULL UNIQUE,
  role           TEXT NOT NULL CHECK (role IN ('provider', 'admin')),
  password_hash  TEXT NOT NULL,                        -- crypto_pwhash_str (Argon2id)
  totp_sealed    BLOB NOT NULL,                        -- nonce || XChaCha20-Poly1305(seed), AD = id
  totp_last_step INTEGER NOT NULL DEFAULT 0,           -- replay guard: last step signed in with
  failures       INTEGER NOT NULL DEFAULT 0,           -- failed sign-ins since the last success or lock
  lockouts       INTEGER NOT NULL DEFAULT 0,           -- locks since the last success (doubles the lock)
  locked_until   INTEGER NOT NULL DEFAULT 0,           -- wall-clock seconds
  disabled       INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
  created        INTEGER NOT NULL
);

CREATE TABLE sessions (
  token_hash BLOB PRIMARY KEY CHECK (length(token_hash) = 32),  -- BLAKE2b of the cookie's token
  account    INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  csrf       TEXT NOT NULL,
  created    INTEGER NOT NULL,
  last_seen  INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX sessions_by_account ON sessions (account);
)sql";

// Migration 3: each kiosk's inbox (gateway/kiosk_inbox.hpp): visits a
// provider sent to it, the link's fragment sealed to the kiosk's X25519 key
// (crypto_box_seal; the gateway cannot open it). Nothing here names a patient.
// An item lives no longer than its visit: the kiosk's fetch, the visit's
// expiry (housekeeping), its end and the kiosk's revocation all delete it
// (the triggers, whoever writes), and purging the visit cascades.
// The size bounds are kMinKioskSealedBytes..kMaxKioskSealedBytes.
constexpr std::string_view kKioskInbox = R"sql(
CREATE TABLE kiosk_inbox (
  kiosk   INTEGER NOT NULL REFERENCES kiosks (id) ON DELETE CASCADE,
  visit   BLOB NOT NULL REFERENCES visits (id) ON DELETE CASCADE,
  sealed  BLOB NOT NULL CHECK (length(sealed) BETWEEN 49 AND 560),
  sent    INTEGER NOT NULL,                 -- wall-clock seconds
  expires INTEGER NOT NULL,                 -- the visit's
  PRIMARY KEY (kiosk, visit)
) WITHOUT ROWID;
CREATE INDEX kiosk_inbox_by_visit ON kiosk_inbox (visit);
CREATE INDEX kiosk_inbox_by_expiry ON kiosk_inbox (expires);
CREATE TRIGGER kiosk_inbox_visit_ended AFTER UPDATE OF ended ON visits WHEN NEW.ended IS NOT NULL
  BEGIN DELETE FROM kiosk_inbox WHERE visit = NEW.id; END;
CREATE TRIGGER kiosk_inbox_kiosk_revoked AFTER UPDATE OF revoked ON kiosks WHEN NEW.revoked != 0
  BEGIN DELETE FROM kiosk_inbox WHERE kiosk = NEW.id; END;
)sql";

// Migration 4: ephemeral shares (gateway/share_store.hpp): a note or a file a
// provider hands a patient behind a temporary link. The id is the browser's
// random handle; the key is in the link's fragment, never here. A live share
// keeps its content in the provider's browser (sealed is NULL); a parked one
// keeps the sealed bytes until it ends: destroyed, used up, expired or, for a
// live one, its provider's connection gone (`ended`, `end_reason`), when
// sealed is set to NULL at once (secure_delete zeroes the freed pages). The
// row stays as the provider's record until kShareRetentionSeconds later.
// opens_window / opens_in_window count opens per minute (kMaxShareOpensPerMinute).
// verifier lets the gateway check an opener's proof of the link's secret
// (shared/share_content.hpp) without holding anything that opens the content.
// The size bound is kShareSealedMinBytes..kShareSealedMaxBytes.
constexpr std::string_view kShares = R"sql(
CREATE TABLE shares (
  id              BLOB PRIMARY KEY CHECK (length(id) = 16),
  owner           INTEGER NOT NULL,                      -- provider account id
  mode            TEXT NOT NULL CHECK (mode IN ('live', 'parked')),
  created         INTEGER NOT NULL,                      -- wall-clock seconds
  expires         INTEGER NOT NULL,
  verifier        BLOB NOT NULL CHECK (length(verifier) = 32),  -- share_open_verifier(): opens need its proof
  max_opens       INTEGER NOT NULL CHECK (max_opens >= 0),  -- 0: unlimited until expiry
  opens           INTEGER NOT NULL DEFAULT 0,
  opens_window    INTEGER NOT NULL DEFAULT 0,            -- the minute opens_in_window counts
  opens_in_window INTEGER NOT NULL DEFAULT 0,
  ended           INTEGER,                               -- NULL while it can be opened
  end_reason      TEXT CHECK (end_reason IN ('destroyed', 'used_up', 'expired', 'provider_left')),
  sealed          BLOB CHECK (sealed IS NULL OR length(sealed) BETWEEN 105 AND 4194345)
) WITHOUT ROWID;
CREATE INDEX shares_by_owner ON shares (owner, created);
CREATE INDEX shares_by_expiry ON shares (expires);
)sql";

// Append new migrations at the end; never edit or reorder shipped ones.
constexpr std::array kMigrations{
    Migration{"1 (visits, kiosks, audit)", kVisitsKiosksAudit},
    Migration{"2 (accounts, sessions)", kAccountsSessions},
    Migration{"3 (kiosk inbox)", kKioskInbox},
    Migration{"4 (shares)", kShares},
};

}  // namespace

std::span<const Migration> schema_migrations() { return kMigrations; }

Status<DbError> migrate(Database& db, std::span<const Migration> steps) {
  auto version = db.query_int("PRAGMA user_version");
  if (!version) return version.error();
  const auto known = static_cast<std::int64_t>(steps.size());
  if (*version > known) {
    return DbError{SQLITE_ERROR, "the database was written by a newer gateway (schema " + std::to_string(*version) +
                                     ", this build knows " + std::to_string(known) + ")"};
  }
  for (auto v = *version; v < known; ++v) {
    const auto& step = steps[static_cast<std::size_t>(v)];
    auto tx = Transaction::begin(db);
    if (!tx) return tx.error();
    if (auto s = db.exec(step.sql); !s) {
      return DbError{s.error().code, "migration " + std::string(step.name) + ": " + s.error().message};
    }
    // PRAGMA takes no parameters; v + 1 is our own integer.
    if (auto s = db.exec("PRAGMA user_version=" + std::to_string(v + 1)); !s) return s.error();
    if (auto s = tx->commit(); !s) return s.error();
  }
  return Unit{};
}

}  // namespace tessera::gateway
