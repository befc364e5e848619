// Project Wycheproof vectors (../shared/testdata/wycheproof) run against the
// libsodium this build links: Debian's natively, our WebAssembly build of
// Debian's source in the wasm preset. Every test case is either checked or
// listed below as a documented deviation; nothing is skipped silently.
//
// Deviations (libsodium's documented behaviour, which Tessera relies on):
// - AEAD groups whose nonce size is not the API's fixed size (12 bytes for
//   ChaCha20-Poly1305-IETF, 24 for XChaCha20-Poly1305) cannot be expressed
//   through libsodium's API; all such cases are "invalid" (InvalidNonceSize)
//   and the test asserts exactly that.
// - X25519: crypto_scalarmult returns an error when the shared secret is
//   all zeros (low-order public keys). Wycheproof marks those "acceptable";
//   the test requires that libsodium rejects exactly those cases and agrees
//   with Wycheproof on every other one.
// - Ed25519: signatures whose length is not 64 bytes cannot be passed to
//   crypto_sign_verify_detached; they are "invalid" and counted as rejected.
#include <sodium.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "test_util.hpp"

using json = nlohmann::json;

namespace {

json load(const std::string& name) {
  std::ifstream in(std::string(TESSERA_WYCHEPROOF_DIR) + "/" + name);
  REQUIRE(in);
  std::stringstream ss;
  ss << in.rdbuf();
  json doc = json::parse(ss.str(), nullptr, false);
  REQUIRE_FALSE(doc.is_discarded());
  REQUIRE(doc.contains("testGroups"));
  return doc;
}

std::string str(const json& j, const char* key) {
  const auto it = j.find(key);
  REQUIRE(it != j.end());
  const auto* s = it->get_ptr<const std::string*>();
  REQUIRE(s);
  return *s;
}

std::vector<unsigned char> unhex(const json& j, const char* key) {
  const std::string h = str(j, key);
  std::vector<unsigned char> out(h.size() / 2 + 1);  // never empty: data() must not be null
  std::size_t n = 0;
  REQUIRE(sodium_hex2bin(out.data(), out.size(), h.data(), h.size(), nullptr, &n, nullptr) == 0);
  REQUIRE(n == h.size() / 2);
  out.resize(n);
  return out;
}

int number(const json& j, const char* key) {
  const auto it = j.find(key);
  REQUIRE(it != j.end());
  REQUIRE(it->is_number_integer());
  return it->get<int>();
}

using Encrypt = int (*)(unsigned char*, unsigned long long*, const unsigned char*, unsigned long long,
                        const unsigned char*, unsigned long long, const unsigned char*, const unsigned char*,
                        const unsigned char*);
using Decrypt = int (*)(unsigned char*, unsigned long long*, unsigned char*, const unsigned char*, unsigned long long,
                        const unsigned char*, unsigned long long, const unsigned char*, const unsigned char*);

void run_aead(const char* file, std::size_t nonce_bytes, Encrypt encrypt, Decrypt decrypt) {
  const json doc = load(file);
  int checked = 0, unsupported_nonce = 0;
  for (const auto& group : doc["testGroups"]) {
    const bool supported = number(group, "ivSize") == static_cast<int>(nonce_bytes * 8) &&
                           number(group, "tagSize") == 128 && number(group, "keySize") == 256;
    for (const auto& t : group["tests"]) {
      const int id = number(t, "tcId");
      const std::string result = str(t, "result");
      CAPTURE(file, id);
      if (!supported) {
        CHECK(result == "invalid");
        ++unsupported_nonce;
        continue;
      }
      const auto key = unhex(t, "key"), iv = unhex(t, "iv"), aad = unhex(t, "aad"), msg = unhex(t, "msg");
      auto ct = unhex(t, "ct");
      const auto tag = unhex(t, "tag");
      ct.insert(ct.end(), tag.begin(), tag.end());
      std::vector<unsigned char> plain(ct.size());
      unsigned long long plain_len = 0;
      const int rc = decrypt(plain.data(), &plain_len, nullptr, ct.data(), ct.size(), aad.data(), aad.size(),
                             iv.data(), key.data());
      if (result == "valid") {
        REQUIRE(rc == 0);
        plain.resize(plain_len);
        CHECK(plain == msg);
        std::vector<unsigned char> again(msg.size() + 16);
        unsigned long long again_len = 0;
        REQUIRE(encrypt(again.data(), &again_len, msg.data(), msg.size(), aad.data(), aad.size(), nullptr, iv.data(),
                        key.data()) == 0);
        CHECK(again == ct);
      } else {
        CHECK(result == "invalid");
        CHECK(rc != 0);
      }
      ++checked;
    }
  }
  CHECK(checked + unsupported_nonce == number(doc, "numberOfTests"));
  CHECK(checked > 200);
}

}  // namespace

