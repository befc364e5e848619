// libFuzzer target: the safety code (shared/safety_code.hpp): SDP
// fingerprint parsing and the commit/reveal messages.
// Properties, for any input:
//   - dtls_fingerprint_parse is total; a parsed fingerprint has the digest
//     size of its algorithm and, formatted back as upper-case hex, parses to
//     the same value;
//   - a commit or reveal made of the input bytes is refused or accepted
//     without crashing, and a reveal never completes against a commitment
//     it does not match;
//   - with the input as the provider's fingerprint text (when it parses), an
//     honest exchange gives both sides the same code, digits "ddd dddd";
//     and a relay that swaps the fingerprint the guest sees in the SDP makes
//     the guest refuse the reveal.
#include <algorithm>
#include <string>

#include "shared/safety_code.hpp"
#include "tests/fuzz/fuzz_common.hpp"

using namespace tessera;

namespace {

struct Pair {
  SessionKeys guest, provider;
  Pair() {
    const auto t = fuzz::fixed_bytes<kHashBytes + 2 * kKxPublicKeyBytes>(fuzz::tag::safety);
    Hash th;
    KxPublicKey gk, pk;
    std::copy_n(t.begin(), kHashBytes, th.begin());
    std::copy_n(t.begin() + kHashBytes, kKxPublicKeyBytes, gk.begin());
    std::copy_n(t.begin() + kHashBytes + kKxPublicKeyBytes, kKxPublicKeyBytes, pk.begin());
    guest.role = Role::guest, guest.transcript = th, guest.self_kx = gk, guest.peer_kx = pk;
    provider.role = Role::provider, provider.transcript = th, provider.self_kx = pk, provider.peer_kx = gk;
  }
};

std::string format_fingerprint(const DtlsFingerprint& fp) {
  static const char* names[] = {"", "sha-256", "sha-384", "sha-512"};
  std::string s = names[static_cast<std::uint8_t>(fp.algorithm)];
  s += ' ';
  static const char hex[] = "0123456789ABCDEF";
  for (std::size_t i = 0; i < fp.size; ++i) {
    if (i) s += ':';
    s += hex[fp.digest[i] >> 4];
    s += hex[fp.digest[i] & 15];
  }
  return s;
}

DtlsFingerprint fixed_fingerprint(std::uint8_t tag) {
  DtlsFingerprint fp;
  const auto d = fuzz::fixed_bytes<32>(tag);
  std::copy(d.begin(), d.end(), fp.digest.begin());
  fp.size = 32;
  return fp;
}

std::array<std::uint8_t, kSafetyNonceBytes> nonce(std::uint8_t tag) {
  return fuzz::fixed_bytes<kSafetyNonceBytes>(tag);
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  fuzz::init();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const ByteSpan in(data, size);
  const Pair pair;

  // ---- fingerprint text
  auto fp = dtls_fingerprint_parse(fuzz::as_text(in));
  if (fp) {
    const std::size_t want[] = {0, 32, 48, 64};
    FUZZ_CHECK(fp->size == want[static_cast<std::uint8_t>(fp->algorithm)]);
    auto again = dtls_fingerprint_parse(format_fingerprint(*fp));
    FUZZ_CHECK(again.ok() && again->algorithm == fp->algorithm && again->size == fp->size);
    FUZZ_CHECK(std::equal(fp->digest.begin(), fp->digest.begin() + static_cast<std::ptrdiff_t>(fp->size),
                          again->digest.begin()));
  }

  // ---- raw commit / reveal bytes
  const DtlsFingerprint guest_fp = fixed_fingerprint(20);
  const DtlsFingerprint provider_fp = fp ? DtlsFingerprint(*fp) : fixed_fingerprint(21);
  {
    auto ex = safety_start(pair.guest, guest_fp, nonce(22));
    auto early = safety_receive_reveal(ex, in, provider_fp);
    FUZZ_CHECK(!early && early.error() == SafetyError::not_ready);
    auto c = safety_receive_commit(ex, in);
    FUZZ_CHECK(c.ok() == (in.size() == kSafetyCommitBytes));
    if (c) {
      // The input is the commitment: the honest provider's reveal completes
      // only if the input is that provider's commitment.
      auto honest = safety_start(pair.provider, provider_fp, nonce(23));
      FUZZ_CHECK(safety_receive_commit(honest, safety_commit_message(ex)).ok());
      auto reveal = safety_reveal_message(honest);
      FUZZ_CHECK(reveal.ok());
      const Hash& real = safety_commit_message(honest);
      auto code = safety_receive_reveal(ex, *reveal, provider_fp);
      FUZZ_CHECK(code.ok() == std::equal(real.begin(), real.end(), in.begin()));
    }
    // The input as a reveal, against the honest provider's commitment.
    auto ex2 = safety_start(pair.guest, guest_fp, nonce(22));
    auto honest2 = safety_start(pair.provider, provider_fp, nonce(23));
    FUZZ_CHECK(safety_receive_commit(ex2, safety_commit_message(honest2)).ok());
    auto r2 = safety_receive_reveal(ex2, in, provider_fp);
    if (r2) FUZZ_CHECK(in.size() == honest2.own_reveal.size() &&
                       std::equal(in.begin(), in.end(), honest2.own_reveal.begin()));
  }

  // ---- an honest exchange, and a swapped fingerprint
  auto g = safety_start(pair.guest, guest_fp, nonce(24));
  auto p = safety_start(pair.provider, provider_fp, nonce(25));
  FUZZ_CHECK(safety_receive_commit(g, safety_commit_message(p)).ok());
  FUZZ_CHECK(safety_receive_commit(p, safety_commit_message(g)).ok());
  auto g_reveal = safety_reveal_message(g);
  auto p_reveal = safety_reveal_message(p);
  FUZZ_CHECK(g_reveal.ok() && p_reveal.ok());

  // The guest's SDP shows a fingerprint a relay substituted: refused.
  DtlsFingerprint swapped = provider_fp;
  swapped.digest[in.empty() ? 0 : in[0] % swapped.size] ^= 0x01;
  {
    auto g2 = safety_start(pair.guest, guest_fp, nonce(24));
    FUZZ_CHECK(safety_receive_commit(g2, safety_commit_message(p)).ok());
    auto bad = safety_receive_reveal(g2, *p_reveal, swapped);
    FUZZ_CHECK(!bad && bad.error() == SafetyError::fingerprint_mismatch);
  }
  // A reveal with the input spliced in is refused unless it is the reveal itself.
  if (!in.empty()) {
    std::vector<std::uint8_t> spliced = *p_reveal;
    for (std::size_t i = 0; i < in.size() && i < spliced.size(); ++i) spliced[i] ^= in[i];
    auto g3 = safety_start(pair.guest, guest_fp, nonce(24));
    FUZZ_CHECK(safety_receive_commit(g3, safety_commit_message(p)).ok());
    auto r = safety_receive_reveal(g3, spliced, provider_fp);
    FUZZ_CHECK(r.ok() == (spliced == *p_reveal));
  }

  auto gc = safety_receive_reveal(g, *p_reveal, provider_fp);
  auto pc = safety_receive_reveal(p, *g_reveal, guest_fp);
  FUZZ_CHECK(gc.ok() && pc.ok());
  FUZZ_CHECK(gc->hash == pc->hash && gc->digits == pc->digits && gc->words == pc->words);
  const std::string digits = safety_code_digits(*gc);
  FUZZ_CHECK(digits.size() == 8 && digits[3] == ' ');
  for (std::size_t i = 0; i < digits.size(); ++i)
    if (i != 3) FUZZ_CHECK(digits[i] >= '0' && digits[i] <= '9');
  FUZZ_CHECK(safety_code_words(*gc) == safety_code_words(*pc));
  // Finished: a second reveal is refused.
  auto twice = safety_receive_reveal(g, *p_reveal, provider_fp);
  FUZZ_CHECK(!twice && twice.error() == SafetyError::duplicate);
  return 0;
}
