// Static file serving: see static_site.hpp.
#include "gateway/static_site.hpp"

#include "gateway/path_guard.hpp"
#include "shared/visit_link.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <fstream>
#include <utility>

namespace tessera::gateway {
namespace fs = std::filesystem;
namespace http = boost::beast::http;

namespace {

constexpr std::string_view kImmutable = "public, max-age=31536000, immutable";
constexpr std::string_view kRevalidate = "no-cache";

bool is_lower_hex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }

std::optional<std::string> read_whole_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  in.seekg(0, std::ios::end);
  const auto size = in.tellg();
  if (size < 0) return std::nullopt;
  in.seekg(0, std::ios::beg);
  std::string data(static_cast<std::size_t>(size), '\0');
  if (!in.read(data.data(), size)) return std::nullopt;
  return data;
}

Response error(http::status status, const Request& req) {
  return finish_response(make_error_response(status, req.version(), req.keep_alive()), req);
}

}  // namespace

std::optional<StaticSite> StaticSite::open(const fs::path& root, std::string& error_message) {
  std::error_code ec;
  const fs::path canonical = fs::canonical(root, ec);
  if (ec || !fs::is_directory(canonical, ec)) {
    error_message = "web root '" + root.string() + "' is not a directory";
    return std::nullopt;
  }
  return StaticSite(canonical);
}

std::optional<std::string_view> content_type_for(std::string_view file_name) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 9> kTypes{{
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript"},
      {".wasm", "application/wasm"},
      {".css", "text/css"},
      {".json", "application/json"},
      {".png", "image/png"},
      {".svg", "image/svg+xml"},
      {".ttf", "font/ttf"},
      {".ico", "image/vnd.microsoft.icon"},
  }};
  const auto dot = file_name.rfind('.');
  if (dot == std::string_view::npos) return std::nullopt;
  std::string extension(file_name.substr(dot));
  std::transform(extension.begin(), extension.end(), extension.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  for (const auto& [ext, type] : kTypes) {
    if (ext == extension) return type;
  }
  return std::nullopt;
}

bool is_hashed_asset_name(std::string_view file_name) {
  const auto ext_dot = file_name.rfind('.');
  if (ext_dot == std::string_view::npos || ext_dot < kAssetHashChars + 2) return false;
  const auto hash_dot = ext_dot - kAssetHashChars - 1;
  if (file_name[hash_dot] != '.') return false;
  const std::string_view hash = file_name.substr(hash_dot + 1, kAssetHashChars);
  return std::all_of(hash.begin(), hash.end(), is_lower_hex);
}

std::string_view cache_control_for(std::string_view file_name) {
  return is_hashed_asset_name(file_name) ? kImmutable : kRevalidate;
}

bool is_client_page_path(std::string_view target) {
  const std::string_view path = target.substr(0, target.find('?'));
  if (path == kKioskPagePath) return true;
  for (const std::string_view prefix : {"/v/", "/s/"}) {
    if (path.starts_with(prefix)) return visit_id_parse(path.substr(prefix.size())).ok();
  }
  return false;
}

Response handle_request(const StaticSite& site, const Request& req) {
  if (req.method() != http::verb::get && req.method() != http::verb::head) {
    Response res = make_error_response(http::status::method_not_allowed, req.version(),
                                       req.keep_alive());
    res.set(http::field::allow, "GET, HEAD");
    return res;
  }
  const std::string_view target = req.target();
  if (target.size() > kMaxTargetLength) return error(http::status::uri_too_long, req);
  if (target.empty() || target.front() != '/') return error(http::status::bad_request, req);

  // The client is one page: "/", "/kiosk" and every visit link load index.html, and
  // the visit id is read by the page itself (the secret is in the fragment,
  // which never reaches us).
  std::vector<std::string> segments;
  if (is_client_page_path(target)) {
    segments = {"index.html"};
  } else if (auto split = split_request_path(target)) {
    segments = split->empty() ? std::vector<std::string>{"index.html"} : std::move(*split);
  } else {
    return error(http::status::not_found, req);
  }

  const auto type = content_type_for(segments.back());
  if (!type) return error(http::status::not_found, req);
  const auto file = resolve_inside(site.root(), segments);
  if (!file) return error(http::status::not_found, req);
  // The build's .gz beside the file, sent as is; it must pass the same guard.
  std::optional<fs::path> gzipped;
  if (accepts_gzip(req[http::field::accept_encoding])) {
    std::vector<std::string> gz_segments = segments;
    gz_segments.back() += ".gz";
    gzipped = resolve_inside(site.root(), gz_segments);
  }
  auto body = read_whole_file(gzipped ? *gzipped : *file);
  if (!body) return error(http::status::not_found, req);

  Response res{http::status::ok, req.version()};
  set_security_headers(res);
  res.set(http::field::content_type, *type);
  res.set(http::field::cache_control, cache_control_for(segments.back()));
  // Every file may come in two encodings, so caches must key on the header.
  res.set(http::field::vary, "Accept-Encoding");
  if (gzipped) res.set(http::field::content_encoding, "gzip");
  res.keep_alive(req.keep_alive());
  // Whole-file reads keep the response a plain value for tests; the client is
  // a few hundred KB. Large or streamed files would move to file_body.
  res.body() = std::move(*body);
  return finish_response(std::move(res), req);
}

}  // namespace tessera::gateway
