#pragma once
// Each kiosk's inbox: visits a provider sent to it, waiting for the tablet's
// next fetch. An item is the visit id and the link's fragment sealed by the
// provider's browser to the kiosk's X25519 key (crypto_box_seal), which the
// gateway cannot open; nothing in it names a patient. An item lives no longer
// than its visit: take() hands it over once and deletes it (at most once:
// a lost answer means the provider sends again); the visit's expiry
// (purge_expired, from housekeeping), its end, and the kiosk's revocation
// delete it too (schema migration 3's triggers, whoever makes the change).
// Times are wall-clock seconds passed in.
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "gateway/database.hpp"
#include "gateway/signaling_types.hpp"
#include "gateway/store_error.hpp"
#include "shared/protocol.hpp"
#include "shared/visit_link.hpp"

namespace tessera::gateway {

// crypto_box_seal of 1 byte up to a whole link (kLinkMaxChars): what the
// provider's browser seals is the link's fragment, 87 characters today.
// Schema migration 3 checks the same bounds.
inline constexpr std::size_t kMinKioskSealedBytes = kSealOverheadBytes + 1;
inline constexpr std::size_t kMaxKioskSealedBytes = kSealOverheadBytes + kLinkMaxChars;
// Items one kiosk holds at once (a tablet serves one visit at a time; a few
// may queue up between its fetches). Sending a visit the inbox already holds
// replaces that item rather than adding one.
inline constexpr std::size_t kMaxKioskInboxItems = 8;

struct KioskInboxItem {
  VisitId visit{};
  std::vector<std::uint8_t> sealed;
  std::int64_t expires = 0;  // the visit's
};

class KioskInbox {
 public:
  explicit KioskInbox(Database& db) : db_(&db) {}

  // Puts the owner's open, unexpired visit in the kiosk's inbox (replacing an
  // earlier item for the same visit); returns the item's expiry. not_found
  // when the kiosk is unknown or revoked, or the visit is not the owner's
  // open one (another owner's looks exactly like an unknown one); invalid for
  // a sealed size out of bounds; limit when the inbox is full.
  [[nodiscard]] Result<std::int64_t, StoreError> put(ProviderId owner, std::int64_t kiosk, const VisitId& visit,
                                                     std::span<const std::uint8_t> sealed, std::int64_t now);
  // The kiosk's unexpired items, oldest first, and deletes them all.
  [[nodiscard]] Result<std::vector<KioskInboxItem>, StoreError> take(std::int64_t kiosk, std::int64_t now);
  // Items held for the kiosk (expired ones too, until purged).
  [[nodiscard]] Result<std::size_t, StoreError> count(std::int64_t kiosk);
  // Deletes items whose visit has expired; returns how many.
  [[nodiscard]] Result<std::size_t, StoreError> purge_expired(std::int64_t now);

 private:
  Database* db_;
};

}  // namespace tessera::gateway
