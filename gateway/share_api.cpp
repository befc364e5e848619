// The ephemeral shares HTTP API: see share_api.hpp.
#include "gateway/share_api.hpp"

#include <algorithm>

#include "gateway/operations.hpp"
#include "gateway/signaling_hub.hpp"
#include "gateway/storage.hpp"
#include "gateway/visit_api.hpp"
#include "shared/base64url.hpp"

namespace tessera::gateway {
namespace http = boost::beast::http;
using nlohmann::json;

namespace {

constexpr std::string_view kDestroySuffix = "/destroy";
constexpr std::string_view kOpenSuffix = "/open";

Response internal_error(const Request& req) {
  return json_error(req, http::status::internal_server_error, "internal error");
}
Response not_found(const Request& req) { return json_error(req, http::status::not_found, "not found"); }
Response wrong_method(const Request& req) {
  return json_error(req, http::status::method_not_allowed, "method not allowed");
}

std::string_view state_name(const Share& s) {
  if (s.ended) return share_end_name(*s.ended);
  return s.opens == 0 ? "waiting" : "opened";
}

// An integer member in [low, high], or nullopt.
std::optional<std::int64_t> int_in(const json& body, const char* name, std::int64_t low, std::int64_t high) {
  if (!body.contains(name) || !body[name].is_number_integer()) return std::nullopt;
  const auto n = body[name].get<std::int64_t>();
  if (n < low || n > high) return std::nullopt;
  return n;
}

}  // namespace

ShareApi::ShareApi(Storage& storage, std::shared_ptr<AccountApi> accounts, std::shared_ptr<SignalingHub> hub)
    : storage_(&storage), accounts_(std::move(accounts)), hub_(std::move(hub)) {}

bool ShareApi::takes_large_body(const Request& header) {
  return header.method() == http::verb::post && target_path(header.target()) == kSharesPath;
}

std::optional<Response> ShareApi::handle(const Request& req, WallClock now) {
  const auto under = under_collection(target_path(req.target()), kSharesPath);
  if (!under) return std::nullopt;
  const bool collection = under->empty();
  const auto seconds = unix_seconds(now);
  auto rest = collection ? *under : under->substr(1);

  // The opener's route needs no session: the link is what it holds.
  if (!collection && rest.ends_with(kOpenSuffix)) {
    rest.remove_suffix(kOpenSuffix.size());
    if (req.method() != http::verb::post) return wrong_method(req);
    if (!accounts_->origin_allowed(req)) return json_error(req, http::status::forbidden, "origin not allowed");
    const auto id = parse_visit_id(rest);
    if (!id) return not_found(req);
    const auto body = json::parse(req.body(), nullptr, false);
    Hash proof{};
    const auto* text = body.is_object() && body.contains("proof") ? body["proof"].get_ptr<const std::string*>() : nullptr;
    if (!text || !base64url_decode_exact(*text, proof))
      return json_error(req, http::status::bad_request, "expected {proof}");
    return open(req, *id, proof, seconds);
  }

  const auto caller = accounts_->authenticate(req, seconds);
  if (auto refused = accounts_->check_csrf(req, caller)) return std::move(*refused);
  if (auto refused = require_role(caller, Role::provider, req)) return std::move(*refused);
  const ProviderId owner{static_cast<std::uint64_t>(caller->account)};
  const auto actor = audit_account_ref(caller->account);
  if (collection) {
    if (req.method() == http::verb::post) return create(req, owner, actor, seconds);
    if (req.method() == http::verb::get) return list(req, owner, seconds);
    return wrong_method(req);
  }
  if (!rest.ends_with(kDestroySuffix)) return not_found(req);
  rest.remove_suffix(kDestroySuffix.size());
  if (req.method() != http::verb::post) return wrong_method(req);
  const auto id = parse_visit_id(rest);
  if (!id) return not_found(req);
  return destroy(req, owner, actor, *id, seconds);
}

Response ShareApi::create(const Request& req, ProviderId owner, const std::string& actor, std::int64_t now) {
  const auto body = json::parse(req.body(), nullptr, false);
  if (body.is_discarded() || !body.is_object() || !body.contains("share") || !body["share"].is_string() ||
      !body.contains("mode") || !body["mode"].is_string()) {
    return json_error(req, http::status::bad_request, "expected {share, mode, lifetime_minutes, max_opens, sealed}");
  }
  const auto id = parse_visit_id(body["share"].get_ref<const std::string&>());
  if (!id) return json_error(req, http::status::bad_request, "share must be 22 base64url characters");
  Hash verifier{};
  const auto* verifier_text = body.contains("verifier") ? body["verifier"].get_ptr<const std::string*>() : nullptr;
  if (!verifier_text || !base64url_decode_exact(*verifier_text, verifier))
    return json_error(req, http::status::bad_request, "verifier must be 43 base64url characters");
  const auto& mode_text = body["mode"].get_ref<const std::string&>();
  if (mode_text != "live" && mode_text != "parked")
    return json_error(req, http::status::bad_request, "mode must be live or parked");
  const auto mode = mode_text == "parked" ? ShareMode::parked : ShareMode::live;
  const auto minutes =
      int_in(body, "lifetime_minutes", kMinShareLifetimeSeconds / 60, kMaxShareLifetimeSeconds / 60);
  if (!minutes) return json_error(req, http::status::bad_request, "lifetime_minutes must be 15 to 10080");
  const auto max_opens = int_in(body, "max_opens", 0, kMaxShareOpens);
  if (!max_opens) return json_error(req, http::status::bad_request, "max_opens must be 0 (unlimited) to 20");

  std::optional<std::vector<std::uint8_t>> sealed;
  if (mode == ShareMode::parked) {
    const auto* text = body.contains("sealed") ? body["sealed"].get_ptr<const std::string*>() : nullptr;
    if (text && text->size() <= base64url_encoded_size(kMaxParkedShareBytes)) sealed = base64url_decode(*text);
    if (!sealed || sealed->size() < kShareSealedMinBytes || sealed->size() > kMaxParkedShareBytes)
      return json_error(req, http::status::bad_request, "sealed must be a parked share's sealed content, base64url");
  } else if (body.contains("sealed")) {
    return json_error(req, http::status::bad_request, "a live share sends no content to the gateway");
  }

  const NewShare share{*id, mode, now + *minutes * 60, *max_opens, verifier,
                       sealed ? std::span<const std::uint8_t>(*sealed) : std::span<const std::uint8_t>()};
  auto tx = Transaction::begin(storage_->database());
  if (!tx) return internal_error(req);
  if (auto s = storage_->shares().create(owner, share, now); !s) {
    switch (s.error().kind) {
      case StoreError::Kind::duplicate: return json_error(req, http::status::conflict, "share id taken");
      case StoreError::Kind::limit: return json_error(req, http::status::too_many_requests, "too many shares");
      case StoreError::Kind::invalid: return json_error(req, http::status::bad_request, s.error().message);
      default: return internal_error(req);
    }
  }
  if (!storage_->audit().append(AuditEvent::share_created, actor, storage_->audit().share_ref(*id), now))
    return internal_error(req);  // the share rolls back with the missing entry
  if (!tx->commit()) return internal_error(req);
  return json_response(req, http::status::created,
                       json{{"share", base64url_encode(*id)},
                            {"mode", share_mode_name(mode)},
                            {"expires", share.expires},
                            {"max_opens", share.max_opens}});
}

Response ShareApi::list(const Request& req, ProviderId owner, std::int64_t now) {
  auto shares = storage_->shares().list(owner, now);
  if (!shares) return internal_error(req);
  auto out = json::array();
  for (const auto& s : *shares) {
    out.push_back({{"share", base64url_encode(s.id)},
                   {"mode", share_mode_name(s.mode)},
                   {"state", state_name(s)},
                   {"opens", s.opens},
                   {"max_opens", s.max_opens},
                   {"created", s.created},
                   {"expires", s.expires}});
  }
  return json_response(req, http::status::ok, out);
}

Response ShareApi::destroy(const Request& req, ProviderId owner, const std::string& actor, const ShareId& id,
                           std::int64_t now) {
  auto tx = Transaction::begin(storage_->database());
  if (!tx) return internal_error(req);
  if (auto s = storage_->shares().destroy(owner, id, now); !s) {
    if (s.error().kind != StoreError::Kind::not_found) return internal_error(req);
    // Ended already (used up, expired, a second press): its state again.
    const auto shares = storage_->shares().list(owner, now);
    if (!shares) return internal_error(req);
    const auto it = std::find_if(shares->begin(), shares->end(), [&](const Share& x) { return x.id == id; });
    if (it == shares->end()) return not_found(req);
    return json_response(req, http::status::ok, json{{"share", base64url_encode(id)}, {"state", state_name(*it)}});
  }
  if (!storage_->audit().append(AuditEvent::share_destroyed, actor, storage_->audit().share_ref(id), now))
    return internal_error(req);
  if (!tx->commit()) return internal_error(req);
  // Once durable: the zeroed pages out of the WAL, the live room closed.
  if (!storage_->shares().flush_deleted()) return internal_error(req);
  if (hub_) hub_->end_visit(id);
  return json_response(req, http::status::ok, json{{"share", base64url_encode(id)}, {"state", "destroyed"}});
}

Response ShareApi::open(const Request& req, const ShareId& id, const Hash& proof, std::int64_t now) {
  auto tx = Transaction::begin(storage_->database());
  if (!tx) return internal_error(req);
  auto opened = storage_->shares().open(id, proof, now);
  if (!opened) {
    switch (opened.error()) {
      case ShareRefusal::unknown: return not_found(req);
      case ShareRefusal::wrong_link: return json_error(req, http::status::forbidden, "wrong link");
      case ShareRefusal::expired: return json_error(req, http::status::gone, "expired");
      case ShareRefusal::destroyed: return json_error(req, http::status::gone, "destroyed");
      case ShareRefusal::used_up: return json_error(req, http::status::gone, "used up");
      case ShareRefusal::too_many_opens: return json_error(req, http::status::too_many_requests, "too many opens");
      case ShareRefusal::database: return internal_error(req);
    }
  }
  const auto ref = storage_->audit().share_ref(id);
  if (opened->mode == ShareMode::parked) {
    if (!storage_->audit().append(AuditEvent::share_opened, kAuditNobody, ref, now)) return internal_error(req);
    if (opened->ended_now && !storage_->audit().append(AuditEvent::share_destroyed, kAuditGateway, ref, now))
      return internal_error(req);
  }
  if (!tx->commit()) return internal_error(req);
  if (opened->ended_now && !storage_->shares().flush_deleted()) return internal_error(req);
  json out{{"share", base64url_encode(id)}, {"mode", share_mode_name(opened->mode)}};
  if (opened->mode == ShareMode::parked) out["sealed"] = base64url_encode(opened->sealed);
  return json_response(req, http::status::ok, out);
}

}  // namespace tessera::gateway