TEST_CASE("Wycheproof XChaCha20-Poly1305 against libsodium", "[wycheproof]") {
  run_aead("xchacha20_poly1305_test.json", crypto_aead_xchacha20poly1305_ietf_NPUBBYTES,
           crypto_aead_xchacha20poly1305_ietf_encrypt, crypto_aead_xchacha20poly1305_ietf_decrypt);
}

TEST_CASE("Wycheproof ChaCha20-Poly1305 (IETF) against libsodium", "[wycheproof]") {
  run_aead("chacha20_poly1305_test.json", crypto_aead_chacha20poly1305_ietf_NPUBBYTES,
           crypto_aead_chacha20poly1305_ietf_encrypt, crypto_aead_chacha20poly1305_ietf_decrypt);
}

TEST_CASE("Wycheproof X25519 against libsodium", "[wycheproof]") {
  const json doc = load("x25519_test.json");
  int agreed = 0, rejected_zero = 0;
  for (const auto& group : doc["testGroups"]) {
    for (const auto& t : group["tests"]) {
      CAPTURE(number(t, "tcId"));
      const auto pub = unhex(t, "public"), priv = unhex(t, "private"), shared = unhex(t, "shared");
      REQUIRE(pub.size() == crypto_scalarmult_BYTES);
      REQUIRE(priv.size() == crypto_scalarmult_SCALARBYTES);
      std::vector<unsigned char> out(crypto_scalarmult_BYTES);
      const int rc = crypto_scalarmult(out.data(), priv.data(), pub.data());
      const bool zero = sodium_is_zero(shared.data(), shared.size());
      if (zero) {
        // libsodium refuses an all-zero shared secret: the documented deviation.
        CHECK(str(t, "result") == "acceptable");
        CHECK(rc != 0);
        ++rejected_zero;
      } else {
        REQUIRE(rc == 0);
        CHECK(out == shared);
        ++agreed;
      }
    }
  }
  CHECK(agreed + rejected_zero == number(doc, "numberOfTests"));
  CHECK(rejected_zero > 0);
}

TEST_CASE("Wycheproof Ed25519 verification against libsodium", "[wycheproof]") {
  const json doc = load("ed25519_test.json");
  int checked = 0;
  for (const auto& group : doc["testGroups"]) {
    const auto pk = unhex(group["publicKey"], "pk");
    REQUIRE(pk.size() == crypto_sign_PUBLICKEYBYTES);
    for (const auto& t : group["tests"]) {
      CAPTURE(number(t, "tcId"), str(t, "comment"));
      const auto msg = unhex(t, "msg"), sig = unhex(t, "sig");
      const bool ok = sig.size() == crypto_sign_BYTES &&
                      crypto_sign_verify_detached(sig.data(), msg.data(), msg.size(), pk.data()) == 0;
      CHECK(ok == (str(t, "result") == "valid"));
      ++checked;
    }
  }
  CHECK(checked == number(doc, "numberOfTests"));
}
