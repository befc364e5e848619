// The sign-in HTTP API: see account_api.hpp.
#include "gateway/account_api.hpp"

#include <sodium.h>

#include <algorithm>
#include <charconv>
#include <boost/asio/post.hpp>
#include <nlohmann/json.hpp>

#include "gateway/operations.hpp"
#include "gateway/password.hpp"
#include "gateway/storage.hpp"
#include "shared/base64url.hpp"

namespace tessera::gateway {
namespace http = boost::beast::http;
namespace net = boost::asio;
using nlohmann::json;

namespace {

constexpr std::string_view kSessionPath = "/api/session";
constexpr std::string_view kAdminAccountsPath = "/api/admin/accounts";
constexpr std::string_view kAdminAuditPath = "/api/admin/audit";

bool state_changing(http::verb v) {
  return v == http::verb::post || v == http::verb::put || v == http::verb::patch || v == http::verb::delete_;
}

std::string session_cookie(std::string_view value, bool clear) {
  return host_cookie(kSessionCookie, value, clear ? std::optional<std::int64_t>(0) : std::nullopt);
}

// The session token the Cookie header carries, decoded; nullopt when absent or malformed.
std::optional<SessionToken> request_token(const Request& req) {
  const auto value = cookie_value(req[http::field::cookie], kSessionCookie);
  if (!value) return std::nullopt;
  SessionToken token;
  if (!base64url_decode_exact(*value, token.span())) return std::nullopt;
  return token;
}

}  // namespace

Response json_response(const Request& req, http::status status, const json& body) {
  Response res{status, req.version()};
  set_security_headers(res);
  res.set(http::field::content_type, "application/json");
  res.set(http::field::cache_control, "no-store");
  res.keep_alive(req.keep_alive());
  res.body() = body.dump();
  return finish_response(std::move(res), req);
}

// Error bodies are fixed words, never request text.
Response json_error(const Request& req, http::status status, std::string_view error) {
  return json_response(req, status, json{{"error", error}});
}

std::int64_t unix_seconds(WallClock now) {
  return std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
}

std::shared_ptr<AccountApi> make_account_api(Storage& storage, std::vector<std::string> allowed_origins) {
  // Any hash will do as long as it costs what a real one costs.
  std::array<std::uint8_t, 32> filler{};
  randombytes_buf(filler.data(), filler.size());
  auto dummy = password_hash(base64url_encode(filler)).value_or(std::string{});
  return std::make_shared<AccountApi>(storage.database(), storage.keys().derive(key_purpose::kTotpSeed),
                                      std::move(allowed_origins), std::move(dummy), &storage.audit());
}

std::optional<Response> require_role(const Caller& caller, Role role, const Request& req) {
  if (!caller) return json_error(req, http::status::unauthorized, "not signed in");
  if (caller->role != role) return json_error(req, http::status::forbidden, "not allowed");
  return std::nullopt;
}

std::optional<std::string_view> cookie_value(std::string_view header, std::string_view name) {
  while (!header.empty()) {
    const auto end = header.find(';');
    auto pair = header.substr(0, end);
    header = end == std::string_view::npos ? std::string_view{} : header.substr(end + 1);
    while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
    const auto eq = pair.find('=');
    if (eq != std::string_view::npos && pair.substr(0, eq) == name) return pair.substr(eq + 1);
  }
  return std::nullopt;
}

std::string host_cookie(std::string_view name, std::string_view value, std::optional<std::int64_t> max_age_seconds) {
  auto out = std::string(name) + "=" + std::string(value) + "; HttpOnly; Secure; SameSite=Strict; Path=/";
  if (max_age_seconds) out += "; Max-Age=" + std::to_string(*max_age_seconds);
  return out;
}

std::optional<std::int64_t> parse_row_id(std::string_view text) {
  std::int64_t id = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc{} || end != text.data() + text.size() || id <= 0) return std::nullopt;
  return id;
}

