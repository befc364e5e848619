// Security headers and fixed error responses: see http_headers.hpp.
#include "gateway/http_headers.hpp"

#include <algorithm>
#include <cctype>
#include <optional>
#include <string>
#include <utility>

namespace tessera::gateway {
namespace http = boost::beast::http;

void set_security_headers(Response& res) {
  res.set("Content-Security-Policy", kContentSecurityPolicy);
  res.set("X-Content-Type-Options", "nosniff");
  res.set("Referrer-Policy", "no-referrer");
  res.set("Cross-Origin-Opener-Policy", "same-origin");
  res.set("Cross-Origin-Resource-Policy", "same-origin");
  res.set("X-Frame-Options", "DENY");
  res.set("Permissions-Policy", kPermissionsPolicy);
}

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool iequals(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](unsigned char x, unsigned char y) {
    return std::tolower(x) == std::tolower(y);
  });
}

// qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] ); only whether it
// is above zero matters. nullopt when malformed.
std::optional<bool> qvalue_positive(std::string_view q) {
  if (q.empty() || (q[0] != '0' && q[0] != '1')) return std::nullopt;
  bool positive = q[0] == '1';
  if (q.size() == 1) return positive;
  if (q[1] != '.' || q.size() > 5) return std::nullopt;
  for (const char c : q.substr(2)) {
    if (c < '0' || c > '9' || (q[0] == '1' && c != '0')) return std::nullopt;
    positive = positive || c != '0';
  }
  return positive;
}

// One list member, "coding *( OWS ; OWS param )": the coding and whether its
// q-value is above zero (a missing q is 1).
std::pair<std::string_view, bool> parse_coding(std::string_view member) {
  const auto semi = member.find(';');
  const std::string_view coding = trim(member.substr(0, semi));
  bool acceptable = true;
  std::string_view params = semi == std::string_view::npos ? "" : member.substr(semi + 1);
  while (!params.empty()) {
    const auto next = params.find(';');
    const std::string_view param = trim(params.substr(0, next));
    params = next == std::string_view::npos ? "" : params.substr(next + 1);
    const auto eq = param.find('=');
    if (eq == std::string_view::npos || !iequals(trim(param.substr(0, eq)), "q")) continue;
    acceptable = qvalue_positive(trim(param.substr(eq + 1))).value_or(false);
  }
  return {coding, acceptable};
}

}  // namespace

bool accepts_gzip(std::string_view accept_encoding) {
  std::optional<bool> gzip;
  std::optional<bool> any;
  while (!accept_encoding.empty()) {
    const auto comma = accept_encoding.find(',');
    const auto [coding, acceptable] = parse_coding(accept_encoding.substr(0, comma));
    accept_encoding = comma == std::string_view::npos ? "" : accept_encoding.substr(comma + 1);
    if (iequals(coding, "gzip") || iequals(coding, "x-gzip")) {
      gzip = gzip.value_or(false) || acceptable;
    } else if (coding == "*") {
      any = acceptable;
    }
  }
  return gzip.value_or(any.value_or(false));
}

Response make_error_response(http::status status, unsigned version, bool keep_alive) {
  Response res{status, version};
  set_security_headers(res);
  res.set(http::field::content_type, "text/plain; charset=utf-8");
  res.set(http::field::cache_control, "no-store");
  res.keep_alive(keep_alive);
  res.body() = std::string(http::obsolete_reason(status)) + "\n";
  res.prepare_payload();
  return res;
}

Response finish_response(Response res, const Request& req) {
  res.prepare_payload();
  if (req.method() == boost::beast::http::verb::head) {
    const auto length = res.body().size();
    res.body().clear();
    res.content_length(length);
  }
  return res;
}

}  // namespace tessera::gateway
