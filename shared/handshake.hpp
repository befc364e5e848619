#pragma once
// The visit handshake (docs/PROTOCOL.md §6). Two messages make a session:
//   guest -> provider  GuestHello      proves the link secret (MAC), carries
//                                      the display name sealed to the visit key
//   provider -> guest  ProviderAccept  signed with the visit key, bound to the hello
// (or a signed ProviderDeny; a waiting guest may also get signed, sealed
// ProviderNotes). Both sides then hold SessionKeys: crypto_kx keys mixed with
// the link secret and the transcript hash, one key per direction and use.
//
// Randomness is an input (seeds filled by randombytes_buf in production, by
// randombytes_buf_deterministic for test vectors); nothing here reads a clock.
#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "shared/protocol.hpp"
#include "shared/result.hpp"
#include "shared/secret.hpp"
#include "shared/visit_link.hpp"

namespace tessera {

// Handshake message types (second byte of each message).
inline constexpr std::uint8_t kMsgGuestHello = 0x01;
inline constexpr std::uint8_t kMsgProviderAccept = 0x02;
inline constexpr std::uint8_t kMsgProviderDeny = 0x03;
inline constexpr std::uint8_t kMsgProviderNote = 0x04;

inline constexpr std::size_t kDisplayNameMaxBytes = 64;
inline constexpr std::size_t kNameBlockBytes = 1 + kDisplayNameMaxBytes;
inline constexpr std::size_t kSealedNameBytes = kNameBlockBytes + kSealOverheadBytes;
inline constexpr std::size_t kNoteMaxBytes = 280;
inline constexpr std::size_t kNoteBlockBytes = 2 + kNoteMaxBytes;
inline constexpr std::size_t kSealedNoteBytes = kNoteBlockBytes + kSealOverheadBytes;

inline constexpr std::size_t kGuestHelloBytes =
    2 + kVisitIdBytes + kSessionIdBytes + kKxPublicKeyBytes + kSealedNameBytes + kHashBytes;  // 211
inline constexpr std::size_t kProviderAcceptBytes =
    2 + kVisitIdBytes + 2 * kSessionIdBytes + kKxPublicKeyBytes + kHashBytes + kSignatureBytes;  // 178
inline constexpr std::size_t kProviderDenyBytes =
    2 + kVisitIdBytes + kSessionIdBytes + kHashBytes + kSignatureBytes;  // 130
inline constexpr std::size_t kProviderNoteBytes =
    2 + kVisitIdBytes + kSessionIdBytes + kHashBytes + 4 + kSealedNoteBytes + kSignatureBytes;  // 464

enum class HandshakeError {
  bad_length,           // not the fixed size of this message
  bad_version,          // first byte is not kProtocolVersion
  wrong_type,           // second byte is not the expected message type
  wrong_visit,          // visit id differs from ours
  wrong_session,        // addressed to another guest session (e.g. an earlier page load)
  bad_mac,              // guest hello MAC: sender does not hold the link secret
  bad_signature,        // not signed by the provider's visit key
  transcript_mismatch,  // answers a hello other than ours
  bad_sealed_box,       // sealed name or note does not open
  bad_name,             // display name empty, too long, not printable UTF-8, bad padding
  bad_note,             // note text too long, not printable UTF-8, bad padding
  bad_key,              // an X25519 key that gives no usable shared secret
  note_replayed,        // note sequence number not greater than the last one
};

// One page load: a random session id and a fresh crypto_kx key pair.
struct Session {
  SessionId id{};
  KxPublicKey kx_public{};
  Secret<kKxSecretKeyBytes> kx_secret;
};
inline constexpr std::size_t kSessionSeedBytes = kSessionIdBytes + kSeedBytes;
// id = random[0..16); key pair = crypto_kx_seed_keypair(random[16..48)).
[[nodiscard]] Session session_from_seed(std::span<const std::uint8_t, kSessionSeedBytes> random);

// What the provider's browser makes for one visit.
struct ProviderVisit {
  VisitId visit_id{};
  LinkSecret link_secret;
  VisitPublicKey public_key{};
  Secret<kVisitSecretKeyBytes> secret_key;
};
inline constexpr std::size_t kVisitSeedBytes = kVisitIdBytes + kLinkSecretBytes + kSeedBytes;
// visit id = random[0..16); link secret = random[16..48);
// key pair = crypto_sign_seed_keypair(random[48..80)).
[[nodiscard]] ProviderVisit provider_visit_from_seed(std::span<const std::uint8_t, kVisitSeedBytes> random);
[[nodiscard]] VisitLink provider_visit_link(const ProviderVisit& visit, std::string host);

// Keys and names of an established session, from one side's point of view.
struct SessionKeys {
  Role role = Role::guest;
  VisitId visit_id{};
  SessionId self_session{};
  SessionId peer_session{};
  KxPublicKey self_kx{};
  KxPublicKey peer_kx{};
  Hash transcript{};  // TH2: hash of hello and accept
  Key signal_send, signal_recv;  // sealed envelopes (signaling via the gateway)
  Key chat_send, chat_recv;      // chat frames (data channel)
};

using DisplayName = SecretText<kDisplayNameMaxBytes>;
using NoteText = SecretText<kNoteMaxBytes>;

// ---- guest side
struct GuestHandshake {
  VisitId visit_id{};
  LinkSecret link_secret;
  VisitPublicKey provider_key{};
  Session session;
  std::array<std::uint8_t, kGuestHelloBytes> hello{};  // send this
  Hash transcript1{};                                   // TH1 = H(0^32 ‖ hello)
  std::uint32_t last_note_seq = 0;
  bool note_seen = false;
};

[[nodiscard]] Result<GuestHandshake, HandshakeError> handshake_guest_start(
    const VisitLink& link, Session session, std::string_view display_name,
    std::span<const std::uint8_t, kSeedBytes> seal_seed);
[[nodiscard]] Result<SessionKeys, HandshakeError> handshake_guest_finish(const GuestHandshake& guest,
                                                                        ByteSpan accept);
// Unit if deny is a genuine refusal of this hello.
[[nodiscard]] Status<HandshakeError> handshake_guest_check_deny(const GuestHandshake& guest, ByteSpan deny);
[[nodiscard]] Result<NoteText, HandshakeError> handshake_guest_open_note(GuestHandshake& guest,
                                                                         ByteSpan note);

// ---- provider side
struct WaitingGuest {
  SessionId session{};
  KxPublicKey kx_public{};
  DisplayName name;
  Hash transcript1{};
};

[[nodiscard]] Result<WaitingGuest, HandshakeError> handshake_provider_read_hello(
    const ProviderVisit& visit, ByteSpan hello);

struct ProviderAccepted {
  std::array<std::uint8_t, kProviderAcceptBytes> accept{};  // send this
  SessionKeys keys;
};
[[nodiscard]] Result<ProviderAccepted, HandshakeError> handshake_provider_accept(
    const ProviderVisit& visit, const Session& provider, const WaitingGuest& guest);
[[nodiscard]] std::array<std::uint8_t, kProviderDenyBytes> handshake_provider_deny(
    const ProviderVisit& visit, const WaitingGuest& guest);
// A deny for a hello that handshake_provider_read_hello refused (a link whose
// secret was changed or cut short; a name that does not open), so that guest
// learns at once that it cannot get in. Needs only a frame of the right size,
// version, type and visit: the guest session and TH1 come from its bytes.
struct RefusedHello {
  SessionId session{};
  std::array<std::uint8_t, kProviderDenyBytes> deny{};
};
[[nodiscard]] Result<RefusedHello, HandshakeError> handshake_provider_refuse_hello(const ProviderVisit& visit,
                                                                                  ByteSpan hello);
// seq must grow with every note to the same guest (starting at 1).
[[nodiscard]] Result<std::array<std::uint8_t, kProviderNoteBytes>, HandshakeError> handshake_provider_note(
    const ProviderVisit& visit, const WaitingGuest& guest, std::uint32_t seq, std::string_view text,
    std::span<const std::uint8_t, kSeedBytes> seal_seed);

[[nodiscard]] const char* handshake_error_name(HandshakeError e);

}  // namespace tessera
