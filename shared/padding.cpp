#include "shared/padding.hpp"

namespace tessera {
namespace {
bool is_bucket(std::size_t n, std::size_t max_bucket) {
  for (std::size_t b = kPadMinBucket; b <= max_bucket; b *= 2)
    if (b == n) return true;
  return false;
}
}  // namespace

std::optional<std::size_t> pad_size(std::size_t n, std::size_t max_bucket) {
  for (std::size_t b = kPadMinBucket; b <= max_bucket; b *= 2)
    if (n + 1 <= b) return b;
  return std::nullopt;
}

void pad_fill(std::span<std::uint8_t> buf, std::size_t n) {
  buf[n] = 0x80;
  for (std::size_t i = n + 1; i < buf.size(); ++i) buf[i] = 0;
}

std::optional<std::size_t> pad_content_size(std::span<const std::uint8_t> buf, std::size_t max_bucket) {
  if (!is_bucket(buf.size(), max_bucket)) return std::nullopt;
  // Runs only on authenticated plaintext, so early exits leak nothing new.
  std::size_t i = buf.size();
  while (i > 0 && buf[i - 1] == 0) --i;
  if (i == 0 || buf[i - 1] != 0x80) return std::nullopt;
  const std::size_t marker = i - 1;
  return marker;
}

}  // namespace tessera
