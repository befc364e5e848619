#pragma once
// The safety code two people read to each other (docs/PROTOCOL.md §8).
// Commit-then-reveal, as in ZRTP: each side first sends a commitment to
// (its role, its DTLS fingerprint, its ephemeral key, a fresh nonce), and
// reveals those values only after it holds the other side's commitment. So
// a party in the middle must fix its values before it learns the other
// side's, and gets one guess at the code, not a search. The code is cut from
// a hash of the handshake transcript and all four commit/reveal messages:
//   7 digits  (log2(10^7) = 23.2 bits), shown "123 4567"
//   5 words   (5 x 8 = 40 bits) from kSafetyWords
// Commit and reveal travel in sealed envelopes (types safety_commit and
// safety_reveal); this module builds and checks their bodies.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "shared/handshake.hpp"
#include "shared/protocol.hpp"
#include "shared/result.hpp"

namespace tessera {

inline constexpr std::size_t kSafetyNonceBytes = 32;
inline constexpr std::size_t kSafetyCommitBytes = kHashBytes;
inline constexpr std::size_t kFingerprintMaxBytes = 64;
inline constexpr std::size_t kSafetyDigits = 7;
inline constexpr std::size_t kSafetyWordCount = 5;

// Hash functions WebRTC uses for DTLS certificate fingerprints (RFC 8122).
enum class FingerprintAlgorithm : std::uint8_t { sha256 = 0x01, sha384 = 0x02, sha512 = 0x03 };

struct DtlsFingerprint {
  FingerprintAlgorithm algorithm = FingerprintAlgorithm::sha256;
  std::array<std::uint8_t, kFingerprintMaxBytes> digest{};
  std::size_t size = 0;  // 32, 48 or 64, by algorithm
  [[nodiscard]] ByteSpan bytes() const { return {digest.data(), size}; }
};

enum class SafetyError {
  bad_fingerprint,      // not "sha-256|sha-384|sha-512 XX:XX:..." of the right length
  bad_length,           // commit or reveal of the wrong size
  bad_role,             // reveal claims our own role, or an unknown one
  not_ready,            // reveal before the peer's commitment arrived
  duplicate,            // a second commit or reveal
  commitment_mismatch,  // the reveal is not what was committed to
  wrong_key,            // revealed ephemeral key is not the handshake's
  fingerprint_mismatch  // revealed fingerprint is not the one in the peer's SDP
};

// From an SDP a=fingerprint value, e.g. "sha-256 4A:AD:...". Total.
[[nodiscard]] Result<DtlsFingerprint, SafetyError> dtls_fingerprint_parse(std::string_view text);

struct SafetyExchange {
  Role role = Role::guest;
  Hash transcript{};     // TH2 of the session
  KxPublicKey peer_kx{};
  std::vector<std::uint8_t> own_reveal;
  Hash own_commit{};
  bool have_peer_commit = false;
  Hash peer_commit{};
  bool finished = false;
};

struct SafetyCode {
  Hash hash{};
  std::array<char, kSafetyDigits> digits{};             // ASCII '0'..'9'
  std::array<std::uint8_t, kSafetyWordCount> words{};   // indexes into kSafetyWords
};

// nonce: 32 fresh random bytes for this exchange.
[[nodiscard]] SafetyExchange safety_start(const SessionKeys& keys, const DtlsFingerprint& own,
                                          std::span<const std::uint8_t, kSafetyNonceBytes> nonce);
[[nodiscard]] const Hash& safety_commit_message(const SafetyExchange& ex);
[[nodiscard]] Status<SafetyError> safety_receive_commit(SafetyExchange& ex, ByteSpan commit);
// Only after safety_receive_commit succeeded: that order is what makes one guess.
[[nodiscard]] Result<std::vector<std::uint8_t>, SafetyError> safety_reveal_message(const SafetyExchange& ex);
// peer_sdp: the fingerprint in the peer's SDP, which DTLS will enforce.
[[nodiscard]] Result<SafetyCode, SafetyError> safety_receive_reveal(SafetyExchange& ex, ByteSpan reveal,
                                                                    const DtlsFingerprint& peer_sdp);

[[nodiscard]] std::string safety_code_digits(const SafetyCode& code);  // "123 4567"
[[nodiscard]] std::string safety_code_words(const SafetyCode& code);   // "acorn bell ..."

[[nodiscard]] const char* safety_error_name(SafetyError e);

}  // namespace tessera
