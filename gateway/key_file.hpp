#pragma once
// The gateway's master key (--key-file FILE): 32 random bytes, created on
// first start if missing (0600, written to a temporary name and linked into
// place, so a crash never leaves a short key). Purpose keys are derived from
// it with crypto_kdf; nothing uses the master key directly.
//
// What it protects: the audit trail's MAC chain (whoever alters the trail
// without this key is caught) and the keyed pseudonyms of visit ids in it,
// and the seeds of second factors (auth). It must live outside the directory
// of --data so a copied database or backup does not carry it; the gateway
// refuses to start otherwise, or when group or others may read it.
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "shared/result.hpp"
#include "shared/secret.hpp"

namespace tessera::gateway {

inline constexpr std::size_t kKeyFileBytes = 32;
using PurposeKey = Secret<32>;

// crypto_kdf contexts: exactly 8 characters, one per use. Append; never reuse.
namespace key_purpose {
inline constexpr std::string_view kAudit = "audit___";      // audit trail MAC chain
inline constexpr std::string_view kPseudonym = "pseudonm";  // audit ids of visits
inline constexpr std::string_view kTotpSeed = "totpseed";   // second-factor seeds (auth)
}  // namespace key_purpose

struct KeyFileError {
  std::string message;  // one line, names the rule broken; never key material
};

class KeyFile {
 public:
  // Opens the key file, creating it if missing. data_file is --data: the key
  // may not live in its directory (or below it).
  [[nodiscard]] static Result<KeyFile, KeyFileError> open_or_create(const std::filesystem::path& key_file,
                                                                    const std::filesystem::path& data_file);
  // Opens an existing key file only (audit verify must not invent a key).
  [[nodiscard]] static Result<KeyFile, KeyFileError> open_existing(const std::filesystem::path& key_file,
                                                                   const std::filesystem::path& data_file);

  // The subkey for one purpose (a key_purpose constant). A context that is
  // not 8 characters is programmer misuse and aborts.
  [[nodiscard]] PurposeKey derive(std::string_view context) const;

 private:
  explicit KeyFile(Secret<kKeyFileBytes> master) : master_(std::move(master)) {}
  [[nodiscard]] static Result<KeyFile, KeyFileError> open(const std::filesystem::path& key_file,
                                                          const std::filesystem::path& data_file, bool may_create);
  Secret<kKeyFileBytes> master_;  // wiped on destruction
};

}  // namespace tessera::gateway
