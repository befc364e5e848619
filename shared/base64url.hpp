#pragma once
// base64url without padding (RFC 4648 §5), the only text encoding of binary
// data in Tessera's links and signaling. Decoding is strict: padding, other
// alphabets, whitespace and non-canonical trailing bits are all rejected, so
// every value has exactly one encoding.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace tessera {

[[nodiscard]] std::string base64url_encode(std::span<const std::uint8_t> bytes);

// nullopt for anything that is not the canonical unpadded encoding.
[[nodiscard]] std::optional<std::vector<std::uint8_t>> base64url_decode(std::string_view text);

// Decodes into a buffer of exactly out.size() bytes; false on any mismatch.
// Writes no copy anywhere else, so it is the one to use for secrets.
[[nodiscard]] bool base64url_decode_exact(std::string_view text, std::span<std::uint8_t> out);

// The byte count text decodes to when it is the canonical unpadded encoding
// (what base64url_decode accepts), checked without decoding; nullopt otherwise.
[[nodiscard]] std::optional<std::size_t> base64url_decoded_size(std::string_view text);

// Characters base64url_encode produces for n bytes.
[[nodiscard]] constexpr std::size_t base64url_encoded_size(std::size_t n) { return (n * 4 + 2) / 3; }

// Encodes into out, which must hold exactly base64url_encoded_size(bytes.size())
// characters (for secrets: no std::string is made).
void base64url_encode_to(std::span<const std::uint8_t> bytes, std::span<char> out);

}  // namespace tessera
