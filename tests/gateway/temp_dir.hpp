#pragma once
// A throw-away directory for tests that need real files (SQLite databases,
// key files), removed with everything in it on destruction; and opening a
// database there, throwing (a test failure) if it cannot.
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>

#include "gateway/database.hpp"

namespace tessera::gateway::test {

class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "tessera-data-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  [[nodiscard]] const std::filesystem::path& path() const { return path_; }
  [[nodiscard]] std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

inline Database open_database(const std::filesystem::path& file) {
  auto db = Database::open(file);
  if (!db) throw std::runtime_error("cannot open the test database: " + db.error().message);
  return std::move(db).value();
}

}  // namespace tessera::gateway::test