AccountApi::AccountApi(Database& db, TotpSeedKey seed_key, std::vector<std::string> allowed_origins,
                       std::string dummy_hash, AuditTrail* audit)
    : store_(db, std::move(seed_key)),
      allowed_origins_(std::move(allowed_origins)),
      dummy_hash_(std::move(dummy_hash)),
      audit_(audit) {}

void AccountApi::record(AuditEvent event, std::string_view actor, std::string_view subject, std::int64_t now) {
  // A failed audit write must not change the answer; the trail's head check
  // shows entries that are missing.
  if (audit_) (void)audit_->append(event, actor, subject, now);
}

bool AccountApi::origin_allowed(const Request& req) const {
  const auto origin = req[http::field::origin];
  return !origin.empty() && std::find(allowed_origins_.begin(), allowed_origins_.end(), origin) != allowed_origins_.end();
}

Caller AccountApi::authenticate(const Request& req, std::int64_t now) {
  const auto token = request_token(req);
  if (!token) return std::nullopt;
  auto found = store_.session(token->span(), now);
  if (!found) return std::nullopt;  // a database error signs nobody in
  return std::move(*found);
}

std::optional<ProviderId> AccountApi::signed_in_provider(const Request& req, std::int64_t now) {
  const auto caller = authenticate(req, now);
  // An admin holds no provider rights, on /signal as on /api/visits.
  if (!caller || caller->role != Role::provider) return std::nullopt;
  return ProviderId{static_cast<std::uint64_t>(caller->account)};
}

std::optional<Response> AccountApi::check_csrf(const Request& req, const Caller& caller) const {
  if (!state_changing(req.method())) return std::nullopt;
  if (!origin_allowed(req)) return json_error(req, http::status::forbidden, "origin not allowed");
  if (!caller) return json_error(req, http::status::unauthorized, "not signed in");
  const auto sent = req[kCsrfHeader];
  if (sent.size() != caller->csrf.size() ||
      sodium_memcmp(sent.data(), caller->csrf.data(), caller->csrf.size()) != 0) {
    return json_error(req, http::status::forbidden, "csrf token missing or wrong");
  }
  return std::nullopt;
}

std::optional<Response> AccountApi::handle(const Request& req, const std::string& remote_address, WallClock now) {
  const auto path = target_path(req.target());
  if (!path.starts_with(kApiPrefix)) return std::nullopt;
  const auto seconds = unix_seconds(now);
  if (path == kSessionPath) {
    if (req.method() == http::verb::post) {
      auto begun = begin_sign_in(req, remote_address, now);
      if (auto* answer = std::get_if<Response>(&begun)) return std::move(*answer);
      auto& attempt = *std::get<std::shared_ptr<SignInAttempt>>(begun);
      attempt.check(dummy_hash_);
      return finish_sign_in(req, attempt);
    }
    if (req.method() == http::verb::get) return who_am_i(req, seconds);
    if (req.method() == http::verb::delete_) return sign_out(req, seconds);
    return json_error(req, http::status::method_not_allowed, "method not allowed");
  }
  if (path == kAdminAuditPath) return audit_log(req, seconds);
  if (path == kAdminAccountsPath || path.starts_with(std::string(kAdminAccountsPath) + "/")) {
    return admin(req, path, seconds);
  }
  return json_error(req, http::status::not_found, "not found");
}

bool AccountApi::is_sign_in(const Request& req) {
  return req.method() == http::verb::post && target_path(req.target()) == kSessionPath;
}

void AccountApi::sign_in_async(const Request& req, const std::string& remote_address, WallClock now,
                               net::any_io_executor home, std::function<void(Response)> done) {
  auto begun = begin_sign_in(req, remote_address, now);
  if (auto* answer = std::get_if<Response>(&begun)) return done(std::move(*answer));
  auto attempt = std::get<std::shared_ptr<SignInAttempt>>(std::move(begun));
  const auto worker = worker_ ? worker_ : home;
  // The API outlives the attempt (main owns it until the I/O thread stops);
  // req outlives it too (the caller's promise).
  net::post(worker, [this, &req, home, attempt, done = std::move(done)]() mutable {
    attempt->check(dummy_hash_);
    net::post(home, [this, &req, attempt, done = std::move(done)] { done(finish_sign_in(req, *attempt)); });
  });
}

