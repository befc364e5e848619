#pragma once
// A real SQLite file in a temporary directory with an AccountApi over it and a
// virtual wall clock, for the sign-in tests: add accounts, build requests,
// sign in with the code the authenticator app would show.
#include <catch2/catch.hpp>

#include <sodium.h>

#include <nlohmann/json.hpp>
#include <string>

#include "gateway/account_api.hpp"
#include "gateway/password.hpp"
#include "tests/gateway/temp_dir.hpp"

namespace tessera::gateway::test {

inline constexpr std::string_view kClinicOrigin = "https://clinic.example";
inline constexpr std::string_view kGoodPassword = "correct horse battery staple";

inline TotpSeedKey random_seed_key() {
  TotpSeedKey key;
  randombytes_buf(key.data(), key.size());
  return key;
}

inline std::string dummy_hash() {
  auto hash = password_hash("a password nobody has, for unknown logins");
  REQUIRE(hash);
  return *hash;
}

struct Clinic {
  TempDir dir;
  Database db = open_database(dir / "tessera.db");
  AccountApi api{db, random_seed_key(), {std::string(kClinicOrigin)}, dummy_hash()};
  std::int64_t now = 1'700'000'000;  // virtual wall clock, seconds
  std::string address = "192.0.2.1";

  // A new account; returns its TOTP seed.
  TotpSeed add(std::string_view login, Role role, std::string_view password = kGoodPassword) {
    TotpSeed seed;
    randombytes_buf(seed.data(), seed.size());
    auto hash = password_hash(password);
    REQUIRE(hash);
    REQUIRE(api.store().add(login, role, *hash, seed, now));
    return seed;
  }

  [[nodiscard]] std::string code(const TotpSeed& seed) const {
    return hotp_code(seed.span(), totp_step(now), kTotpDigits);
  }

  [[nodiscard]] Response call(Request req) {
    auto res = api.handle(req, address, WallClock(std::chrono::seconds(now)));
    REQUIRE(res);
    return std::move(*res);
  }
};

inline Request api_request(boost::beast::http::verb verb, std::string_view target, std::string body = {},
                           std::string_view cookie = {}, std::string_view csrf = {},
                           std::string_view origin = kClinicOrigin) {
  Request req{verb, target, 11};
  if (!origin.empty()) req.set(boost::beast::http::field::origin, origin);
  if (!cookie.empty()) req.set(boost::beast::http::field::cookie, std::string(kSessionCookie) + "=" + std::string(cookie));
  if (!csrf.empty()) req.set(kCsrfHeader, csrf);
  if (!body.empty()) req.set(boost::beast::http::field::content_type, "application/json");
  req.body() = std::move(body);
  req.prepare_payload();
  return req;
}

inline std::string sign_in_body(std::string_view login, std::string_view password, std::string_view code) {
  return nlohmann::json{{"login", login}, {"password", password}, {"code", code}}.dump();
}

// The token a Set-Cookie header sets ("" when none).
inline std::string cookie_token(const Response& res) {
  const std::string header(res[boost::beast::http::field::set_cookie]);
  const auto eq = header.find('=');
  const auto semi = header.find(';');
  if (eq == std::string::npos || semi == std::string::npos) return {};
  return header.substr(eq + 1, semi - eq - 1);
}

inline nlohmann::json body_json(const Response& res) { return nlohmann::json::parse(res.body(), nullptr, false); }

}  // namespace tessera::gateway::test
