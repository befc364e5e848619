#pragma once
// Waiting-room kiosks: devices an administrator enrols with a one-time code.
//   1. create_enrolment(label): a random code (shown once to the admin), its
//      hash stored with the label and a short expiry.
//   2. enrol(code, public key) on the device: the code is consumed and the
//      kiosk gets a long-lived random credential, stored hashed.
//   3. authenticate(id, credential) on every later connection.
// Codes and credentials are compared in constant time; neither is stored in
// the clear, so a copy of the database cannot act as a kiosk. The label is
// the administrator's name for a device ("front desk 2"), not a person.
// Times are wall-clock seconds passed in.
#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/database.hpp"
#include "gateway/store_error.hpp"
#include "shared/secret.hpp"

namespace tessera::gateway {

inline constexpr std::size_t kEnrolmentCodeBytes = 16;
inline constexpr std::size_t kKioskCredentialBytes = 32;
inline constexpr std::size_t kKioskPublicKeyBytes = 32;         // X25519
inline constexpr std::int64_t kEnrolmentLifetimeSeconds = 15 * 60;
// Unused codes at once; enrol() compares against each of them.
inline constexpr std::size_t kMaxPendingEnrolments = 8;
inline constexpr std::size_t kMaxKioskLabelBytes = 64;
// Kiosks one clinic (one gateway) holds: enrolled and not revoked, plus
// unused codes, each of which may become one.
inline constexpr std::size_t kMaxKiosks = 64;

using EnrolmentCode = Secret<kEnrolmentCodeBytes>;
using KioskCredential = Secret<kKioskCredentialBytes>;
using KioskPublicKey = std::array<std::uint8_t, kKioskPublicKeyBytes>;

struct Kiosk {
  std::int64_t id = 0;
  std::string label;
  KioskPublicKey public_key{};
  std::int64_t enrolled = 0;
  bool revoked = false;
  std::optional<std::int64_t> last_seen;
};

struct Enrolled {
  std::int64_t kiosk = 0;
  KioskCredential credential;  // given to the device once; only its hash is kept
};

class KioskStore {
 public:
  explicit KioskStore(Database& db) : db_(&db) {}

  // limit: kMaxPendingEnrolments codes unused, or kMaxKiosks reached.
  [[nodiscard]] Result<EnrolmentCode, StoreError> create_enrolment(std::string_view label, std::int64_t now);
  [[nodiscard]] Result<Enrolled, StoreError> enrol(std::span<const std::uint8_t> code, const KioskPublicKey& key,
                                                   std::int64_t now);
  // The kiosk, if the credential is its own and it is not revoked; records
  // last_seen.
  [[nodiscard]] Result<Kiosk, StoreError> authenticate(std::int64_t kiosk, std::span<const std::uint8_t> credential,
                                                       std::int64_t now);
  [[nodiscard]] Status<StoreError> revoke(std::int64_t kiosk);
  [[nodiscard]] Result<std::vector<Kiosk>, StoreError> list();
  // Deletes enrolment codes past their expiry; returns how many.
  [[nodiscard]] Result<std::size_t, StoreError> purge_expired(std::int64_t now);

 private:
  Database* db_;
};

}  // namespace tessera::gateway