std::variant<Response, std::shared_ptr<SignInAttempt>> AccountApi::begin_sign_in(const Request& req,
                                                                                const std::string& remote_address,
                                                                                WallClock now) {
  if (!origin_allowed(req)) return json_error(req, http::status::forbidden, "origin not allowed");
  const auto steady = Time{std::chrono::duration_cast<Time::duration>(now.time_since_epoch())};
  if (!throttle_.allow(remote_address, steady)) return json_error(req, http::status::too_many_requests, kSignInFailed);
  const auto body = json::parse(req.body(), nullptr, false);
  if (body.is_discarded() || !body.is_object() || !body.contains("login") || !body["login"].is_string() ||
      !body.contains("password") || !body["password"].is_string() || !body.contains("code") ||
      !body["code"].is_string()) {
    return json_error(req, http::status::bad_request, "expected {login, password, code}");
  }
  const auto& login = body["login"].get_ref<const std::string&>();
  if (logins_in_flight_.size() >= kMaxSignInsInFlight)
    return json_error(req, http::status::service_unavailable, "busy, try again");
  if (logins_in_flight_.count(login)) return json_error(req, http::status::too_many_requests, kSignInFailed);

  // A session the request already carries ends here, whatever the outcome.
  if (const auto old = request_token(req)) (void)store_.end_session(old->span());

  auto found = store_.find_by_login(login);
  if (!found) return json_error(req, http::status::internal_server_error, "internal error");
  auto attempt = std::make_shared<SignInAttempt>();
  attempt->login = login;
  attempt->account = std::move(*found);
  if (attempt->account) attempt->seed = store_.open_seed(*attempt->account);
  attempt->password = body["password"].get_ref<const std::string&>();
  attempt->code = body["code"].get_ref<const std::string&>();
  attempt->now = unix_seconds(now);
  logins_in_flight_.insert(login);
  return attempt;
}

Response AccountApi::finish_sign_in(const Request& req, SignInAttempt& attempt) {
  logins_in_flight_.erase(attempt.login);
  const Account* account = attempt.account ? &*attempt.account : nullptr;
  const auto& decision = attempt.decision;
  const auto seconds = attempt.now;
  if (account && decision.update) {
    if (auto s = store_.save_throttle(account->id, *decision.update); !s) {
      return json_error(req, http::status::internal_server_error, "internal error");
    }
  }
  const auto who = account ? audit_account_ref(account->id) : std::string(kAuditUnknown);
  if (decision.locked_now) record(AuditEvent::locked_out, kAuditGateway, who, seconds);
  if (!decision.accepted) {
    record(AuditEvent::sign_in_failed, who, kAuditNobody, seconds);
    return json_error(req, http::status::unauthorized, kSignInFailed);
  }
  record(AuditEvent::sign_in, who, kAuditNobody, seconds);

  if (attempt.new_hash) (void)store_.set_password_hash(account->id, *attempt.new_hash);
  auto session = store_.open_session(account->id, seconds);
  if (!session) return json_error(req, http::status::internal_server_error, "internal error");
  std::string token(base64url_encoded_size(kSessionTokenBytes), '\0');
  base64url_encode_to(session->token.span(), token);
  auto res = json_response(req, http::status::ok, json{{"role", role_name(account->role)}, {"csrf", session->csrf}});
  res.set(http::field::set_cookie, session_cookie(token, false));
  sodium_memzero(token.data(), token.size());
  return res;
}

Response AccountApi::who_am_i(const Request& req, std::int64_t now) {
  const auto caller = authenticate(req, now);
  if (!caller) return json_error(req, http::status::unauthorized, "not signed in");
  return json_response(req, http::status::ok,
                       json{{"login", caller->login}, {"role", role_name(caller->role)}, {"csrf", caller->csrf}});
}

