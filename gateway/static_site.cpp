// Static file serving: see static_site.hpp.
#include "gateway/static_site.hpp"

#include "gateway/path_guard.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <fstream>
#include <utility>

namespace tessera::gateway {
namespace fs = std::filesystem;
namespace http = boost::beast::http;

namespace {

constexpr std::size_t kMaxVisitIdLength = 64;

bool is_base64url_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_';
}

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

bool is_visit_path(std::string_view target) {
  const std::string_view path = target.substr(0, target.find('?'));
  constexpr std::string_view prefix = "/v/";
  if (!path.starts_with(prefix)) return false;
  const std::string_view id = path.substr(prefix.size());
  return !id.empty() && id.size() <= kMaxVisitIdLength &&
         std::all_of(id.begin(), id.end(), is_base64url_char);
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

  // The client is one page: "/" and every visit link load index.html, and
  // the visit id is read by the page itself (the secret is in the fragment,
  // which never reaches us).
  std::vector<std::string> segments;
  if (is_visit_path(target)) {
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
  auto body = read_whole_file(*file);
  if (!body) return error(http::status::not_found, req);

  Response res{http::status::ok, req.version()};
  set_security_headers(res);
  res.set(http::field::content_type, *type);
  // Names are not content-hashed yet, so every file must be revalidated or a
  // rebuilt client would mix old and new assets (hashing: issue 9).
  res.set(http::field::cache_control, "no-cache");
  res.keep_alive(req.keep_alive());
  // Whole-file reads keep the response a plain value for tests; the client is
  // a few hundred KB. Large or streamed files would move to file_body.
  res.body() = std::move(*body);
  return finish_response(std::move(res), req);
}

}  // namespace tessera::gateway
