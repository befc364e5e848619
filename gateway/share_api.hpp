#pragma once
// The ephemeral shares HTTP API (issue 13), as plain functions of the request
// (no sockets). A share is a note or a file a provider hands a patient behind
// https://HOST/s/<share-id>#<fragment>; the fragment holds the key, so the
// gateway sees the id and, for a parked share, sealed bytes it cannot open
// (shared/share_content.hpp, docs/PROTOCOL.md §13).
//
// Provider (session cookie, Origin and CSRF as in account_api.hpp; an admin gets 403):
//   POST /api/shares {"share": 22-char base64url id the browser made,
//                     "mode": "live" | "parked",
//                     "lifetime_minutes": 15..10080,
//                     "max_opens": 0 (unlimited until expiry) | 1..20,
//                     "verifier": base64url share_open_verifier() (32 bytes),
//                     "sealed": base64url, parked only (kShareSealedMinBytes..kMaxParkedShareBytes)}
//        -> 201 {"share","mode","expires","max_opens"}. At most
//        kMaxSharesPerProvider unended shares per provider (429). This one
//        request may carry up to kMaxShareRequestBytes (the HTTP session's
//        limit is 4 KiB for every other request).
//   GET  /api/shares -> 200 [{"share","mode","state","opens","max_opens","created","expires"}],
//        the caller's own; state: waiting, opened, used_up, expired, destroyed,
//        provider_left (a live share whose provider's tab went)
//   POST /api/shares/ID/destroy -> 200 {"share","state":"destroyed"}: a
//        parked share's content is deleted in the same transaction, a live
//        share's signaling room closes (4000). Again on an ended share of
//        one's own: 200 with its state, nothing recorded. Another
//        provider's share answers like an unknown one (404).
// Whoever holds the link (no session; an allowed Origin, so only the page
// itself, after its person pressed Open, can make it — a link previewer that
// fetches /s/ID never gets here):
//   POST /api/shares/ID/open {"proof": base64url share_open_proof()}
//        -> 403 {"error":"wrong link"} when the proof does not match the
//        verifier (a wrong or cut fragment: nothing counted, nothing handed
//        over); else 200 {"share","mode"} plus "sealed" for a
//        parked share (the open counted; the last allowed one ends the share
//        and deletes the content); for a live one nothing is counted yet: the
//        page goes on to /signal, and the open counts when the provider's
//        browser lets it in. Refused by the gateway itself: 404 {"error":"not
//        found"}, 410 {"error":"expired" | "destroyed" | "used up"}, 429
//        {"error":"too many opens"} (kMaxShareOpensPerMinute per share).
// Audit, in the same transaction as the store write, pseudonymous refs only
// (never content, sizes or the id): share_created (acct:N, share:...),
// share_opened ("-", share:...), share_destroyed (acct:N, or "gateway" when
// used up, expired or its provider left). Nothing here logs.
#include <memory>
#include <optional>

#include "gateway/account_api.hpp"
#include "gateway/http_headers.hpp"
#include "gateway/share_store.hpp"
#include "shared/base64url.hpp"

namespace tessera::gateway {

inline constexpr std::string_view kSharesPath = "/api/shares";
// The body limit of POST /api/shares: a parked share's sealed bytes as
// base64url, and room for the rest of the JSON.
inline constexpr std::size_t kMaxShareRequestBytes = base64url_encoded_size(kMaxParkedShareBytes) + 1024;

class SignalingHub;
class Storage;

class ShareApi {
 public:
  // hub: whose room a destroyed live share closes; null when signaling is off.
  ShareApi(Storage& storage, std::shared_ptr<AccountApi> accounts, std::shared_ptr<SignalingHub> hub);

  // Whether a request with this header may carry a body up to kMaxShareRequestBytes.
  [[nodiscard]] static bool takes_large_body(const Request& header);

  // The answer for a /api/shares target, or nullopt for every other target.
  [[nodiscard]] std::optional<Response> handle(const Request& req, WallClock now);

 private:
  [[nodiscard]] Response create(const Request& req, ProviderId owner, const std::string& actor, std::int64_t now);
  [[nodiscard]] Response list(const Request& req, ProviderId owner, std::int64_t now);
  [[nodiscard]] Response destroy(const Request& req, ProviderId owner, const std::string& actor, const ShareId& id,
                                 std::int64_t now);
  [[nodiscard]] Response open(const Request& req, const ShareId& id, const Hash& proof, std::int64_t now);

  Storage* storage_;
  std::shared_ptr<AccountApi> accounts_;
  std::shared_ptr<SignalingHub> hub_;
};

}  // namespace tessera::gateway
