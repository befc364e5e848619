#pragma once
// Length buckets: sealed plaintexts are padded so their ciphertext sizes only
// reveal a power-of-two bucket, not the exact length (docs/PROTOCOL.md §4).
// The padding is ISO/IEC 7816-4 (0x80 then zeros, libsodium's sodium_pad) up
// to the smallest bucket in {64, 128, ..., max} that holds length + 1 bytes.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace tessera {

inline constexpr std::size_t kPadMinBucket = 64;

// Padded size for a plaintext of n bytes, or nullopt if n + 1 > max_bucket.
[[nodiscard]] std::optional<std::size_t> pad_size(std::size_t n, std::size_t max_bucket);

// Writes the padding into buf[n .. buf.size()); buf.size() must be pad_size(n).
void pad_fill(std::span<std::uint8_t> buf, std::size_t n);

// Length of the content of a padded buffer, or nullopt if the buffer is not a
// bucket size or its padding is malformed.
[[nodiscard]] std::optional<std::size_t> pad_content_size(std::span<const std::uint8_t> buf,
                                                          std::size_t max_bucket);

}  // namespace tessera
