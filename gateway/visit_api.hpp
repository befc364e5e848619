#pragma once
// The visits HTTP API, for signed-in providers only, as plain functions of the
// request (no sockets):
//   POST /api/visits  {"visit": 22-char base64url id the browser made,
//                      "people": 2..8 (optional, default 2),
//                      "lifetime_minutes": 1..1440 (optional, default 60)}
//                     -> 201 {"visit","expires"}
//   GET  /api/visits  -> 200 [{"visit","state","created","expires","people"}],
//                     the caller's own visits only
//   POST /api/visits/ID/end -> 200 {"visit","state":"ended"}; the visit's
//                     signaling room closes for everyone (close code 4000).
//                     Ending one's own visit that has ended already (over
//                     signaling, or a second press) answers the same 200 and
//                     records nothing new
// Sign-in, Origin and CSRF rules are the account API's (account_api.hpp); an
// admin gets 403 for every one of these. Another provider's visit answers
// exactly like an unknown one (404), so ids cannot be probed. Each change is
// recorded in the audit trail (visit_created, visit_ended: "acct:N" and the
// keyed "visit:..." ref, never the id) in the same transaction as the store
// write: both commit or neither does.
#include <memory>
#include <optional>

#include "gateway/account_api.hpp"
#include "gateway/http_headers.hpp"

namespace tessera::gateway {

inline constexpr std::string_view kVisitsPath = "/api/visits";
// A visit's lifetime when the request names none, and the bounds of one it names.
inline constexpr std::int64_t kDefaultVisitLifetimeMinutes = 60;
inline constexpr std::int64_t kMaxVisitLifetimeMinutes = 24 * 60;  // kMaxVisitLifetimeSeconds

// A visit id as the API and links write it: 22 base64url characters.
[[nodiscard]] std::optional<VisitId> parse_visit_id(std::string_view text);

class SignalingHub;
class Storage;

class VisitApi {
 public:
  // hub: whose rooms an ended visit closes; null when signaling is off.
  VisitApi(Storage& storage, std::shared_ptr<AccountApi> accounts,
           std::shared_ptr<SignalingHub> hub);

  // The answer for a /api/visits target, or nullopt for every other target.
  [[nodiscard]] std::optional<Response> handle(const Request& req, WallClock now);

 private:
  [[nodiscard]] Response create(const Request& req, ProviderId owner, const std::string& actor,
                                std::int64_t now);
  [[nodiscard]] Response list(const Request& req, ProviderId owner);
  [[nodiscard]] Response end(const Request& req, ProviderId owner, const std::string& actor,
                             std::string_view id_text, std::int64_t now);

  // The owner's visit is stored and ended (so a repeated end is not a 404).
  [[nodiscard]] bool already_ended(ProviderId owner, const VisitId& id);

  Storage* storage_;
  std::shared_ptr<AccountApi> accounts_;
  std::shared_ptr<SignalingHub> hub_;
};

}  // namespace tessera::gateway
