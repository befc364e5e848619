#include "shared/safety_code.hpp"

#include <catch2/catch.hpp>

#include <set>
#include <string>
#include <vector>

#include "shared/wordlist.hpp"
#include "test_util.hpp"

using namespace tessera;
using tessera_test::make_pair;
using tessera_test::seeded;

namespace {

DtlsFingerprint fingerprint(std::uint32_t tag) {
  DtlsFingerprint fp;
  fp.size = 32;
  const auto d = seeded<32>(tag);
  std::copy(d.begin(), d.end(), fp.digest.begin());
  return fp;
}

// Runs a full exchange between two SafetyExchanges and returns both codes.
struct Codes {
  SafetyCode a, b;
};
Codes exchange(SafetyExchange& a, SafetyExchange& b, const DtlsFingerprint& a_sees_b,
               const DtlsFingerprint& b_sees_a) {
  REQUIRE(safety_receive_commit(a, safety_commit_message(b)));
  REQUIRE(safety_receive_commit(b, safety_commit_message(a)));
  auto ra = safety_reveal_message(a);
  auto rb = safety_reveal_message(b);
  REQUIRE(ra);
  REQUIRE(rb);
  auto ca = safety_receive_reveal(a, *rb, a_sees_b);
  auto cb = safety_receive_reveal(b, *ra, b_sees_a);
  REQUIRE(ca);
  REQUIRE(cb);
  return {*ca, *cb};
}

}  // namespace

TEST_CASE("honest sides compute the same safety code, as 7 digits and 5 words", "[safety]") {
  auto p = make_pair(60);
  const auto fp_p = fingerprint(61), fp_g = fingerprint(62);
  auto ep = safety_start(p.provider_keys, fp_p, seeded<32>(63));
  auto eg = safety_start(p.guest_keys, fp_g, seeded<32>(64));
  const auto codes = exchange(ep, eg, fp_g, fp_p);
  CHECK(codes.a.hash == codes.b.hash);
  const std::string digits = safety_code_digits(codes.a);
  CHECK(digits == safety_code_digits(codes.b));
  REQUIRE(digits.size() == 8);
  CHECK(digits[3] == ' ');
  const std::string words = safety_code_words(codes.a);
  CHECK(words == safety_code_words(codes.b));
  CHECK(std::count(words.begin(), words.end(), ' ') == 4);

  // A second run (fresh nonces) gives a different code.
  auto ep2 = safety_start(p.provider_keys, fp_p, seeded<32>(65));
  auto eg2 = safety_start(p.guest_keys, fp_g, seeded<32>(66));
  CHECK(exchange(ep2, eg2, fp_g, fp_p).a.hash != codes.a.hash);
}

