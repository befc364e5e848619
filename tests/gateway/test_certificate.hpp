#pragma once
// A throw-away self-signed certificate for the TLS tests, made at test time
// with the OpenSSL C API (no files checked in, nothing to expire): a P-256
// key, CN=localhost, SAN localhost and 127.0.0.1, valid for one day. Written
// as PEM into a temporary folder removed on destruction:
//   cert.pem  the certificate     key.pem  its private key
//   other-key.pem  a key that does not match cert.pem
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>

namespace tessera::gateway::test {

class TestCertificate {
 public:
  TestCertificate() {
    std::string pattern = (std::filesystem::temp_directory_path() / "tessera-tls-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    dir_ = pattern;
    const Key key(EVP_EC_gen("P-256"));
    const Key other(EVP_EC_gen("P-256"));
    if (!key || !other) throw std::runtime_error("EC key generation failed");
    const Cert cert(self_signed(key.get()));
    write_pem(cert_pem(), [&](FILE* f) { return PEM_write_X509(f, cert.get()); });
    write_pem(key_pem(), [&](FILE* f) { return write_key(f, key.get()); });
    write_pem(other_key_pem(), [&](FILE* f) { return write_key(f, other.get()); });
  }
  ~TestCertificate() {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
  TestCertificate(const TestCertificate&) = delete;
  TestCertificate& operator=(const TestCertificate&) = delete;

  [[nodiscard]] std::filesystem::path cert_pem() const { return dir_ / "cert.pem"; }
  [[nodiscard]] std::filesystem::path key_pem() const { return dir_ / "key.pem"; }
  [[nodiscard]] std::filesystem::path other_key_pem() const { return dir_ / "other-key.pem"; }

 private:
  struct KeyFree { void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); } };
  struct CertFree { void operator()(X509* c) const { X509_free(c); } };
  using Key = std::unique_ptr<EVP_PKEY, KeyFree>;
  using Cert = std::unique_ptr<X509, CertFree>;

  static int write_key(FILE* f, EVP_PKEY* key) {
    return PEM_write_PrivateKey(f, key, nullptr, nullptr, 0, nullptr, nullptr);
  }

  static X509* self_signed(EVP_PKEY* key) {
    X509* cert = X509_new();
    if (cert == nullptr) throw std::runtime_error("X509_new failed");
    X509_set_version(cert, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
    X509_gmtime_adj(X509_getm_notBefore(cert), -60);
    X509_gmtime_adj(X509_getm_notAfter(cert), 24 * 60 * 60);
    X509_set_pubkey(cert, key);
    X509_NAME* name = X509_get_subject_name(cert);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("localhost"), -1,
                               -1, 0);
    X509_set_issuer_name(cert, name);
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
    X509_EXTENSION* san = X509V3_EXT_conf_nid(nullptr, &ctx, NID_subject_alt_name, "DNS:localhost,IP:127.0.0.1");
    const bool ok = san != nullptr && X509_add_ext(cert, san, -1) == 1 && X509_sign(cert, key, EVP_sha256()) > 0;
    X509_EXTENSION_free(san);
    if (!ok) {
      X509_free(cert);
      throw std::runtime_error("self-signed certificate failed");
    }
    return cert;
  }

  template <class Write>
  static void write_pem(const std::filesystem::path& path, Write write) {
    FILE* f = std::fopen(path.c_str(), "w");
    if (f == nullptr) throw std::runtime_error("cannot write " + path.string());
    const int ok = write(f);
    std::fclose(f);
    if (ok != 1) throw std::runtime_error("PEM write failed: " + path.string());
  }

  std::filesystem::path dir_;
};

}  // namespace tessera::gateway::test
