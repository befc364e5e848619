#pragma once
// Sealed envelopes: what the two browsers send each other through the
// gateway (SDP, ICE candidates, safety-code messages, names, control) once
// the handshake has made SessionKeys (docs/PROTOCOL.md §7).
//
//   header (58 bytes, the AD):  version ‖ visit id ‖ sender session ‖
//                               recipient session ‖ type ‖ seq (u64 BE)
//   then XChaCha20-Poly1305(key = signal key of this direction,
//                           nonce = 0^16 ‖ seq, AD = header, pad(body))
//
// The gateway routes on the header (envelope_header_parse) and can read
// nothing else. Receivers reject forgeries, replays (also from another page
// load or visit: different sessions and keys), messages more than
// kEnvelopeWindow behind the newest, and types the caller does not expect.
#include <cstdint>
#include <initializer_list>
#include <vector>

#include "shared/handshake.hpp"
#include "shared/protocol.hpp"
#include "shared/result.hpp"
#include "shared/secret.hpp"

namespace tessera {

enum class MessageType : std::uint8_t {
  sdp_offer = 0x10,
  sdp_answer = 0x11,
  ice_candidate = 0x12,
  safety_commit = 0x13,
  safety_reveal = 0x14,
  display_name = 0x15,  // the provider's name for the guest's screen
  control = 0x16,       // small UI/state commands (mute, end, ...)
};
inline constexpr std::uint8_t kMessageTypeFirst = 0x10;
inline constexpr std::uint8_t kMessageTypeLast = 0x16;

// A set of message types, as a bit mask (bit = type - kMessageTypeFirst).
using TypeSet = std::uint32_t;
[[nodiscard]] constexpr TypeSet type_set(std::initializer_list<MessageType> types) {
  TypeSet s = 0;
  for (const auto t : types) s |= TypeSet{1} << (static_cast<std::uint8_t>(t) - kMessageTypeFirst);
  return s;
}
inline constexpr TypeSet kAnyMessageType = (TypeSet{1} << (kMessageTypeLast - kMessageTypeFirst + 1)) - 1;

inline constexpr std::size_t kEnvelopeHeaderBytes = 1 + kVisitIdBytes + 2 * kSessionIdBytes + 1 + 8;  // 58
inline constexpr std::size_t kEnvelopeMaxBucket = 32768;
inline constexpr std::size_t kEnvelopeMaxBody = kEnvelopeMaxBucket - 1;
inline constexpr std::size_t kEnvelopeMinBytes = kEnvelopeHeaderBytes + 64 + kAeadTagBytes;
inline constexpr std::size_t kEnvelopeMaxBytes = kEnvelopeHeaderBytes + kEnvelopeMaxBucket + kAeadTagBytes;
inline constexpr std::uint64_t kEnvelopeWindow = 64;

enum class EnvelopeError {
  bad_size,         // shorter than the minimum, longer than the maximum, or not header + bucket + tag
  bad_version,      // version byte is not kProtocolVersion
  unknown_type,     // type byte is not a MessageType
  wrong_visit,      // another visit's envelope
  wrong_sender,     // not from our peer's session (e.g. an earlier page load)
  wrong_recipient,  // not addressed to our session
  unexpected_type,  // a known type the caller does not accept now
  replayed,         // this sequence number was already accepted
  too_old,          // more than kEnvelopeWindow behind the newest accepted
  forged,           // authentication failed: wrong key, or any byte changed
  bad_padding,      // authentic but badly padded (a broken sender)
  body_too_long,    // (seal) body longer than kEnvelopeMaxBody
  exhausted,        // (seal) sequence numbers used up: make a new session
};

// What the gateway sees.
struct EnvelopeHeader {
  VisitId visit_id{};
  SessionId sender{};
  SessionId recipient{};
  MessageType type = MessageType::control;
  std::uint64_t seq = 0;
};
[[nodiscard]] Result<EnvelopeHeader, EnvelopeError> envelope_header_parse(ByteSpan envelope);
// The same checks from the envelope's first kEnvelopeHeaderBytes bytes and its
// total size, for a relay that decodes no more than the header.
[[nodiscard]] Result<EnvelopeHeader, EnvelopeError> envelope_header_read(ByteSpan header, std::size_t envelope_bytes);

struct EnvelopeSender {
  VisitId visit_id{};
  SessionId self{};
  SessionId peer{};
  Key key;
  std::uint64_t next_seq = 0;
};
struct EnvelopeReceiver {
  VisitId visit_id{};
  SessionId self{};
  SessionId peer{};
  Key key;
  bool any = false;         // has anything been accepted yet?
  std::uint64_t highest = 0;  // newest accepted seq
  std::uint64_t seen = 0;     // bit i: highest - i was accepted
};
[[nodiscard]] EnvelopeSender envelope_sender(const SessionKeys& keys);
[[nodiscard]] EnvelopeReceiver envelope_receiver(const SessionKeys& keys);

[[nodiscard]] Result<std::vector<std::uint8_t>, EnvelopeError> envelope_seal(EnvelopeSender& sender,
                                                                             MessageType type, ByteSpan body);

struct OpenedEnvelope {
  MessageType type = MessageType::control;
  std::uint64_t seq = 0;
  SecretBuffer body;
};
// The receiver's window changes only when an envelope is accepted.
[[nodiscard]] Result<OpenedEnvelope, EnvelopeError> envelope_open(EnvelopeReceiver& receiver, ByteSpan envelope,
                                                                  TypeSet allowed = kAnyMessageType);

[[nodiscard]] const char* envelope_error_name(EnvelopeError e);

}  // namespace tessera
