#include "wasm/visit/kiosk_delivery.hpp"

#include <sodium.h>

namespace tessera::client {

static_assert(kKioskKeyBytes == crypto_box_PUBLICKEYBYTES && kKioskKeyBytes == crypto_box_SECRETKEYBYTES);
static_assert(kSealOverheadBytes == crypto_box_SEALBYTES);

KioskKeyPair KioskKeyPair::generate() {
  KioskKeyPair keys;
  crypto_box_keypair(keys.public_key.data(), keys.secret_key.data());
  return keys;
}

KioskKeyPair KioskKeyPair::from_secret(std::span<const std::uint8_t, kKioskKeyBytes> secret) {
  KioskKeyPair keys;
  keys.secret_key = Secret<kKioskKeyBytes>(secret);
  crypto_scalarmult_base(keys.public_key.data(), keys.secret_key.data());
  return keys;
}

std::vector<std::uint8_t> kiosk_seal_link(std::string_view link, const KioskPublicKey& kiosk) {
  std::vector<std::uint8_t> sealed(link.size() + crypto_box_SEALBYTES);
  crypto_box_seal(sealed.data(), reinterpret_cast<const std::uint8_t*>(link.data()), link.size(), kiosk.data());
  return sealed;
}

Result<LinkText, KioskItemError> kiosk_open_link(std::span<const std::uint8_t> sealed, const KioskKeyPair& keys,
                                                 const VisitId& visit, std::string_view host) {
  if (sealed.size() <= crypto_box_SEALBYTES || sealed.size() - crypto_box_SEALBYTES > kLinkMaxChars) {
    return KioskItemError::does_not_open;
  }
  SecretBuffer clear(sealed.size() - crypto_box_SEALBYTES);
  if (crypto_box_seal_open(clear.data(), sealed.data(), sealed.size(), keys.public_key.data(),
                           keys.secret_key.data()) != 0) {
    return KioskItemError::does_not_open;
  }
  const auto link = visit_link_parse(clear.text());
  if (!link) return KioskItemError::bad_link;
  if (link->visit_id != visit) return KioskItemError::other_visit;
  if (link->host != host) return KioskItemError::other_host;
  LinkText out;
  if (!out.assign(clear.text())) return KioskItemError::bad_link;  // longer than any link: parse refused it already
  return out;
}

}  // namespace tessera::client
