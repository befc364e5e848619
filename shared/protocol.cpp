#include "shared/protocol.hpp"

namespace tessera {
namespace {

void absorb_label(crypto_generichash_state& st, std::string_view label) {
  const std::uint8_t zero = 0;
  crypto_generichash_update(&st, reinterpret_cast<const unsigned char*>(label.data()), label.size());
  crypto_generichash_update(&st, &zero, 1);
}

void absorb_parts(crypto_generichash_state& st, std::initializer_list<ByteSpan> parts) {
  for (const auto& p : parts) crypto_generichash_update(&st, p.data(), p.size());
}

}  // namespace

Hash protocol_hash(std::string_view label, std::initializer_list<ByteSpan> parts) {
  crypto_generichash_state st;
  crypto_generichash_init(&st, nullptr, 0, kHashBytes);
  absorb_label(st, label);
  absorb_parts(st, parts);
  Hash out;
  crypto_generichash_final(&st, out.data(), out.size());
  return out;
}

Key protocol_kdf(std::span<const std::uint8_t, kKeyBytes> key, std::string_view label,
                 std::initializer_list<ByteSpan> parts) {
  crypto_generichash_state st;
  crypto_generichash_init(&st, key.data(), key.size(), kKeyBytes);
  absorb_label(st, label);
  absorb_parts(st, parts);
  Key out;
  crypto_generichash_final(&st, out.data(), kKeyBytes);
  sodium_memzero(&st, sizeof st);
  return out;
}

std::array<std::uint8_t, kAeadNonceBytes> counter_nonce(std::uint64_t counter) {
  std::array<std::uint8_t, kAeadNonceBytes> n{};
  store_be64(n.data() + 16, counter);
  return n;
}

void store_be64(std::uint8_t* out, std::uint64_t v) {
  for (int i = 7; i >= 0; --i, v >>= 8) out[i] = static_cast<std::uint8_t>(v);
}
void store_be32(std::uint8_t* out, std::uint32_t v) {
  for (int i = 3; i >= 0; --i, v >>= 8) out[i] = static_cast<std::uint8_t>(v);
}
void store_be16(std::uint8_t* out, std::uint16_t v) {
  out[0] = static_cast<std::uint8_t>(v >> 8);
  out[1] = static_cast<std::uint8_t>(v);
}
std::uint64_t load_be64(const std::uint8_t* in) {
  std::uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | in[i];
  return v;
}
std::uint32_t load_be32(const std::uint8_t* in) {
  std::uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v = (v << 8) | in[i];
  return v;
}
std::uint16_t load_be16(const std::uint8_t* in) {
  return static_cast<std::uint16_t>((in[0] << 8) | in[1]);
}

}  // namespace tessera
