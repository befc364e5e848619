// The visits HTTP API: see visit_api.hpp.
#include "gateway/visit_api.hpp"

#include <algorithm>

#include "gateway/operations.hpp"
#include "gateway/signaling_hub.hpp"
#include "gateway/storage.hpp"
#include "shared/base64url.hpp"

namespace tessera::gateway {
namespace http = boost::beast::http;
using nlohmann::json;

namespace {

constexpr std::string_view kEndSuffix = "/end";

// Store refusals as HTTP answers; messages are the store's fixed words.
Response store_refusal(const Request& req, const StoreError& e) {
  switch (e.kind) {
    case StoreError::Kind::not_found:
      return json_error(req, http::status::not_found, "not found");
    case StoreError::Kind::duplicate:
      return json_error(req, http::status::conflict, "visit id taken");
    case StoreError::Kind::limit:
      return json_error(req, http::status::too_many_requests, "too many open visits");
    case StoreError::Kind::invalid:
      return json_error(req, http::status::bad_request, e.message);
    default:
      return json_error(req, http::status::internal_server_error, "internal error");
  }
}

Response internal_error(const Request& req) {
  return json_error(req, http::status::internal_server_error, "internal error");
}

// An optional integer member in [low, high]; nullopt when present and not one.
std::optional<std::int64_t> bounded_int(const json& body, const char* name, std::int64_t fallback,
                                        std::int64_t low, std::int64_t high) {
  if (!body.contains(name)) return fallback;
  const auto& v = body[name];
  if (!v.is_number_integer()) return std::nullopt;
  const auto n = v.get<std::int64_t>();
  if (n < low || n > high) return std::nullopt;
  return n;
}

}  // namespace

std::optional<VisitId> parse_visit_id(std::string_view text) {
  VisitId id{};
  if (text.size() != base64url_encoded_size(id.size()) || !base64url_decode_exact(text, id))
    return std::nullopt;
  return id;
}

VisitApi::VisitApi(Storage& storage, std::shared_ptr<AccountApi> accounts,
                   std::shared_ptr<SignalingHub> hub)
    : storage_(&storage), accounts_(std::move(accounts)), hub_(std::move(hub)) {}

std::optional<Response> VisitApi::handle(const Request& req, WallClock now) {
  const auto under = under_collection(target_path(req.target()), kVisitsPath);
  if (!under) return std::nullopt;
  const bool collection = under->empty();
  const auto seconds = unix_seconds(now);
  const auto caller = accounts_->authenticate(req, seconds);
  if (auto refused = accounts_->check_csrf(req, caller)) return std::move(*refused);
  if (auto refused = require_role(caller, Role::provider, req)) return std::move(*refused);
  const ProviderId owner{static_cast<std::uint64_t>(caller->account)};
  const auto actor = audit_account_ref(caller->account);

  if (collection) {
    if (req.method() == http::verb::post) return create(req, owner, actor, seconds);
    if (req.method() == http::verb::get) return list(req, owner);
    return json_error(req, http::status::method_not_allowed, "method not allowed");
  }
  // /api/visits/ID/end
  auto rest = under->substr(1);
  if (!rest.ends_with(kEndSuffix)) return json_error(req, http::status::not_found, "not found");
  rest.remove_suffix(kEndSuffix.size());
  if (req.method() != http::verb::post)
    return json_error(req, http::status::method_not_allowed, "method not allowed");
  return end(req, owner, actor, rest, seconds);
}

Response VisitApi::create(const Request& req, ProviderId owner, const std::string& actor,
                          std::int64_t now) {
  const auto body = json::parse(req.body(), nullptr, false);
  if (body.is_discarded() || !body.is_object() || !body.contains("visit") ||
      !body["visit"].is_string()) {
    return json_error(req, http::status::bad_request, "expected {visit, people, lifetime_minutes}");
  }
  const auto id = parse_visit_id(body["visit"].get_ref<const std::string&>());
  if (!id)
    return json_error(req, http::status::bad_request, "visit must be 22 base64url characters");
  const auto people = bounded_int(body, "people", static_cast<std::int64_t>(kDefaultPeoplePerRoom),
                                  2, static_cast<std::int64_t>(kMaxPeoplePerRoom));
  if (!people) return json_error(req, http::status::bad_request, "people must be 2 to 8");
  const auto minutes = bounded_int(body, "lifetime_minutes", kDefaultVisitLifetimeMinutes, 1,
                                   kMaxVisitLifetimeMinutes);
  if (!minutes)
    return json_error(req, http::status::bad_request, "lifetime_minutes must be 1 to 1440");

  const NewVisit visit{*id, now + *minutes * 60, static_cast<std::size_t>(*people)};
  auto tx = Transaction::begin(storage_->database());
  if (!tx) return internal_error(req);
  if (auto s = storage_->visits().create(owner, visit, now); !s)
    return store_refusal(req, s.error());
  if (!storage_->audit().append(AuditEvent::visit_created, actor, storage_->audit().visit_ref(*id),
                                now)) {
    return internal_error(req);  // the visit rolls back with the missing entry
  }
  if (!tx->commit()) return internal_error(req);
  return json_response(req, http::status::created,
                       json{{"visit", base64url_encode(*id)}, {"expires", visit.expires}});
}

Response VisitApi::list(const Request& req, ProviderId owner) {
  auto visits = storage_->visits().list(owner);
  if (!visits) return internal_error(req);
  auto out = json::array();
  for (const auto& v : *visits) {
    out.push_back({{"visit", base64url_encode(v.id)},
                   {"state", v.state == VisitState::open ? "open" : "ended"},
                   {"created", v.created},
                   {"expires", v.expires},
                   {"people", v.people}});
  }
  return json_response(req, http::status::ok, out);
}

bool VisitApi::already_ended(ProviderId owner, const VisitId& id) {
  const auto visits = storage_->visits().list(owner);
  if (!visits) return false;
  return std::any_of(visits->begin(), visits->end(),
                     [&](const Visit& v) { return v.id == id && v.state == VisitState::ended; });
}

Response VisitApi::end(const Request& req, ProviderId owner, const std::string& actor,
                       std::string_view id_text, std::int64_t now) {
  const auto id = parse_visit_id(id_text);
  if (!id) return json_error(req, http::status::not_found, "not found");
  auto tx = Transaction::begin(storage_->database());
  if (!tx) return internal_error(req);
  if (auto s = storage_->visits().end(owner, *id, now); !s) {
    // Already ended (its provider's `end` over signaling, or a second press):
    // the same answer again, with nothing new to record.
    if (s.error().kind == StoreError::Kind::not_found && already_ended(owner, *id)) {
      return json_response(req, http::status::ok, json{{"visit", base64url_encode(*id)}, {"state", "ended"}});
    }
    return store_refusal(req, s.error());
  }
  if (!storage_->audit().append(AuditEvent::visit_ended, actor, storage_->audit().visit_ref(*id),
                                now)) {
    return internal_error(req);
  }
  if (!tx->commit()) return internal_error(req);
  // Only once the end is durable: a room closed for a visit still open would reopen.
  if (hub_) hub_->end_visit(*id);
  return json_response(req, http::status::ok,
                       json{{"visit", base64url_encode(*id)}, {"state", "ended"}});
}

}  // namespace tessera::gateway
