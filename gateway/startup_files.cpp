#include "gateway/startup_files.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gateway/config_sources.hpp"
#include "gateway/turn_credentials.hpp"

namespace tessera::gateway {
namespace {

StartupFileError fail(std::string_view flag, std::string_view why) {
  return StartupFileError{std::string(flag) + ": " + std::string(why)};
}

// Reads a regular file of at most max_bytes; private: also this user's, 0600 or stricter.
Result<std::string, StartupFileError> read_small_file(const std::filesystem::path& path, std::size_t max_bytes,
                                                      bool private_file, std::string_view flag) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) return fail(flag, "cannot open the file");
  struct stat st {};
  std::string text;
  const auto refuse = [&](std::string_view why) {
    ::close(fd);
    return fail(flag, why);
  };
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) return refuse("not a regular file");
  if (private_file && (st.st_mode & 077) != 0)
    return refuse("the file is readable or writable by group or others (chmod 600)");
  if (private_file && st.st_uid != ::geteuid()) return refuse("the file belongs to another user");
  if (static_cast<std::size_t>(st.st_size) > max_bytes)
    return refuse("larger than " + std::to_string(max_bytes) + " bytes");
  text.resize(static_cast<std::size_t>(st.st_size));
  std::size_t got = 0;
  while (got < text.size()) {
    const auto n = ::read(fd, text.data() + got, text.size() - got);
    if (n <= 0) break;
    got += static_cast<std::size_t>(n);
  }
  ::close(fd);
  if (got != text.size()) return fail(flag, "cannot read the file");
  return text;
}

}  // namespace

Result<std::string, StartupFileError> read_config_file(const std::filesystem::path& path) {
  return read_small_file(path, kMaxConfigFileBytes, false, "--config");
}

Result<std::string, StartupFileError> read_turn_secret(const std::filesystem::path& path) {
  auto text = read_small_file(path, kMaxTurnSecretBytes, true, "--turn-secret-file");
  if (!text) return text;
  std::string secret = std::move(text).value();
  const auto first = secret.find_first_not_of(" \t\r\n");
  const auto last = secret.find_last_not_of(" \t\r\n");
  secret = first == std::string::npos ? std::string{} : secret.substr(first, last - first + 1);
  if (secret.size() < kMinTurnSecretBytes)
    return fail("--turn-secret-file", "shorter than " + std::to_string(kMinTurnSecretBytes) + " bytes");
  return secret;
}

}  // namespace tessera::gateway
