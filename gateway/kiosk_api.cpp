// The kiosks HTTP API: see kiosk_api.hpp.
#include "gateway/kiosk_api.hpp"

#include <sodium.h>

#include <nlohmann/json.hpp>

#include "gateway/operations.hpp"
#include "gateway/signaling_hub.hpp"
#include "gateway/storage.hpp"
#include "gateway/totp.hpp"
#include "gateway/visit_api.hpp"
#include "shared/base64url.hpp"

namespace tessera::gateway {
namespace http = boost::beast::http;
using nlohmann::json;

namespace {

constexpr std::string_view kAdminKiosksPath = "/api/admin/kiosks";
constexpr std::string_view kKioskPath = "/api/kiosk/";  // the tablet's own routes
constexpr std::string_view kKiosksPath = "/api/kiosks";
constexpr std::string_view kEnrolPath = "/api/kiosk/enrol";
constexpr std::string_view kMePath = "/api/kiosk/me";
constexpr std::string_view kInboxPath = "/api/kiosk/inbox";
// Longer input is not a code, however it is spaced.
constexpr std::size_t kMaxEnrolmentCodeInput = 64;
constexpr std::size_t kEnrolmentCodeChars = (kEnrolmentCodeBytes * 8 + 4) / 5;  // base32, unpadded
constexpr std::size_t kCredentialChars = base64url_encoded_size(kKioskCredentialBytes);

bool under(std::string_view path, std::string_view collection) {
  return path == collection ||
         (path.starts_with(collection) && path.size() > collection.size() && path[collection.size()] == '/');
}

Response not_found(const Request& req) { return json_error(req, http::status::not_found, "not found"); }
Response internal_error(const Request& req) {
  return json_error(req, http::status::internal_server_error, "internal error");
}
Response wrong_method(const Request& req) {
  return json_error(req, http::status::method_not_allowed, "method not allowed");
}

// "ID/ACTION" after a collection's path: the id, if the action is `action`.
std::optional<std::int64_t> id_with_action(std::string_view path, std::string_view collection,
                                           std::string_view action) {
  if (path.size() <= collection.size() + 1) return std::nullopt;
  auto rest = path.substr(collection.size() + 1);
  const auto slash = rest.find('/');
  if (slash == std::string_view::npos || rest.substr(slash + 1) != action) return std::nullopt;
  return parse_row_id(rest.substr(0, slash));
}

// The kiosk cookie's value: "ID.CREDENTIAL" (decimal id, base64url credential).
struct KioskCookie {
  std::int64_t kiosk = 0;
  KioskCredential credential;
};

std::optional<KioskCookie> kiosk_cookie(const Request& req) {
  const auto value = cookie_value(req[http::field::cookie], kKioskCookie);
  if (!value) return std::nullopt;
  const auto dot = value->find('.');
  if (dot == std::string_view::npos) return std::nullopt;
  const auto id = parse_row_id(value->substr(0, dot));
  KioskCookie out;
  if (!id || !base64url_decode_exact(value->substr(dot + 1), out.credential.span())) return std::nullopt;
  out.kiosk = *id;
  return out;
}

// Sets the kiosk cookie on res (the credential's text wiped after).
void set_kiosk_cookie(Response& res, std::int64_t kiosk, const KioskCredential& credential) {
  std::string value = std::to_string(kiosk) + "." + std::string(kCredentialChars, '\0');
  base64url_encode_to(credential.span(), std::span(value).last(kCredentialChars));
  auto header = host_cookie(kKioskCookie, value, kKioskCookieMaxAgeSeconds);
  res.set(http::field::set_cookie, header);
  sodium_memzero(value.data(), value.size());
  sodium_memzero(header.data(), header.size());
}

// An inbox fetch hands items over once: refuse one the browser says another
// page made. Same-origin GETs carry no Origin; Sec-Fetch-Site is sent by
// current browsers on every request.
bool fetched_by_own_page(const Request& req, const AccountApi& accounts) {
  if (req.find(http::field::origin) != req.end() && !accounts.origin_allowed(req)) return false;
  const auto site = req["Sec-Fetch-Site"];
  return site.empty() || site == "same-origin";
}

std::optional<KioskPublicKey> parse_public_key(const json& body) {
  if (!body.contains("public_key") || !body["public_key"].is_string()) return std::nullopt;
  KioskPublicKey key{};
  if (!base64url_decode_exact(body["public_key"].get_ref<const std::string&>(), key)) return std::nullopt;
  return key;
}

}  // namespace

std::string enrolment_code_text(const EnrolmentCode& code) {
  auto plain = base32_encode(code.span());
  std::string out;
  for (std::size_t i = 0; i < kEnrolmentCodeChars; ++i) {
    if (i > 0 && i % kEnrolmentCodeGroup == 0) out += '-';
    out += plain[i];
  }
  sodium_memzero(plain.data(), plain.size());
  return out;
}

std::optional<EnrolmentCode> parse_enrolment_code(std::string_view text) {
  if (text.size() > kMaxEnrolmentCodeInput) return std::nullopt;
  std::string plain;
  for (const char c : text) {
    if (c != '-' && c != ' ') plain += c;
  }
  std::optional<EnrolmentCode> out;
  if (plain.size() == kEnrolmentCodeChars) {
    if (auto bytes = base32_decode(plain); bytes && bytes->size() == kEnrolmentCodeBytes) {
      out.emplace(std::span<const std::uint8_t, kEnrolmentCodeBytes>(bytes->data(), kEnrolmentCodeBytes));
      sodium_memzero(bytes->data(), bytes->size());
    }
  }
  sodium_memzero(plain.data(), plain.size());
  return out;
}

KioskApi::KioskApi(Storage& storage, std::shared_ptr<AccountApi> accounts, std::shared_ptr<SignalingHub> hub)
    : storage_(&storage), accounts_(std::move(accounts)), hub_(std::move(hub)) {}

std::optional<Response> KioskApi::handle(const Request& req, const std::string& remote_address, WallClock now) {
  const auto path = target_path(req.target());
  const auto seconds = unix_seconds(now);
  if (path == kEnrolPath) return req.method() == http::verb::post ? enrol(req, remote_address, now) : wrong_method(req);
  if (path.starts_with(kKioskPath)) return tablet(req, path, seconds);
  if (under(path, kAdminKiosksPath)) return admin(req, path, seconds);
  if (under(path, kKiosksPath)) return provider(req, path, seconds);
  return std::nullopt;
}

KioskApi::SignalingKiosk KioskApi::signaling_kiosk(const Request& req, std::int64_t now) {
  if (cookie_value(req[http::field::cookie], kKioskCookie) == std::nullopt) return {};
  const auto kiosk = authenticate(req, now);
  if (!kiosk) return {true, std::nullopt};
  return {false, KioskId{kiosk->id}};
}

std::optional<Kiosk> KioskApi::authenticate(const Request& req, std::int64_t now) {
  const auto cookie = kiosk_cookie(req);
  if (!cookie) return std::nullopt;
  auto kiosk = storage_->kiosks().authenticate(cookie->kiosk, cookie->credential.span(), now);
  if (!kiosk) return std::nullopt;  // wrong, revoked, or a database error: nobody
  return std::move(kiosk).value();
}

Response KioskApi::list(const Request& req, Role viewer) {
  auto kiosks = storage_->kiosks().list();
  if (!kiosks) return internal_error(req);
  auto out = json::array();
  for (const auto& k : *kiosks) {
    json entry{{"id", k.id}, {"label", k.label}, {"last_seen", k.last_seen ? json(*k.last_seen) : json(nullptr)}};
    if (viewer == Role::admin) {
      entry["enrolled"] = k.enrolled;
      entry["revoked"] = k.revoked;
    } else if (k.revoked) {
      continue;  // providers see only kiosks they can send to
    } else {
      entry["public_key"] = base64url_encode(k.public_key);
    }
    out.push_back(std::move(entry));
  }
  return json_response(req, http::status::ok, out);
}

// ---------------------------------------------------------------------------
// admin

Response KioskApi::admin(const Request& req, std::string_view path, std::int64_t now) {
  const auto caller = accounts_->authenticate(req, now);
  if (auto refused = accounts_->check_csrf(req, caller)) return std::move(*refused);
  if (auto refused = require_role(caller, Role::admin, req)) return std::move(*refused);
  if (path == kAdminKiosksPath) {
    if (req.method() == http::verb::post) return create_enrolment(req, caller->account, now);
    if (req.method() != http::verb::get) return wrong_method(req);
    return list(req, Role::admin);
  }
  const auto kiosk = id_with_action(path, kAdminKiosksPath, "revoke");
  if (!kiosk) return not_found(req);
  if (req.method() != http::verb::post) return wrong_method(req);
  return revoke(req, caller->account, *kiosk, now);
}

Response KioskApi::create_enrolment(const Request& req, std::int64_t account, std::int64_t now) {
  const auto body = json::parse(req.body(), nullptr, false);
  if (body.is_discarded() || !body.is_object() || !body.contains("label") || !body["label"].is_string()) {
    return json_error(req, http::status::bad_request, "expected {label}");
  }
  auto tx = Transaction::begin(storage_->database());
  if (!tx) return internal_error(req);
  auto code = storage_->kiosks().create_enrolment(body["label"].get_ref<const std::string&>(), now);
  if (!code) {
    switch (code.error().kind) {
      case StoreError::Kind::invalid: return json_error(req, http::status::bad_request, code.error().message);
      case StoreError::Kind::limit: return json_error(req, http::status::too_many_requests, code.error().message);
      default: return internal_error(req);
    }
  }
  if (!storage_->audit().append(AuditEvent::kiosk_enrolment_created, audit_account_ref(account), kAuditNobody, now)) {
    return internal_error(req);  // the code rolls back with the missing entry
  }
  if (!tx->commit()) return internal_error(req);
  auto text = enrolment_code_text(*code);
  auto res = json_response(req, http::status::created,
                           json{{"code", text}, {"expires", now + kEnrolmentLifetimeSeconds}});
  sodium_memzero(text.data(), text.size());
  return res;
}

Response KioskApi::revoke(const Request& req, std::int64_t account, std::int64_t kiosk, std::int64_t now) {
  auto tx = Transaction::begin(storage_->database());
  if (!tx) return internal_error(req);
  if (auto s = storage_->kiosks().revoke(kiosk); !s) {
    return s.error().kind == StoreError::Kind::not_found ? not_found(req) : internal_error(req);
  }
  if (!storage_->audit().append(AuditEvent::kiosk_revoked, audit_account_ref(account), audit_kiosk_ref(kiosk), now)) {
    return internal_error(req);
  }
  if (!tx->commit()) return internal_error(req);
  // Once durable, so a connection closed now cannot come back in.
  if (hub_) hub_->revoke_kiosk(KioskId{kiosk});
  return json_response(req, http::status::ok, json{{"id", kiosk}, {"revoked", true}});
}

// ---------------------------------------------------------------------------
// tablet

Response KioskApi::enrol(const Request& req, const std::string& remote_address, WallClock now) {
  if (!accounts_->origin_allowed(req)) return json_error(req, http::status::forbidden, "origin not allowed");
  const auto steady = Time{std::chrono::duration_cast<Time::duration>(now.time_since_epoch())};
  if (!enrol_throttle_.allow(remote_address, steady)) {
    return json_error(req, http::status::too_many_requests, kEnrolmentFailed);
  }
  const auto body = json::parse(req.body(), nullptr, false);
  if (body.is_discarded() || !body.is_object() || !body.contains("code") || !body["code"].is_string()) {
    return json_error(req, http::status::bad_request, "expected {code, public_key}");
  }
  const auto key = parse_public_key(body);
  if (!key) return json_error(req, http::status::bad_request, "public_key must be 43 base64url characters");
  const auto code = parse_enrolment_code(body["code"].get_ref<const std::string&>());
  if (!code) return json_error(req, http::status::unauthorized, kEnrolmentFailed);

  const auto seconds = unix_seconds(now);
  auto tx = Transaction::begin(storage_->database());
  if (!tx) return internal_error(req);
  auto enrolled = storage_->kiosks().enrol(code->span(), *key, seconds);
  if (!enrolled) {
    return enrolled.error().kind == StoreError::Kind::database ? internal_error(req)
                                                               : json_error(req, http::status::unauthorized,
                                                                            kEnrolmentFailed);
  }
  if (!storage_->audit().append(AuditEvent::kiosk_enrolled, audit_kiosk_ref(enrolled->kiosk), kAuditNobody,
                                seconds)) {
    return internal_error(req);
  }
  if (!tx->commit()) return internal_error(req);
  auto res = json_response(req, http::status::created,
                           json{{"kiosk", enrolled->kiosk}, {"poll_seconds", kKioskPollSeconds}});
  set_kiosk_cookie(res, enrolled->kiosk, enrolled->credential);
  return res;
}

Response KioskApi::tablet(const Request& req, std::string_view path, std::int64_t now) {
  if (path != kMePath && path != kInboxPath) return not_found(req);
  if (req.method() != http::verb::get) return wrong_method(req);
  if (path == kInboxPath && !fetched_by_own_page(req, *accounts_)) {
    return json_error(req, http::status::forbidden, "origin not allowed");
  }
  const auto kiosk = authenticate(req, now);
  if (!kiosk) return json_error(req, http::status::unauthorized, "kiosk not enrolled");
  if (path == kMePath) {
    auto res = json_response(req, http::status::ok,
                             json{{"kiosk", kiosk->id}, {"label", kiosk->label}, {"poll_seconds", kKioskPollSeconds}});
    // Renewed while the tablet is in use; the credential itself stays.
    if (auto cookie = kiosk_cookie(req)) set_kiosk_cookie(res, kiosk->id, cookie->credential);
    return res;
  }
  auto items = storage_->kiosk_inbox().take(kiosk->id, now);
  if (!items) return internal_error(req);
  auto out = json::array();
  for (const auto& item : *items) {
    out.push_back({{"visit", base64url_encode(item.visit)},
                   {"sealed", base64url_encode(item.sealed)},
                   {"expires", item.expires}});
  }
  return json_response(req, http::status::ok, json{{"items", out}, {"poll_seconds", kKioskPollSeconds}});
}

// ---------------------------------------------------------------------------
// provider

Response KioskApi::provider(const Request& req, std::string_view path, std::int64_t now) {
  const auto caller = accounts_->authenticate(req, now);
  if (auto refused = accounts_->check_csrf(req, caller)) return std::move(*refused);
  if (auto refused = require_role(caller, Role::provider, req)) return std::move(*refused);
  if (path == kKiosksPath) return req.method() == http::verb::get ? list(req, Role::provider) : wrong_method(req);
  const auto kiosk = id_with_action(path, kKiosksPath, "visits");
  if (!kiosk) return not_found(req);
  if (req.method() != http::verb::post) return wrong_method(req);
  return send_visit(req, caller->account, *kiosk, now);
}

Response KioskApi::send_visit(const Request& req, std::int64_t account, std::int64_t kiosk, std::int64_t now) {
  const auto body = json::parse(req.body(), nullptr, false);
  if (body.is_discarded() || !body.is_object() || !body.contains("visit") || !body["visit"].is_string() ||
      !body.contains("sealed") || !body["sealed"].is_string()) {
    return json_error(req, http::status::bad_request, "expected {visit, sealed}");
  }
  const auto visit = parse_visit_id(body["visit"].get_ref<const std::string&>());
  if (!visit) return json_error(req, http::status::bad_request, "visit must be 22 base64url characters");
  const auto& sealed_text = body["sealed"].get_ref<const std::string&>();
  const auto sealed = sealed_text.size() <= base64url_encoded_size(kMaxKioskSealedBytes)
                          ? base64url_decode(sealed_text)
                          : std::nullopt;
  if (!sealed || sealed->size() < kMinKioskSealedBytes || sealed->size() > kMaxKioskSealedBytes) {
    return json_error(req, http::status::bad_request, "sealed must be 49 to 560 bytes, base64url");
  }
  auto tx = Transaction::begin(storage_->database());
  if (!tx) return internal_error(req);
  const ProviderId owner{static_cast<std::uint64_t>(account)};
  auto expires = storage_->kiosk_inbox().put(owner, kiosk, *visit, *sealed, now);
  if (!expires) {
    switch (expires.error().kind) {
      case StoreError::Kind::not_found: return not_found(req);
      case StoreError::Kind::limit: return json_error(req, http::status::too_many_requests, "kiosk inbox full");
      default: return internal_error(req);
    }
  }
  const auto subject = audit_visit_at_kiosk_ref(storage_->audit().visit_ref(*visit), kiosk);
  if (!storage_->audit().append(AuditEvent::visit_sent_to_kiosk, audit_account_ref(account), subject, now)) {
    return internal_error(req);
  }
  if (!tx->commit()) return internal_error(req);
  return json_response(req, http::status::created,
                       json{{"kiosk", kiosk}, {"visit", base64url_encode(*visit)}, {"expires", *expires}});
}

}  // namespace tessera::gateway
