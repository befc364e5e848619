#include "gateway/key_file.hpp"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>

namespace tessera::gateway {
namespace {

KeyFileError fail(std::string_view what) { return KeyFileError{"--key-file: " + std::string(what)}; }

std::filesystem::path directory_of(const std::filesystem::path& file) {
  std::error_code ec;
  const auto dir = file.parent_path().empty() ? std::filesystem::path(".") : file.parent_path();
  auto canonical = std::filesystem::weakly_canonical(dir, ec);
  return ec ? dir : canonical;
}

// True if dir is base or inside it.
bool within(const std::filesystem::path& dir, const std::filesystem::path& base) {
  auto d = dir.begin();
  for (auto b = base.begin(); b != base.end(); ++b, ++d) {
    if (b->empty()) continue;  // a trailing separator
    if (d == dir.end() || *d != *b) return false;
  }
  return true;
}

bool write_all(int fd, const std::uint8_t* data, std::size_t size) {
  while (size > 0) {
    const auto n = ::write(fd, data, size);
    if (n <= 0) return false;
    data += n;
    size -= static_cast<std::size_t>(n);
  }
  return true;
}

// A fresh key under a temporary name, fsynced, then linked to the final name:
// link() refuses to replace an existing file, so two starts cannot race into
// different keys, and the final name never shows a partial key.
Status<KeyFileError> create(const std::filesystem::path& file) {
  Secret<kKeyFileBytes> key;
  randombytes_buf(key.data(), key.size());
  const auto temp = std::filesystem::path(file.string() + ".new");
  std::filesystem::remove(temp);  // left by a crash during an earlier create
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) return fail("cannot create the file");
  const bool written = write_all(fd, key.data(), key.size()) && ::fsync(fd) == 0;
  ::close(fd);
  const bool linked = written && ::link(temp.c_str(), file.c_str()) == 0;
  ::unlink(temp.c_str());
  if (!linked) return fail("cannot write the file");
  const int dir = ::open(directory_of(file).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir >= 0) {
    (void)::fsync(dir);  // the new name survives a crash
    ::close(dir);
  }
  return Unit{};
}

}  // namespace

Result<KeyFile, KeyFileError> KeyFile::open(const std::filesystem::path& file, const std::filesystem::path& data_file,
                                            bool may_create) {
  if (within(directory_of(file), directory_of(data_file))) {
    return fail("must not be in the directory of --data (a copy of the database would carry the key)");
  }
  struct stat st {};
  if (::lstat(file.c_str(), &st) != 0) {
    if (!may_create) return fail("no such file");
    std::error_code ec;
    if (!std::filesystem::is_directory(directory_of(file), ec)) return fail("the directory does not exist");
    if (auto made = create(file); !made) return made.error();
    if (::lstat(file.c_str(), &st) != 0) return fail("cannot read the file");
  }
  if (!S_ISREG(st.st_mode)) return fail("not a regular file");
  if ((st.st_mode & 077) != 0) return fail("the file is readable or writable by group or others (chmod 600)");
  if (st.st_uid != ::geteuid()) return fail("the file belongs to another user");
  if (st.st_size != static_cast<off_t>(kKeyFileBytes)) return fail("wrong size (expected 32 bytes)");

  const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) return fail("cannot open the file");
  Secret<kKeyFileBytes> master;
  std::size_t got = 0;
  while (got < master.size()) {
    const auto n = ::read(fd, master.data() + got, master.size() - got);
    if (n <= 0) break;
    got += static_cast<std::size_t>(n);
  }
  ::close(fd);
  if (got != master.size()) return fail("wrong size (expected 32 bytes)");
  return KeyFile(std::move(master));
}

Result<KeyFile, KeyFileError> KeyFile::open_or_create(const std::filesystem::path& key_file,
                                                      const std::filesystem::path& data_file) {
  return open(key_file, data_file, true);
}

Result<KeyFile, KeyFileError> KeyFile::open_existing(const std::filesystem::path& key_file,
                                                     const std::filesystem::path& data_file) {
  return open(key_file, data_file, false);
}

PurposeKey KeyFile::derive(std::string_view context) const {
  if (context.size() != crypto_kdf_CONTEXTBYTES) std::abort();  // not a key_purpose constant
  static_assert(kKeyFileBytes == crypto_kdf_KEYBYTES);
  PurposeKey key;
  // Subkey id 1 for every purpose: the context alone separates them.
  if (crypto_kdf_derive_from_key(key.data(), key.size(), 1, context.data(), master_.data()) != 0) std::abort();
  return key;
}

}  // namespace tessera::gateway
