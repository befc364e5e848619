#pragma once
// The TLS settings of the gateway (issue 9 item 1), in one place: builds the
// boost::asio::ssl::context every HTTPS and WSS connection uses from a PEM
// certificate chain and a PEM private key. TLS 1.2 at least (no SSLv3, TLS 1.0
// or 1.1), no compression (CRIME), no renegotiation, forward-secret AEAD
// ciphers only for TLS 1.2 (TLS 1.3 suites are all AEAD), the server's cipher
// order. Reads the two files and nothing else; no sockets.
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

namespace tessera::gateway {

// The two transports one connection may use. With TLS configured every
// connection is TlsStream: no fallback to plain HTTP on the same port.
using PlainStream = boost::beast::tcp_stream;
using TlsStream = boost::beast::ssl_stream<boost::beast::tcp_stream>;

// What a signaling WebSocket runs over once the upgrade is read. On plain
// connections the bare socket: the WebSocket's own timeouts replace
// tcp_stream's, whose timers cost ~460 bytes per connection and a check on
// every read (the relay benchmark holds 10,000 of them). Under TLS the TLS
// stream as it is.
using PlainSocket = boost::asio::ip::tcp::socket;
inline PlainSocket signaling_transport(PlainStream&& stream) { return stream.release_socket(); }
inline TlsStream signaling_transport(TlsStream&& stream) { return std::move(stream); }

// Mozilla's "intermediate" TLS 1.2 list: ECDHE key exchange, AES-GCM or
// ChaCha20-Poly1305. No CBC, no RSA key exchange, no SHA-1 MACs.
inline constexpr const char* kTls12Ciphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";

// From accept to a finished handshake; a client that stalls there is dropped.
inline constexpr std::chrono::seconds kTlsHandshakeTimeout{10};

// Sent on every response under TLS (two years), never on plain loopback HTTP:
// a browser that once reached the gateway over HTTPS never tries plain again.
inline constexpr std::string_view kStrictTransportSecurity = "max-age=63072000";

// nullptr, with a message for the operator naming the file and what is wrong
// (unreadable, not PEM, key does not match the certificate, key encrypted),
// when the context cannot be built. Never prompts for a passphrase.
[[nodiscard]] std::shared_ptr<boost::asio::ssl::context> make_tls_context(
    const std::filesystem::path& cert_chain_pem, const std::filesystem::path& private_key_pem,
    std::string& error);

}  // namespace tessera::gateway
