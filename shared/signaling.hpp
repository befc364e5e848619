#pragma once
// Signaling messages between a client and the gateway (docs/PROTOCOL.md §11):
// one JSON object per WebSocket message, at most 64 KiB, validated totally:
// unknown or duplicate members, nesting, wrong JSON types, wrong sizes and
// messages in the wrong direction are all rejected. The sealed payloads
// (handshake messages, envelopes) are carried as base64url and never
// interpreted here, except the envelope header the gateway routes on.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "shared/protocol.hpp"
#include "shared/result.hpp"

namespace tessera {

inline constexpr std::size_t kSignalingMaxBytes = 65536;
inline constexpr std::size_t kSignalingDetailMaxBytes = 200;
inline constexpr std::size_t kResumeSecretBytes = 32;
inline constexpr std::size_t kTurnUrlsMaxBytes = 1024;   // all URLs of one `turn` message
inline constexpr std::size_t kTurnFieldMaxBytes = 128;   // its username, its credential

// Short-lived TURN credentials in the REST form coturn checks
// (username "expiry:id", credential = base64(HMAC-SHA1(secret, username))).
struct TurnGrant {
  std::string urls;        // space-separated turn:, turns: or stun: URLs
  std::string username;    // printable ASCII
  std::string credential;  // printable ASCII
};

enum class SignalingType { hello, join, waiting, admit, deny, note, relay, resume, resumed, end, error, turn };
enum class SignalingRole { provider, guest };
enum class SignalingErrorCode {
  bad_message,
  unknown_visit,
  visit_full,
  not_allowed,
  expired,
  rate_limited,
  internal,
  too_large,   // a message over kSignalingMaxBytes
  room_limit,  // the provider already has its maximum of open visits
  timeout,     // no hello or resume in time after connecting
};
enum class SignalingDirection { to_gateway, from_gateway };

struct SignalingMessage {
  SignalingType type = SignalingType::end;
  SignalingRole role = SignalingRole::guest;  // hello
  VisitId visit{};                            // all but error
  SessionId session{};                        // all but relay and error
  // hello: resume_hash; join/waiting: GuestHello; admit: ProviderAccept;
  // deny: ProviderDeny; note: ProviderNote; relay: envelope; resume: resume_secret;
  // resumed, end, error: none.
  std::vector<std::uint8_t> payload;
  SignalingErrorCode code = SignalingErrorCode::internal;  // error
  std::string detail;                                      // error, optional
  TurnGrant turn;                                          // turn
};

enum class SignalingParseError {
  too_large,         // more than kSignalingMaxBytes
  not_json,          // not well-formed UTF-8 JSON
  not_object,        // top level is not an object
  nested,            // a member value is an object or array
  duplicate_member,  // a member name appears twice
  unknown_type,      // "type" missing, not a string, or not a known type
  wrong_direction,   // a type that does not travel this way
  missing_member,    // a required member is absent
  unknown_member,    // a member this type does not have
  wrong_json_type,   // a member of the wrong JSON type
  bad_value,         // bad base64url, wrong size, unknown enum value, bad envelope header
};

[[nodiscard]] Result<SignalingMessage, SignalingParseError> signaling_parse(std::string_view text,
                                                                            SignalingDirection direction);
// The JSON text of msg; signaling_parse accepts it if msg's fields are valid.
[[nodiscard]] std::string signaling_serialize(const SignalingMessage& msg);

// A `turn` message's members as section 11 allows them.
[[nodiscard]] bool turn_grant_valid(const TurnGrant& grant);

// H("tessera/v1/resume", secret): what hello carries, so resume can prove the session.
[[nodiscard]] Hash signaling_resume_hash(std::span<const std::uint8_t, kResumeSecretBytes> secret);

[[nodiscard]] const char* signaling_parse_error_name(SignalingParseError e);
// The wire name of an error code ("bad_message", ..., "timeout").
[[nodiscard]] const char* signaling_error_code_name(SignalingErrorCode code);

}  // namespace tessera