Response AccountApi::sign_out(const Request& req, std::int64_t now) {
  const auto caller = authenticate(req, now);
  if (auto refused = check_csrf(req, caller)) return std::move(*refused);
  if (const auto token = request_token(req)) {
    if (auto s = store_.end_session(token->span()); !s) {
      return json_error(req, http::status::internal_server_error, "internal error");
    }
  }
  record(AuditEvent::sign_out, audit_account_ref(caller->account), kAuditNobody, now);
  auto res = json_response(req, http::status::ok, json{{"signed_in", false}});
  res.set(http::field::set_cookie, session_cookie("", true));
  return res;
}

Response AccountApi::audit_log(const Request& req, std::int64_t now) {
  const auto caller = authenticate(req, now);
  if (auto refused = require_role(caller, Role::admin, req)) return std::move(*refused);
  if (req.method() != http::verb::get) return json_error(req, http::status::method_not_allowed, "method not allowed");
  if (!audit_) return json_error(req, http::status::not_found, "not found");
  // ?before=SEQ pages back from an entry; nothing else is read from the query.
  std::int64_t before = 0;
  const std::string_view target(req.target().data(), req.target().size());
  constexpr std::string_view kBefore = "?before=";
  if (const auto at = target.find(kBefore); at != std::string_view::npos) {
    auto value = target.substr(at + kBefore.size());
    value = value.substr(0, value.find('&'));
    const auto seq = parse_row_id(value);
    if (!seq) return json_error(req, http::status::bad_request, "before must be an entry number");
    before = *seq;
  }
  auto entries = audit_->recent(kMaxAuditPage, before);
  if (!entries) return json_error(req, http::status::internal_server_error, "internal error");
  auto out = json::array();
  for (const auto& e : *entries) {
    out.push_back({{"seq", e.seq}, {"time", e.time}, {"kind", e.kind}, {"actor", e.actor}, {"subject", e.subject}});
  }
  return json_response(req, http::status::ok, out);
}

Response AccountApi::admin(const Request& req, std::string_view path, std::int64_t now) {
  const auto caller = authenticate(req, now);
  if (auto refused = check_csrf(req, caller)) return std::move(*refused);
  if (auto refused = require_role(caller, Role::admin, req)) return std::move(*refused);

  if (path == kAdminAccountsPath) {
    if (req.method() != http::verb::get) return json_error(req, http::status::method_not_allowed, "method not allowed");
    auto accounts = store_.list();
    if (!accounts) return json_error(req, http::status::internal_server_error, "internal error");
    auto out = json::array();
    for (const auto& a : *accounts) {
      out.push_back({{"id", a.id},
                     {"login", a.login},
                     {"role", role_name(a.role)},
                     {"locked", a.locked_until > now},
                     {"disabled", a.disabled}});
    }
    return json_response(req, http::status::ok, out);
  }
  // /api/admin/accounts/ID/ACTION
  auto rest = path.substr(kAdminAccountsPath.size() + 1);
  const auto slash = rest.find('/');
  if (slash == std::string_view::npos) return json_error(req, http::status::not_found, "not found");
  const auto id_text = rest.substr(0, slash);
  const auto action = rest.substr(slash + 1);
  const auto parsed = parse_row_id(id_text);
  if (!parsed || (action != "unlock" && action != "disable")) return json_error(req, http::status::not_found, "not found");
  const auto id = *parsed;
  if (req.method() != http::verb::post) return json_error(req, http::status::method_not_allowed, "method not allowed");
  auto account = store_.find(id);
  if (!account) return json_error(req, http::status::internal_server_error, "internal error");
  if (!*account) return json_error(req, http::status::not_found, "not found");
  const auto done = action == "unlock" ? store_.unlock(id) : store_.disable(id);
  if (!done) return json_error(req, http::status::internal_server_error, "internal error");
  record(AuditEvent::account_changed, audit_account_ref(caller->account), audit_account_ref(id), now);
  return json_response(req, http::status::ok, json{{"id", id}, {"done", action}});
}

}  // namespace tessera::gateway
