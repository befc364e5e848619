#include "shared/signaling.hpp"

#include <nlohmann/json.hpp>

#include <array>
#include <set>

#include "shared/base64url.hpp"
#include "shared/envelope.hpp"
#include "shared/handshake.hpp"
#include "shared/text.hpp"

namespace tessera {
namespace {

using json = nlohmann::json;

struct TypeInfo {
  SignalingType type;
  std::string_view name;
  bool to_gateway, from_gateway;
  std::string_view payload_member;  // empty: none
  std::size_t payload_min, payload_max;
  bool has_visit, has_session;
};

constexpr std::array<TypeInfo, 12> kTypes{{
    {SignalingType::hello, "hello", true, false, "resume_hash", kHashBytes, kHashBytes, true, true},
    {SignalingType::join, "join", true, false, "hello", kGuestHelloBytes, kGuestHelloBytes, true, true},
    {SignalingType::waiting, "waiting", false, true, "hello", kGuestHelloBytes, kGuestHelloBytes, true, true},
    {SignalingType::admit, "admit", true, true, "accept", kProviderAcceptBytes, kProviderAcceptBytes, true, true},
    {SignalingType::deny, "deny", true, true, "deny", kProviderDenyBytes, kProviderDenyBytes, true, true},
    {SignalingType::note, "note", true, true, "note", kProviderNoteBytes, kProviderNoteBytes, true, true},
    {SignalingType::relay, "relay", true, true, "envelope", kEnvelopeMinBytes, kEnvelopeMaxBytes, true, false},
    {SignalingType::resume, "resume", true, false, "resume_secret", kResumeSecretBytes, kResumeSecretBytes, true, true},
    {SignalingType::resumed, "resumed", false, true, "", 0, 0, true, true},
    {SignalingType::end, "end", true, true, "", 0, 0, true, true},
    {SignalingType::error, "error", false, true, "", 0, 0, false, false},
    {SignalingType::turn, "turn", false, true, "", 0, 0, false, false},
}};

// Indexed by SignalingErrorCode.
constexpr std::array<const char*, 10> kErrorCodes{"bad_message", "unknown_visit", "visit_full", "not_allowed",
                                                  "expired",     "rate_limited",  "internal",   "too_large",
                                                  "room_limit",  "timeout"};

const TypeInfo* find_type(std::string_view name) {
  for (const auto& t : kTypes)
    if (t.name == name) return &t;
  return nullptr;
}
const TypeInfo& info_of(SignalingType type) {
  for (const auto& t : kTypes)
    if (t.type == type) return t;
  return kTypes.back();
}

const std::string* string_member(const json& obj, std::string_view name) {
  const auto it = obj.find(std::string(name));
  if (it == obj.end()) return nullptr;
  return it->get_ptr<const std::string*>();
}

bool printable_ascii(std::string_view text) {
  for (const char c : text)
    if (c < 0x21 || c > 0x7e) return false;
  return true;
}

template <std::size_t N>
bool decode_id(const std::string& text, std::array<std::uint8_t, N>& out) {
  return base64url_decode_exact(text, out);
}

}  // namespace

Result<SignalingMessage, SignalingParseError> signaling_parse(std::string_view text, SignalingDirection direction) {
  using E = SignalingParseError;
  if (text.size() > kSignalingMaxBytes) return E::too_large;
  bool duplicate = false, nested = false;
  std::set<std::string> names;
  const json::parser_callback_t cb = [&](int depth, json::parse_event_t event, json& parsed) {
    if (event == json::parse_event_t::key && depth == 1) {
      const auto* name = parsed.get_ptr<const std::string*>();
      if (name && !names.insert(*name).second) duplicate = true;
    }
    if ((event == json::parse_event_t::object_start || event == json::parse_event_t::array_start) && depth >= 1) {
      nested = true;
      return false;  // skip the nested value; the message is rejected anyway
    }
    return true;
  };
  const json doc = json::parse(text.begin(), text.end(), cb, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return nested ? E::nested : E::not_json;
  if (!doc.is_object()) return E::not_object;
  if (nested) return E::nested;
  if (duplicate) return E::duplicate_member;

  const auto* type_name = string_member(doc, "type");
  const TypeInfo* info = type_name ? find_type(*type_name) : nullptr;
  if (!info) return E::unknown_type;
  if (direction == SignalingDirection::to_gateway ? !info->to_gateway : !info->from_gateway)
    return E::wrong_direction;

  // Which members this type has.
  std::set<std::string_view> allowed{"type"};
  if (info->has_visit) allowed.insert("visit");
  if (info->has_session) allowed.insert("session");
  if (!info->payload_member.empty()) allowed.insert(info->payload_member);
  if (info->type == SignalingType::hello) allowed.insert("role");
  if (info->type == SignalingType::error) allowed.insert({"code", "detail"});
  if (info->type == SignalingType::turn) allowed.insert({"urls", "username", "credential"});
  for (const auto& item : doc.items())
    if (!allowed.count(item.key())) return E::unknown_member;
  for (const auto name : allowed) {
    if (name == "detail") continue;  // optional
    const auto it = doc.find(std::string(name));
    if (it == doc.end()) return E::missing_member;
    if (!it->is_string()) return E::wrong_json_type;
  }
  const auto detail_it = doc.find("detail");
  if (detail_it != doc.end() && !detail_it->is_string()) return E::wrong_json_type;

  SignalingMessage m;
  m.type = info->type;
  if (info->has_visit && !decode_id(*string_member(doc, "visit"), m.visit)) return E::bad_value;
  if (info->has_session && !decode_id(*string_member(doc, "session"), m.session)) return E::bad_value;
  if (!info->payload_member.empty()) {
    const std::string& encoded = *string_member(doc, info->payload_member);
    if (encoded.size() > base64url_encoded_size(info->payload_max)) return E::bad_value;
    auto bytes = base64url_decode(encoded);
    if (!bytes || bytes->size() < info->payload_min || bytes->size() > info->payload_max) return E::bad_value;
    m.payload = std::move(*bytes);
  }
  if (info->type == SignalingType::relay) {
    // The gateway routes on this header, so it must parse and agree with "visit".
    auto header = envelope_header_parse(m.payload);
    if (!header || header->visit_id != m.visit) return E::bad_value;
  }
  if (info->type == SignalingType::hello) {
    const std::string& role = *string_member(doc, "role");
    if (role == "provider") m.role = SignalingRole::provider;
    else if (role == "guest") m.role = SignalingRole::guest;
    else return E::bad_value;
  }
  if (info->type == SignalingType::error) {
    const std::string& code = *string_member(doc, "code");
    bool found = false;
    for (std::size_t i = 0; i < kErrorCodes.size(); ++i)
      if (code == kErrorCodes[i]) m.code = static_cast<SignalingErrorCode>(i), found = true;
    if (!found) return E::bad_value;
    if (detail_it != doc.end()) {
      const auto& detail = *detail_it->get_ptr<const std::string*>();
      if (detail.size() > kSignalingDetailMaxBytes || !text_is_printable_utf8(detail)) return E::bad_value;
      m.detail = detail;
    }
  }
  if (info->type == SignalingType::turn) {
    m.turn = {*string_member(doc, "urls"), *string_member(doc, "username"), *string_member(doc, "credential")};
    if (!turn_grant_valid(m.turn)) return E::bad_value;
  }
  return m;
}

std::string signaling_serialize(const SignalingMessage& m) {
  const TypeInfo& info = info_of(m.type);
  json j = json::object();
  j["type"] = std::string(info.name);
  if (info.has_visit) j["visit"] = base64url_encode(m.visit);
  if (info.has_session) j["session"] = base64url_encode(m.session);
  if (!info.payload_member.empty()) j[std::string(info.payload_member)] = base64url_encode(m.payload);
  if (m.type == SignalingType::hello) j["role"] = m.role == SignalingRole::provider ? "provider" : "guest";
  if (m.type == SignalingType::error) {
    j["code"] = std::string(signaling_error_code_name(m.code));
    // Only text the parser would accept; anything else is left out.
    if (!m.detail.empty() && m.detail.size() <= kSignalingDetailMaxBytes && text_is_printable_utf8(m.detail))
      j["detail"] = m.detail;
  }
  if (m.type == SignalingType::turn) {
    j["urls"] = m.turn.urls;
    j["username"] = m.turn.username;
    j["credential"] = m.turn.credential;
  }
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

bool turn_grant_valid(const TurnGrant& grant) {
  if (grant.urls.empty() || grant.urls.size() > kTurnUrlsMaxBytes) return false;
  if (grant.username.empty() || grant.username.size() > kTurnFieldMaxBytes || !printable_ascii(grant.username))
    return false;
  if (grant.credential.empty() || grant.credential.size() > kTurnFieldMaxBytes ||
      !printable_ascii(grant.credential))
    return false;
  // Space-separated URLs, each turn:, turns: or stun: (RFC 7064/7065), no empty entries.
  std::string_view rest = grant.urls;
  while (true) {
    const auto space = rest.find(' ');
    const std::string_view url = rest.substr(0, space);
    const bool scheme = url.starts_with("turn:") || url.starts_with("turns:") || url.starts_with("stun:");
    if (!scheme || url.find(':') + 1 == url.size() || !printable_ascii(url)) return false;
    if (space == std::string_view::npos) return true;
    rest.remove_prefix(space + 1);
  }
}

Hash signaling_resume_hash(std::span<const std::uint8_t, kResumeSecretBytes> secret) {
  return protocol_hash(label::kResume, {secret});
}

const char* signaling_error_code_name(SignalingErrorCode code) {
  const auto i = static_cast<std::size_t>(code);
  return i < kErrorCodes.size() ? kErrorCodes[i] : "internal";
}

const char* signaling_parse_error_name(SignalingParseError e) {
  switch (e) {
    case SignalingParseError::too_large: return "too_large";
    case SignalingParseError::not_json: return "not_json";
    case SignalingParseError::not_object: return "not_object";
    case SignalingParseError::nested: return "nested";
    case SignalingParseError::duplicate_member: return "duplicate_member";
    case SignalingParseError::unknown_type: return "unknown_type";
    case SignalingParseError::wrong_direction: return "wrong_direction";
    case SignalingParseError::missing_member: return "missing_member";
    case SignalingParseError::unknown_member: return "unknown_member";
    case SignalingParseError::wrong_json_type: return "wrong_json_type";
    case SignalingParseError::bad_value: return "bad_value";
  }
  return "unknown";
}

}  // namespace tessera