TEST_CASE("a relay swapping a DTLS fingerprint in either direction makes the codes differ",
          "[safety][adversarial]") {
  // The relay sits in the media path with its own DTLS certificate (fp_m)
  // and answers each side's commit/reveal in the other's name. Each side
  // sees the relay's fingerprint in the SDP it receives, so the per-message
  // checks pass: only the codes can show the attack, and they must differ.
  auto p = make_pair(70);
  const auto fp_p = fingerprint(71), fp_g = fingerprint(72), fp_m = fingerprint(73);

  SECTION("towards the provider") {
    auto ep = safety_start(p.provider_keys, fp_p, seeded<32>(74));
    auto eg = safety_start(p.guest_keys, fp_g, seeded<32>(75));
    // Relay poses as the guest to the provider (guest's public ephemeral key, its own fingerprint).
    auto m_as_guest = safety_start(p.guest_keys, fp_m, seeded<32>(76));
    const auto provider_view = exchange(ep, m_as_guest, fp_m, fp_p);
    auto m_as_provider = safety_start(p.provider_keys, fp_p, seeded<32>(77));
    const auto guest_view = exchange(m_as_provider, eg, fp_g, fp_p);
    CHECK(provider_view.a.hash != guest_view.b.hash);
    CHECK(safety_code_digits(provider_view.a) != safety_code_digits(guest_view.b));
    CHECK(safety_code_words(provider_view.a) != safety_code_words(guest_view.b));
  }
  SECTION("towards the guest") {
    auto ep = safety_start(p.provider_keys, fp_p, seeded<32>(78));
    auto eg = safety_start(p.guest_keys, fp_g, seeded<32>(79));
    auto m_as_provider = safety_start(p.provider_keys, fp_m, seeded<32>(80));
    const auto guest_view = exchange(m_as_provider, eg, fp_g, fp_m);
    auto m_as_guest = safety_start(p.guest_keys, fp_g, seeded<32>(81));
    const auto provider_view = exchange(ep, m_as_guest, fp_g, fp_p);
    CHECK(provider_view.a.hash != guest_view.b.hash);
    CHECK(safety_code_digits(provider_view.a) != safety_code_digits(guest_view.b));
    CHECK(safety_code_words(provider_view.a) != safety_code_words(guest_view.b));
  }
  SECTION("both ways at once") {
    auto ep = safety_start(p.provider_keys, fp_p, seeded<32>(82));
    auto eg = safety_start(p.guest_keys, fp_g, seeded<32>(83));
    auto m_as_guest = safety_start(p.guest_keys, fp_m, seeded<32>(84));
    auto m_as_provider = safety_start(p.provider_keys, fp_m, seeded<32>(85));
    const auto provider_view = exchange(ep, m_as_guest, fp_m, fp_p);
    const auto guest_view = exchange(m_as_provider, eg, fp_g, fp_m);
    CHECK(provider_view.a.hash != guest_view.b.hash);
    CHECK(safety_code_words(provider_view.a) != safety_code_words(guest_view.b));
  }
}

TEST_CASE("a committed-then-changed fingerprint is rejected", "[safety][adversarial]") {
  auto p = make_pair(90);
  const auto fp_p = fingerprint(91), fp_g = fingerprint(92), fp_m = fingerprint(93);
  auto ep = safety_start(p.provider_keys, fp_p, seeded<32>(94));
  auto eg = safety_start(p.guest_keys, fp_g, seeded<32>(95));
  REQUIRE(safety_receive_commit(ep, safety_commit_message(eg)));
  REQUIRE(safety_receive_commit(eg, safety_commit_message(ep)));
  // The guest's reveal with the fingerprint swapped after the commitment.
  auto reveal = *safety_reveal_message(eg);
  std::copy(fp_m.digest.begin(), fp_m.digest.begin() + 32, reveal.begin() + 2);
  auto r = safety_receive_reveal(ep, reveal, fp_m);
  REQUIRE_FALSE(r);
  CHECK(r.error() == SafetyError::commitment_mismatch);
  // Every flipped byte of a reveal is caught.
  const auto genuine = *safety_reveal_message(eg);
  for (std::size_t i = 0; i < genuine.size(); ++i) {
    auto m = genuine;
    m[i] ^= 0x10;
    CHECK_FALSE(safety_receive_reveal(ep, m, fp_g));
  }
  CHECK(safety_receive_reveal(ep, genuine, fp_g));
}

