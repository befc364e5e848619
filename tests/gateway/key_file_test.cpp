// KeyFile: created once, 0600, and every rule that makes the gateway refuse
// to start, on real files.
#include "gateway/key_file.hpp"

#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <iterator>

#include "tests/gateway/temp_dir.hpp"

using namespace tessera::gateway;
using tessera::gateway::test::TempDir;
namespace fs = std::filesystem;

namespace {

struct Layout {
  TempDir dir;
  fs::path data = dir / "data/tessera.db";
  fs::path key = dir / "keys/tessera.key";
  Layout() {
    fs::create_directory(dir / "data");
    fs::create_directory(dir / "keys");
  }
};

std::string read_all(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

std::string refusal(const tessera::Result<KeyFile, KeyFileError>& r) {
  REQUIRE_FALSE(r.ok());
  return r.error().message;
}

}  // namespace

TEST_CASE("a missing key file is created once with 32 random bytes and mode 0600", "[gateway][key_file]") {
  Layout l;
  REQUIRE(KeyFile::open_or_create(l.key, l.data).ok());
  struct stat st {};
  REQUIRE(::stat(l.key.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  const auto first = read_all(l.key);
  CHECK(first.size() == kKeyFileBytes);
  CHECK(first != std::string(kKeyFileBytes, '\0'));
  CHECK_FALSE(fs::exists(l.key.string() + ".new"));
  REQUIRE(KeyFile::open_or_create(l.key, l.data).ok());
  CHECK(read_all(l.key) == first);  // reopened, not replaced
}

TEST_CASE("purpose keys are stable per key file and differ by purpose and by file", "[gateway][key_file]") {
  Layout l;
  auto a = KeyFile::open_or_create(l.key, l.data);
  REQUIRE(a.ok());
  auto again = KeyFile::open_existing(l.key, l.data);
  REQUIRE(again.ok());
  const auto audit = a->derive(key_purpose::kAudit);
  CHECK(tessera::secret_equal<32>(audit.span(), again->derive(key_purpose::kAudit).span()));
  CHECK_FALSE(tessera::secret_equal<32>(audit.span(), a->derive(key_purpose::kTotpSeed).span()));
  auto other = KeyFile::open_or_create(l.dir / "keys/other.key", l.data);
  REQUIRE(other.ok());
  CHECK_FALSE(tessera::secret_equal<32>(audit.span(), other->derive(key_purpose::kAudit).span()));
}

TEST_CASE("a key file readable by group or others is refused", "[gateway][key_file]") {
  Layout l;
  REQUIRE(KeyFile::open_or_create(l.key, l.data).ok());
  fs::permissions(l.key, fs::perms::others_read, fs::perm_options::add);
  CHECK(refusal(KeyFile::open_or_create(l.key, l.data)).find("chmod 600") != std::string::npos);
}

TEST_CASE("a key file of the wrong size is refused and left alone", "[gateway][key_file]") {
  Layout l;
  { std::ofstream(l.key, std::ios::binary) << std::string(31, 'k'); }
  fs::permissions(l.key, fs::perms::owner_read | fs::perms::owner_write, fs::perm_options::replace);
  CHECK(refusal(KeyFile::open_or_create(l.key, l.data)).find("wrong size") != std::string::npos);
  CHECK(read_all(l.key) == std::string(31, 'k'));
}

TEST_CASE("a key file in the directory of the database, or below it, is refused", "[gateway][key_file]") {
  Layout l;
  CHECK(refusal(KeyFile::open_or_create(l.dir / "data/tessera.key", l.data)).find("directory of --data") !=
        std::string::npos);
  fs::create_directory(l.dir / "data/sub");
  CHECK_FALSE(KeyFile::open_or_create(l.dir / "data/sub/tessera.key", l.data).ok());
  // Spelled differently, same place.
  CHECK_FALSE(KeyFile::open_or_create(l.dir / "keys/../data/tessera.key", l.data).ok());
  CHECK_FALSE(fs::exists(l.dir / "data/tessera.key"));
  // A sibling directory whose name merely starts the same is fine.
  fs::create_directory(l.dir / "data2");
  CHECK(KeyFile::open_or_create(l.dir / "data2/tessera.key", l.data).ok());
}

TEST_CASE("open_existing never creates a key file", "[gateway][key_file]") {
  Layout l;
  CHECK(refusal(KeyFile::open_existing(l.key, l.data)).find("no such file") != std::string::npos);
  CHECK_FALSE(fs::exists(l.key));
}

TEST_CASE("a key file whose directory does not exist is refused", "[gateway][key_file]") {
  Layout l;
  CHECK(refusal(KeyFile::open_or_create(l.dir / "nowhere/k", l.data)).find("directory does not exist") !=
        std::string::npos);
}
