#pragma once
// Names and sizes shared by every part of the visit protocol (docs/PROTOCOL.md
// §2), and the two hash constructions all derivations use:
//   protocol_hash(label, data)     = BLAKE2b-256(label ‖ 0x00 ‖ data)
//   protocol_kdf(key, label, data) = BLAKE2b-256 keyed with key, same message
// Labels are ASCII without NUL, so "label ‖ 0x00" is prefix-free and no two
// labels can produce the same message.
#include <array>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <span>
#include <string_view>

#include "shared/secret.hpp"

namespace tessera {

inline constexpr std::uint8_t kProtocolVersion = 0x01;

inline constexpr std::size_t kVisitIdBytes = 16;
inline constexpr std::size_t kSessionIdBytes = 16;
inline constexpr std::size_t kLinkSecretBytes = 32;
inline constexpr std::size_t kHashBytes = 32;
inline constexpr std::size_t kKeyBytes = 32;
inline constexpr std::size_t kVisitPublicKeyBytes = 32;  // Ed25519
inline constexpr std::size_t kVisitSecretKeyBytes = 64;  // Ed25519 (seed ‖ public key)
inline constexpr std::size_t kSignatureBytes = 64;
inline constexpr std::size_t kKxPublicKeyBytes = 32;  // X25519 (crypto_kx)
inline constexpr std::size_t kKxSecretKeyBytes = 32;
inline constexpr std::size_t kSeedBytes = 32;
inline constexpr std::size_t kAeadTagBytes = 16;
inline constexpr std::size_t kAeadNonceBytes = 24;  // XChaCha20-Poly1305
inline constexpr std::size_t kSealOverheadBytes = 48;  // crypto_box_seal

using VisitId = std::array<std::uint8_t, kVisitIdBytes>;
using SessionId = std::array<std::uint8_t, kSessionIdBytes>;
using Hash = std::array<std::uint8_t, kHashBytes>;
using VisitPublicKey = std::array<std::uint8_t, kVisitPublicKeyBytes>;
using KxPublicKey = std::array<std::uint8_t, kKxPublicKeyBytes>;
using LinkSecret = Secret<kLinkSecretBytes>;
using Key = Secret<kKeyBytes>;

// Who is speaking. The byte values appear on the wire (safety code reveals).
enum class Role : std::uint8_t { provider = 0x01, guest = 0x02 };

[[nodiscard]] constexpr Role role_peer(Role r) {
  return r == Role::provider ? Role::guest : Role::provider;
}

using ByteSpan = std::span<const std::uint8_t>;

[[nodiscard]] Hash protocol_hash(std::string_view label, std::initializer_list<ByteSpan> parts);
[[nodiscard]] Key protocol_kdf(std::span<const std::uint8_t, kKeyBytes> key, std::string_view label,
                               std::initializer_list<ByteSpan> parts);

// XChaCha20 nonce for counter-nonce channels: 16 zero bytes ‖ counter (big-endian).
[[nodiscard]] std::array<std::uint8_t, kAeadNonceBytes> counter_nonce(std::uint64_t counter);

// Big-endian integer helpers for the fixed wire layouts.
void store_be64(std::uint8_t* out, std::uint64_t v);
void store_be32(std::uint8_t* out, std::uint32_t v);
void store_be16(std::uint8_t* out, std::uint16_t v);
[[nodiscard]] std::uint64_t load_be64(const std::uint8_t* in);
[[nodiscard]] std::uint32_t load_be32(const std::uint8_t* in);
[[nodiscard]] std::uint16_t load_be16(const std::uint8_t* in);

// Every label the protocol uses (docs/PROTOCOL.md §3), in one place.
namespace label {
inline constexpr std::string_view kHelloMacKey = "tessera/v1/hello-mac-key";
inline constexpr std::string_view kHelloMac = "tessera/v1/hello-mac";
inline constexpr std::string_view kTranscript = "tessera/v1/transcript";
inline constexpr std::string_view kAccept = "tessera/v1/accept";
inline constexpr std::string_view kDeny = "tessera/v1/deny";
inline constexpr std::string_view kNote = "tessera/v1/note";
inline constexpr std::string_view kSignalG2P = "tessera/v1/signal-g2p";
inline constexpr std::string_view kSignalP2G = "tessera/v1/signal-p2g";
inline constexpr std::string_view kChatG2P = "tessera/v1/chat-g2p";
inline constexpr std::string_view kChatP2G = "tessera/v1/chat-p2g";
inline constexpr std::string_view kSafetyCommit = "tessera/v1/safety-commit";
inline constexpr std::string_view kSafetyCode = "tessera/v1/safety-code";
inline constexpr std::string_view kResume = "tessera/v1/resume";
inline constexpr std::string_view kShareContent = "tessera/v1/share-content";
inline constexpr std::string_view kShareOpen = "tessera/v1/share-open";
inline constexpr std::string_view kShareOpenVerifier = "tessera/v1/share-open-verifier";
}  // namespace label

}  // namespace tessera
