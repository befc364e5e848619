// The gateway's TLS context: see tls_context.hpp.
#include "gateway/tls_context.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

namespace tessera::gateway {
namespace ssl = boost::asio::ssl;

namespace {

std::string mismatch(const std::filesystem::path& cert, const std::filesystem::path& key) {
  return "--tls-key " + key.string() + " does not match the certificate in --tls-cert " + cert.string();
}

}  // namespace

std::shared_ptr<ssl::context> make_tls_context(const std::filesystem::path& cert_chain_pem,
                                               const std::filesystem::path& private_key_pem, std::string& error) {
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_server);
  SSL_CTX* native = ctx->native_handle();
  boost::system::error_code ec;
  ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                       ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 | ssl::context::no_compression |
                       ssl::context::single_dh_use,
                   ec);
  if (ec || SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION) != 1 ||
      SSL_CTX_set_cipher_list(native, kTls12Ciphers) != 1) {
    error = "cannot configure TLS: " + (ec ? ec.message() : std::string("OpenSSL refused the settings"));
    return nullptr;
  }
  // No renegotiation (a client-driven CPU sink and a history of bugs); the
  // server's cipher order, not the client's.
  SSL_CTX_set_options(native, SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE);
  // An encrypted key must fail with a message, not wait for a passphrase on a terminal.
  ctx->set_password_callback([](std::size_t, ssl::context::password_purpose) { return std::string(); }, ec);

  if (ctx->use_certificate_chain_file(cert_chain_pem.string(), ec); ec) {
    error = "--tls-cert " + cert_chain_pem.string() + ": cannot load a PEM certificate chain (" + ec.message() + ")";
    return nullptr;
  }
  if (ctx->use_private_key_file(private_key_pem.string(), ssl::context::pem, ec); ec) {
    // OpenSSL checks the key against the loaded certificate as it loads it.
    if (ec.category() == boost::asio::error::get_ssl_category() &&
        ERR_GET_REASON(static_cast<unsigned long>(ec.value())) == X509_R_KEY_VALUES_MISMATCH) {
      error = mismatch(cert_chain_pem, private_key_pem);
      return nullptr;
    }
    error = "--tls-key " + private_key_pem.string() + ": cannot load an unencrypted PEM private key (" +
            ec.message() + ")";
    return nullptr;
  }
  if (SSL_CTX_check_private_key(native) != 1) {
    error = mismatch(cert_chain_pem, private_key_pem);
    return nullptr;
  }
  return ctx;
}

}  // namespace tessera::gateway