TEST_CASE("safety exchange enforces its order and checks each field", "[safety]") {
  auto p = make_pair(100);
  const auto fp_p = fingerprint(101), fp_g = fingerprint(102);
  auto ep = safety_start(p.provider_keys, fp_p, seeded<32>(103));
  auto eg = safety_start(p.guest_keys, fp_g, seeded<32>(104));

  // No reveal before the peer's commitment: that is what limits a relay to one guess.
  CHECK(safety_reveal_message(ep).error() == SafetyError::not_ready);
  CHECK(safety_receive_reveal(ep, eg.own_reveal, fp_g).error() == SafetyError::not_ready);

  CHECK(safety_receive_commit(ep, ByteSpan(safety_commit_message(eg)).first(31)).error() == SafetyError::bad_length);
  REQUIRE(safety_receive_commit(ep, safety_commit_message(eg)));
  CHECK(safety_receive_commit(ep, safety_commit_message(eg)).error() == SafetyError::duplicate);

  REQUIRE(safety_receive_commit(eg, safety_commit_message(ep)));
  const auto reveal = *safety_reveal_message(eg);
  CHECK(safety_receive_reveal(ep, ByteSpan(reveal).first(50), fp_g).error() == SafetyError::bad_length);
  auto bad_alg = reveal;
  bad_alg[1] = 0x07;
  CHECK(safety_receive_reveal(ep, bad_alg, fp_g).error() == SafetyError::bad_length);
  // The provider's own reveal reflected back.
  auto ep_reflect = safety_start(p.provider_keys, fp_p, seeded<32>(103));
  REQUIRE(safety_receive_commit(ep_reflect, safety_commit_message(ep_reflect)));
  CHECK(safety_receive_reveal(ep_reflect, ep_reflect.own_reveal, fp_p).error() == SafetyError::bad_role);
  // SDP fingerprint differs from the revealed one.
  CHECK(safety_receive_reveal(ep, reveal, fingerprint(105)).error() == SafetyError::fingerprint_mismatch);
  // A consistent commit+reveal with another ephemeral key than the handshake's.
  SessionKeys other = std::move(make_pair(106).guest_keys);
  other.transcript = p.guest_keys.transcript;
  auto stranger = safety_start(other, fp_g, seeded<32>(107));
  auto ep2 = safety_start(p.provider_keys, fp_p, seeded<32>(108));
  REQUIRE(safety_receive_commit(ep2, safety_commit_message(stranger)));
  CHECK(safety_receive_reveal(ep2, stranger.own_reveal, fp_g).error() == SafetyError::wrong_key);

  REQUIRE(safety_receive_reveal(ep, reveal, fp_g));
  CHECK(safety_receive_reveal(ep, reveal, fp_g).error() == SafetyError::duplicate);
}

TEST_CASE("DTLS fingerprints parse from SDP values", "[safety]") {
  const std::string hex32 =
      "4A:AD:B9:B1:3F:82:18:3B:54:02:12:DF:3E:5D:49:6B:19:E5:7C:AB:3F:48:7A:D5:B7:E3:72:05:66:E7:09:0C";
  auto fp = dtls_fingerprint_parse("sha-256 " + hex32);
  REQUIRE(fp);
  CHECK(fp->size == 32);
  CHECK(fp->digest[0] == 0x4A);
  CHECK(fp->digest[31] == 0x0C);
  std::string lower = hex32;
  for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  CHECK(dtls_fingerprint_parse("SHA-256 " + lower));
  const std::string hex48 = hex32 + ":" + hex32.substr(0, 47);
  CHECK(dtls_fingerprint_parse("sha-384 " + hex48)->size == 48);
  const std::string hex64 = hex32 + ":" + hex32;
  CHECK(dtls_fingerprint_parse("sha-512 " + hex64)->size == 64);
  const std::vector<std::string> bads{std::string(""), "sha-256", "sha-256 ", "sha-1 " + hex32, "sha-256 " + hex48,
                                "sha-256  " + hex32, "sha-256 " + hex32 + ":", "sha-256 " + hex32.substr(1),
                                "sha-256 " + hex32.substr(0, 94) + "G", "sha-256 " + std::string(95, ':')};
  for (const auto& bad : bads) {
    CAPTURE(bad);
    CHECK_FALSE(dtls_fingerprint_parse(bad));
  }
}

TEST_CASE("the safety word list has 256 distinct simple words", "[safety]") {
  std::set<std::string_view> words(kSafetyWords.begin(), kSafetyWords.end());
  CHECK(words.size() == 256);
  for (auto w : kSafetyWords) {
    CHECK(w.size() >= 3);
    CHECK(w.size() <= 8);
    for (char c : w) CHECK((c >= 'a' && c <= 'z'));
  }
  CHECK(std::is_sorted(kSafetyWords.begin(), kSafetyWords.end()));
}
