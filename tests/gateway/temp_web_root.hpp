#pragma once
// A throw-away web root for the gateway tests, removed on destruction:
//   <base>/secret.js            outside the root; nothing may ever serve it
//   <base>/web/                 the root
//     index.html app.js app.wasm style.css font.ttf notes.txt .env
//     index.html.gz                         "precompressed" page (marker bytes)
//     app.0123456789abcdef.wasm(.gz)        a content-hashed asset and its .gz
//     style.css.gz -> ../secret.js          a .gz symlink that leaves the root
//     assets/logo.png
//     inside.js  -> app.js      symlink that stays inside: served
//     escape.js  -> ../secret.js  symlink that leaves the root: 404
//     escape_dir -> ..          directory symlink that leaves the root: 404
// The secret's content is a marker string tests search responses for.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <string_view>

namespace tessera::gateway::test {

inline constexpr std::string_view kIndexHtml = "<!doctype html><title>Tessera</title>\n";
inline constexpr std::string_view kSecretMarker = "TOP-SECRET-OUTSIDE-ROOT";
// The server sends .gz files as stored, so any bytes stand for gzip here.
inline constexpr std::string_view kIndexGz = "GZIPPED-INDEX";
inline constexpr std::string_view kHashedWasm = "/app.0123456789abcdef.wasm";
inline constexpr std::string_view kHashedWasmGz = "GZIPPED-WASM";

class TempWebRoot {
 public:
  TempWebRoot() {
    std::string pattern = (std::filesystem::temp_directory_path() / "tessera-gw-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    base_ = pattern;
    namespace fs = std::filesystem;
    fs::create_directories(web() / "assets");
    write(base_ / "secret.js", kSecretMarker);
    write(web() / "index.html", kIndexHtml);
    write(web() / "app.js", "console.log('tessera');\n");
    write(web() / "app.wasm", std::string_view("\0asm\1\0\0\0", 8));
    write(web() / "style.css", "body{}\n");
    write(web() / "font.ttf", "ttf");
    write(web() / "notes.txt", "not a client file type\n");
    write(web() / ".env", "PASSWORD=hunter2\n");
    write(web() / "assets" / "logo.png", "png");
    write(web() / "index.html.gz", kIndexGz);
    write(web() / "app.0123456789abcdef.wasm", std::string_view("\0asm\1\0\0\0", 8));
    write(web() / "app.0123456789abcdef.wasm.gz", kHashedWasmGz);
    fs::create_symlink("../secret.js", web() / "style.css.gz");
    fs::create_symlink("app.js", web() / "inside.js");
    fs::create_symlink("../secret.js", web() / "escape.js");
    fs::create_directory_symlink("..", web() / "escape_dir");
  }
  ~TempWebRoot() {
    std::error_code ignored;
    std::filesystem::remove_all(base_, ignored);
  }
  TempWebRoot(const TempWebRoot&) = delete;
  TempWebRoot& operator=(const TempWebRoot&) = delete;

  [[nodiscard]] std::filesystem::path base() const { return base_; }
  [[nodiscard]] std::filesystem::path web() const { return base_ / "web"; }

 private:
  static void write(const std::filesystem::path& path, std::string_view content) {
    std::ofstream out(path, std::ios::binary);
    out.write(content.data(), static_cast<std::streamsize>(content.size()));
    if (!out) throw std::runtime_error("cannot write " + path.string());
  }
  std::filesystem::path base_;
};

}  // namespace tessera::gateway::test
