#include "shared/safety_code.hpp"

#include <cstring>

#include "shared/wordlist.hpp"

namespace tessera {
namespace {

std::size_t digest_size(std::uint8_t alg) {
  switch (alg) {
    case 0x01: return 32;
    case 0x02: return 48;
    case 0x03: return 64;
    default: return 0;
  }
}

// reveal = role ‖ algorithm ‖ digest ‖ ephemeral kx public key ‖ nonce
std::vector<std::uint8_t> make_reveal(Role role, const DtlsFingerprint& fp, const KxPublicKey& kx,
                                      std::span<const std::uint8_t, kSafetyNonceBytes> nonce) {
  std::vector<std::uint8_t> r;
  r.reserve(2 + fp.size + kKxPublicKeyBytes + kSafetyNonceBytes);
  r.push_back(static_cast<std::uint8_t>(role));
  r.push_back(static_cast<std::uint8_t>(fp.algorithm));
  r.insert(r.end(), fp.digest.begin(), fp.digest.begin() + static_cast<std::ptrdiff_t>(fp.size));
  r.insert(r.end(), kx.begin(), kx.end());
  r.insert(r.end(), nonce.begin(), nonce.end());
  return r;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool equals_ignore_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (x != b[i]) return false;
  }
  return true;
}

}  // namespace

Result<DtlsFingerprint, SafetyError> dtls_fingerprint_parse(std::string_view text) {
  const auto space = text.find(' ');
  if (space == std::string_view::npos) return SafetyError::bad_fingerprint;
  const std::string_view name = text.substr(0, space), hex = text.substr(space + 1);
  DtlsFingerprint fp;
  if (equals_ignore_case(name, "sha-256")) fp.algorithm = FingerprintAlgorithm::sha256;
  else if (equals_ignore_case(name, "sha-384")) fp.algorithm = FingerprintAlgorithm::sha384;
  else if (equals_ignore_case(name, "sha-512")) fp.algorithm = FingerprintAlgorithm::sha512;
  else return SafetyError::bad_fingerprint;
  fp.size = digest_size(static_cast<std::uint8_t>(fp.algorithm));
  if (hex.size() != fp.size * 3 - 1) return SafetyError::bad_fingerprint;
  for (std::size_t i = 0; i < fp.size; ++i) {
    const int hi = hex_value(hex[3 * i]), lo = hex_value(hex[3 * i + 1]);
    if (hi < 0 || lo < 0 || (i + 1 < fp.size && hex[3 * i + 2] != ':')) return SafetyError::bad_fingerprint;
    fp.digest[i] = static_cast<std::uint8_t>(hi * 16 + lo);
  }
  return fp;
}

SafetyExchange safety_start(const SessionKeys& keys, const DtlsFingerprint& own,
                            std::span<const std::uint8_t, kSafetyNonceBytes> nonce) {
  SafetyExchange ex;
  ex.role = keys.role;
  ex.transcript = keys.transcript;
  ex.peer_kx = keys.peer_kx;
  ex.own_reveal = make_reveal(keys.role, own, keys.self_kx, nonce);
  ex.own_commit = protocol_hash(label::kSafetyCommit, {ex.transcript, ex.own_reveal});
  return ex;
}

const Hash& safety_commit_message(const SafetyExchange& ex) { return ex.own_commit; }

Status<SafetyError> safety_receive_commit(SafetyExchange& ex, ByteSpan commit) {
  if (commit.size() != kSafetyCommitBytes) return SafetyError::bad_length;
  if (ex.have_peer_commit) return SafetyError::duplicate;
  std::memcpy(ex.peer_commit.data(), commit.data(), kSafetyCommitBytes);
  ex.have_peer_commit = true;
  return Unit{};
}

Result<std::vector<std::uint8_t>, SafetyError> safety_reveal_message(const SafetyExchange& ex) {
  if (!ex.have_peer_commit) return SafetyError::not_ready;
  return ex.own_reveal;
}

Result<SafetyCode, SafetyError> safety_receive_reveal(SafetyExchange& ex, ByteSpan reveal,
                                                      const DtlsFingerprint& peer_sdp) {
  if (!ex.have_peer_commit) return SafetyError::not_ready;
  if (ex.finished) return SafetyError::duplicate;
  if (reveal.size() < 2) return SafetyError::bad_length;
  const std::size_t n = digest_size(reveal[1]);
  if (n == 0 || reveal.size() != 2 + n + kKxPublicKeyBytes + kSafetyNonceBytes) return SafetyError::bad_length;
  if (reveal[0] != static_cast<std::uint8_t>(role_peer(ex.role))) return SafetyError::bad_role;
  const Hash commit = protocol_hash(label::kSafetyCommit, {ex.transcript, reveal});
  if (sodium_memcmp(commit.data(), ex.peer_commit.data(), kHashBytes) != 0) return SafetyError::commitment_mismatch;
  if (std::memcmp(reveal.data() + 2 + n, ex.peer_kx.data(), kKxPublicKeyBytes) != 0) return SafetyError::wrong_key;
  if (reveal[1] != static_cast<std::uint8_t>(peer_sdp.algorithm) || peer_sdp.size != n ||
      std::memcmp(reveal.data() + 2, peer_sdp.digest.data(), n) != 0)
    return SafetyError::fingerprint_mismatch;

  // Ordered by role, not by who computes: both sides hash the same bytes.
  const bool provider = ex.role == Role::provider;
  const ByteSpan own(ex.own_reveal);
  SafetyCode code;
  code.hash = protocol_hash(label::kSafetyCode,
                            {ex.transcript, provider ? ex.own_commit : ex.peer_commit,
                             provider ? ex.peer_commit : ex.own_commit, provider ? own : reveal,
                             provider ? reveal : own});
  for (std::size_t i = 0; i < kSafetyWordCount; ++i) code.words[i] = code.hash[i];
  std::uint64_t v = load_be64(code.hash.data() + 8) % 10000000u;
  for (std::size_t i = kSafetyDigits; i-- > 0; v /= 10) code.digits[i] = static_cast<char>('0' + v % 10);
  ex.finished = true;
  return code;
}

std::string safety_code_digits(const SafetyCode& code) {
  const std::string_view d(code.digits.data(), code.digits.size());
  return std::string(d.substr(0, 3)) + " " + std::string(d.substr(3));
}

std::string safety_code_words(const SafetyCode& code) {
  std::string out;
  for (std::size_t i = 0; i < kSafetyWordCount; ++i) {
    if (i) out += ' ';
    out += kSafetyWords[code.words[i]];
  }
  return out;
}

const char* safety_error_name(SafetyError e) {
  switch (e) {
    case SafetyError::bad_fingerprint: return "bad_fingerprint";
    case SafetyError::bad_length: return "bad_length";
    case SafetyError::bad_role: return "bad_role";
    case SafetyError::not_ready: return "not_ready";
    case SafetyError::duplicate: return "duplicate";
    case SafetyError::commitment_mismatch: return "commitment_mismatch";
    case SafetyError::wrong_key: return "wrong_key";
    case SafetyError::fingerprint_mismatch: return "fingerprint_mismatch";
  }
  return "unknown";
}

}  // namespace tessera
