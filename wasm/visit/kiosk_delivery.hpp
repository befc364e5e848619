#pragma once
// A visit sent to a clinic kiosk (docs/ARCHITECTURE.md, "Kiosks"): the
// provider's browser seals the whole patient link to the kiosk's X25519 key
// (crypto_box_seal), the gateway keeps only the sealed bytes beside the
// visit id, and the tablet opens them with its secret key, which never
// leaves it. The tablet accepts a link only for the visit id the inbox item
// names and for the gateway it was loaded from, so the gateway cannot move a
// sealed link to another visit or send the tablet elsewhere.
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "shared/result.hpp"
#include "shared/secret.hpp"
#include "shared/visit_link.hpp"

namespace tessera::client {

inline constexpr std::size_t kKioskKeyBytes = 32;  // X25519, both halves
using KioskPublicKey = std::array<std::uint8_t, kKioskKeyBytes>;

// The tablet's identity key pair (crypto_box_keypair). Only the secret half
// is kept (sealed in the bridge's vault); the public half follows from it.
struct KioskKeyPair {
  KioskPublicKey public_key{};
  Secret<kKioskKeyBytes> secret_key;

  [[nodiscard]] static KioskKeyPair generate();
  [[nodiscard]] static KioskKeyPair from_secret(std::span<const std::uint8_t, kKioskKeyBytes> secret);
};

// The provider's side: the link text sealed to the kiosk (48 bytes longer).
[[nodiscard]] std::vector<std::uint8_t> kiosk_seal_link(std::string_view link, const KioskPublicKey& kiosk);

enum class KioskItemError {
  does_not_open,  // not sealed to this tablet's key, or changed on the way
  bad_link,       // opens, but is not a visit link
  other_visit,    // a link for another visit than the item names
  other_host,     // a link to another gateway than this page's
};

// The tablet's side: the link inside an inbox item, checked against the
// item's visit id and this page's host.
[[nodiscard]] Result<LinkText, KioskItemError> kiosk_open_link(std::span<const std::uint8_t> sealed,
                                                               const KioskKeyPair& keys, const VisitId& visit,
                                                               std::string_view host);

}  // namespace tessera::client
