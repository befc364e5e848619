#include "gateway/turn_credentials.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <array>
#include <cassert>

namespace tessera::gateway {

TurnGrant turn_grant(const TurnConfig& config, std::int64_t unix_now, std::string_view id) {
  assert(config.enabled() && "turn_grant needs a secret and at least one URL: check TurnConfig::enabled()");
  assert(id.find_first_of(": ") == std::string_view::npos && "a TURN id must not contain ':' or spaces");
  TurnGrant grant;
  for (const auto& url : config.urls) {
    if (!grant.urls.empty()) grant.urls += ' ';
    grant.urls += url;
  }
  grant.username = std::to_string(unix_now + config.ttl.count()) + ":" + std::string(id);

  std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
  unsigned mac_size = 0;
  HMAC(EVP_sha1(), config.secret.data(), static_cast<int>(config.secret.size()),
       reinterpret_cast<const unsigned char*>(grant.username.data()), grant.username.size(), mac.data(), &mac_size);
  // Standard base64 with padding, as coturn computes it (not base64url).
  std::array<unsigned char, 4 * ((EVP_MAX_MD_SIZE + 2) / 3) + 1> text{};
  const int length = EVP_EncodeBlock(text.data(), mac.data(), static_cast<int>(mac_size));
  grant.credential.assign(reinterpret_cast<const char*>(text.data()), static_cast<std::size_t>(length));
  return grant;
}

}  // namespace tessera::gateway
