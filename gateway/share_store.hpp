#pragma once
// Ephemeral shares as the gateway keeps them (schema migration 4): the id the
// provider's browser chose, the owner, live or parked, created/expires, how
// many opens are allowed and made, and, for a parked share only, the sealed
// content (shared/share_content.hpp: the gateway cannot open it). A share
// ends when its provider destroys it, its last allowed open happens, its time
// is up, or (live) its provider's connection goes; ending deletes the sealed
// bytes at once (secure_delete zeroes them; flush_deleted() then moves the
// zeroed pages out of the WAL into the file) and keeps a row without content
// for the provider's list until kShareRetentionSeconds later.
// Times are wall-clock seconds passed in; nothing here reads a clock.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "gateway/database.hpp"
#include "gateway/signaling_types.hpp"
#include "gateway/store_error.hpp"
#include "shared/share_content.hpp"

namespace tessera::gateway {

// Limits (docs/PROTOCOL.md §13). A note's length and a parked file's size are
// bounded by the sealed size: the content format's own limits
// (kShareMaxNoteBytes, kShareMaxFileBytes) inside kShareSealedMaxBytes.
inline constexpr std::int64_t kMinShareLifetimeSeconds = 15 * 60;
inline constexpr std::int64_t kMaxShareLifetimeSeconds = 7 * 24 * 60 * 60;
inline constexpr std::int64_t kMaxShareOpens = 20;             // a limited share; 0 means unlimited
inline constexpr std::size_t kMaxSharesPerProvider = 20;       // not ended and unexpired, at once
inline constexpr std::int64_t kMaxShareOpensPerMinute = 10;    // per share, whoever asks
inline constexpr std::int64_t kShareRetentionSeconds = 24 * 60 * 60;
inline constexpr std::size_t kMaxParkedShareBytes = kShareSealedMaxBytes;

enum class ShareMode { live, parked };
enum class ShareEnd { destroyed, used_up, expired, provider_left };
[[nodiscard]] std::string_view share_mode_name(ShareMode mode);
[[nodiscard]] std::string_view share_end_name(ShareEnd end);

struct Share {
  ShareId id{};
  ShareMode mode = ShareMode::live;
  std::int64_t created = 0;
  std::int64_t expires = 0;
  std::int64_t max_opens = 0;  // 0: unlimited until expiry
  std::int64_t opens = 0;
  std::optional<ShareEnd> ended;  // expired-but-not-yet-swept shows as expired too
};

struct NewShare {
  ShareId id{};
  ShareMode mode = ShareMode::live;
  std::int64_t expires = 0;   // kMin..kMaxShareLifetimeSeconds after now
  std::int64_t max_opens = 0; // 0 or 1..kMaxShareOpens
  Hash verifier{};             // share_open_verifier() of the link's open proof
  std::span<const std::uint8_t> sealed;  // parked: kShareSealedMinBytes..kMaxParkedShareBytes; live: empty
};

// Why an open is refused. unknown also covers a share purged after retention.
// wrong_link: the proof does not match (a wrong or cut fragment); nothing counted.
enum class ShareRefusal { unknown, wrong_link, expired, destroyed, used_up, too_many_opens, database };

struct OpenedShare {
  ShareId id{};
  ProviderId owner{};
  ShareMode mode = ShareMode::live;
  std::vector<std::uint8_t> sealed;  // parked only
  bool ended_now = false;            // this open was the last one allowed
};

class ShareStore {
 public:
  explicit ShareStore(Database& db) : db_(&db) {}

  [[nodiscard]] Status<StoreError> create(ProviderId owner, const NewShare& share, std::int64_t now);
  // The owner's shares, newest first; nobody else's.
  [[nodiscard]] Result<std::vector<Share>, StoreError> list(ProviderId owner, std::int64_t now);
  // Ends the owner's share (destroyed). not_found for an unknown share, one
  // of another owner (the same answer), or one that has ended already.
  [[nodiscard]] Status<StoreError> destroy(ProviderId owner, const ShareId& id, std::int64_t now);
  // Someone pressed Open, and their page proves it holds the link's secret
  // (proof: share_open_proof(); checked in constant time first). A parked share counts the open and hands over its
  // sealed bytes (ending it when that was the last open allowed); a live one
  // is only checked here and counts when its provider's browser lets the
  // opener in (count_live_open). Every call counts toward the per-minute limit.
  [[nodiscard]] Result<OpenedShare, ShareRefusal> open(const ShareId& id, std::span<const std::uint8_t, kHashBytes> proof,
                                                       std::int64_t now);
  // For the signaling rooms: whether the owner's live share may be served
  // now (nothing when not), and how many more openers it may let in
  // (LiveShareRoom::opens_left: none when unlimited until it expires).
  struct LiveShareRoom {
    std::optional<std::size_t> opens_left;
  };
  [[nodiscard]] std::optional<LiveShareRoom> live_open(ProviderId owner, const ShareId& id, std::int64_t now);
  // The owner's live share let an opener in: one more open; true when that
  // was the last allowed (the share is ended: used_up). not_found when it is
  // not the owner's open live share.
  [[nodiscard]] Result<bool, StoreError> count_live_open(ProviderId owner, const ShareId& id, std::int64_t now);
  // A live share whose provider's room went away (tab closed, signed out):
  // provider_left. not_found when it is not the owner's open live share.
  [[nodiscard]] Status<StoreError> end_live(ProviderId owner, const ShareId& id, std::int64_t now);
  // Ends every share whose time is up (expired) and returns their ids.
  [[nodiscard]] Result<std::vector<ShareId>, StoreError> end_expired(std::int64_t now);
  // Deletes rows ended more than kShareRetentionSeconds ago; returns how many.
  [[nodiscard]] Result<std::size_t, StoreError> purge_expired(std::int64_t now);
  // After a commit that ended a parked share: checkpoints the WAL into the
  // file and truncates it, so the zeroed pages replace the content on disk
  // and no copy stays in the WAL. Outside any transaction.
  [[nodiscard]] Status<StoreError> flush_deleted();

 private:
  [[nodiscard]] Status<StoreError> end(const ShareId& id, ShareEnd why, std::int64_t now);
  Database* db_;
};

}  // namespace tessera::gateway
