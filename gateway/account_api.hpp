#pragma once
// The sign-in HTTP API, as plain functions of the request (no sockets):
//   POST   /api/session  {"login","password","code"} -> 200 {"role","csrf"} and
//                        Set-Cookie: __Host-tessera-session=TOKEN; HttpOnly;
//                        Secure; SameSite=Strict; Path=/  (a fresh token each
//                        time, and any session the request carried is ended:
//                        a cookie planted before sign-in never becomes one)
//   GET    /api/session  -> 200 {"login","role","csrf"} or 401
//   DELETE /api/session  -> 200, the session ended server-side, cookie cleared
//   GET    /api/admin/accounts               -> [{"id","login","role","locked","disabled"}]
//   POST   /api/admin/accounts/ID/unlock     -> 200
//   POST   /api/admin/accounts/ID/disable    -> 200 (also ends its sessions)
//   GET    /api/admin/audit[?before=SEQ]     -> [{"seq","time","kind","actor","subject"}],
//                        newest first, at most kMaxAuditPage; pseudonymous refs
//                        only, as the trail keeps them
// Every state-changing request (POST, PUT, PATCH, DELETE) needs an Origin on
// the allowlist; all but the sign-in itself also need X-CSRF-Token equal to
// the session's. Answers are JSON with Cache-Control: no-store. Every sign-in
// failure is 401 {"error":"sign-in failed"}; an address over its rate gets
// 429 with the same text. Nothing here logs; the HTTP session's one line per
// request carries method and status only.
#include <boost/asio/any_io_executor.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <set>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "gateway/account_store.hpp"
#include "gateway/audit_trail.hpp"
#include "gateway/http_headers.hpp"
#include "gateway/sign_in.hpp"
#include "gateway/signaling_types.hpp"

namespace tessera::gateway {

inline constexpr std::string_view kSessionCookie = "__Host-tessera-session";
inline constexpr std::string_view kCsrfHeader = "X-CSRF-Token";
inline constexpr std::string_view kApiPrefix = "/api/";

using WallClock = std::chrono::system_clock::time_point;

// Sign-ins whose Argon2id check is queued or running at once; one more is
// answered 503 (each check holds 64 MiB for about 0.1 s). A second attempt
// for a login that has one in flight is answered like a rate limit (429,
// "sign-in failed") whether the login exists or not, so two racing attempts
// can never both read the same failure count or TOTP step.
inline constexpr std::size_t kMaxSignInsInFlight = 16;

// The signed-in caller, if any.
using Caller = std::optional<SessionView>;

// nullopt when caller holds `role`; otherwise the answer to send: 401 when
// nobody is signed in, 403 for another role. Admins hold no provider rights.
[[nodiscard]] std::optional<Response> require_role(const Caller& caller, Role role, const Request& req);

// The value of the named cookie in a Cookie header, or nullopt.
[[nodiscard]] std::optional<std::string_view> cookie_value(std::string_view header, std::string_view name);
// A Set-Cookie value for a __Host- cookie: HttpOnly; Secure; SameSite=Strict;
// Path=/, plus Max-Age when max_age_seconds is set (0 clears the cookie).
[[nodiscard]] std::string host_cookie(std::string_view name, std::string_view value,
                                      std::optional<std::int64_t> max_age_seconds = std::nullopt);
// A row id in a path segment ("/api/admin/accounts/7/unlock"): a positive
// decimal integer and nothing else.
[[nodiscard]] std::optional<std::int64_t> parse_row_id(std::string_view text);

// The /api/ answer shape, shared with the other APIs (visit_api.hpp): JSON,
// no-store, security headers. Error bodies are fixed words, never request text.
[[nodiscard]] Response json_response(const Request& req, boost::beast::http::status status, const nlohmann::json& body);
[[nodiscard]] Response json_error(const Request& req, boost::beast::http::status status, std::string_view error);
[[nodiscard]] std::int64_t unix_seconds(WallClock now);

class Storage;
class AccountApi;

// The API over the gateway's storage: its database, audit trail and the key
// file's "totpseed" key, with a fresh dummy hash.
[[nodiscard]] std::shared_ptr<AccountApi> make_account_api(Storage& storage, std::vector<std::string> allowed_origins);

class AccountApi {
 public:
  // allowed_origins: exact Origin values, as for /signal. dummy_hash: any
  // Argon2id hash (see decide_sign_in); make one with password_hash() at start.
  // audit: where sign-ins, failures, locks, sign-outs and admin changes are
  // recorded (pseudonymous account refs only); null records nothing.
  AccountApi(Database& db, TotpSeedKey seed_key, std::vector<std::string> allowed_origins, std::string dummy_hash,
             AuditTrail* audit = nullptr);

  // The answer for a /api/ target, or nullopt for every other target.
  // remote_address: the peer's IP as text (for the per-address throttle).
  // A sign-in answered here runs its Argon2id check on the calling thread.
  [[nodiscard]] std::optional<Response> handle(const Request& req, const std::string& remote_address, WallClock now);

  // POST /api/session, with the Argon2id check off the I/O thread: the rest
  // runs on `home` (the caller's executor, which must be the one every other
  // call here comes from), the check on the worker set_worker() gave, and
  // done(answer) is called on `home`. req must stay valid until then.
  [[nodiscard]] static bool is_sign_in(const Request& req);
  void sign_in_async(const Request& req, const std::string& remote_address, WallClock now,
                     boost::asio::any_io_executor home, std::function<void(Response)> done);
  // Where sign_in_async runs Argon2id (a thread pool's executor). Unset: on `home`.
  void set_worker(boost::asio::any_io_executor worker) { worker_ = std::move(worker); }

  // The caller the request's cookie names (touching its last-seen time).
  [[nodiscard]] Caller authenticate(const Request& req, std::int64_t now);
  // For a /signal upgrade: the provider the request's cookie signs in (same
  // expiry rules, last-seen touched); nullopt for no session or an admin's.
  [[nodiscard]] std::optional<ProviderId> signed_in_provider(const Request& req, std::int64_t now);
  // nullopt when a state-changing request comes from an allowed Origin and
  // carries the session's CSRF token; otherwise the answer to send.
  [[nodiscard]] std::optional<Response> check_csrf(const Request& req, const Caller& caller) const;
  // Whether the request's Origin header is on the allowlist (absent: no).
  [[nodiscard]] bool origin_allowed(const Request& req) const;

  [[nodiscard]] AccountStore& store() { return store_; }

 private:
  // The sign-in's halves around SignInAttempt::check(); begin answers at
  // once (Response) when the attempt ends before any Argon2id.
  [[nodiscard]] std::variant<Response, std::shared_ptr<SignInAttempt>> begin_sign_in(
      const Request& req, const std::string& remote_address, WallClock now);
  [[nodiscard]] Response finish_sign_in(const Request& req, SignInAttempt& attempt);
  [[nodiscard]] Response who_am_i(const Request& req, std::int64_t now);
  [[nodiscard]] Response sign_out(const Request& req, std::int64_t now);
  [[nodiscard]] Response admin(const Request& req, std::string_view path, std::int64_t now);
  [[nodiscard]] Response audit_log(const Request& req, std::int64_t now);
  void record(AuditEvent event, std::string_view actor, std::string_view subject, std::int64_t now);

  AccountStore store_;
  SignInThrottle throttle_;
  std::vector<std::string> allowed_origins_;
  std::string dummy_hash_;
  AuditTrail* audit_;
  boost::asio::any_io_executor worker_;
  std::set<std::string> logins_in_flight_;  // between begin_sign_in and finish_sign_in
};

}  // namespace tessera::gateway
