// Provider and admin sign-in through AccountApi::handle, on a real SQLite file
// and a virtual wall clock: one error for every failure, replay, lockout and
// its release, session expiry, sign-out, fixation, CSRF and roles.
#include "gateway/account_api.hpp"
#include "gateway/sign_in.hpp"

#include <catch2/catch.hpp>

#include "tests/gateway/clinic_accounts.hpp"

using namespace tessera::gateway;
using namespace tessera::gateway::test;
namespace http = boost::beast::http;

namespace {

Response sign_in(Clinic& c, std::string_view login, std::string_view password, std::string_view code,
                 std::string_view cookie = {}) {
  return c.call(api_request(http::verb::post, "/api/session", sign_in_body(login, password, code), cookie));
}

struct Signed {
  std::string token;
  std::string csrf;
};

Signed signed_in(Clinic& c, std::string_view login, const TotpSeed& seed) {
  const auto res = sign_in(c, login, kGoodPassword, c.code(seed));
  REQUIRE(res.result() == http::status::ok);
  return {cookie_token(res), body_json(res)["csrf"].get<std::string>()};
}

http::status who_am_i(Clinic& c, std::string_view token) {
  return c.call(api_request(http::verb::get, "/api/session", {}, token, {}, {})).result();
}

}  // namespace

TEST_CASE("a provider signs in with password and code and gets a session cookie", "[sign-in]") {
  Clinic c;
  const auto seed = c.add("dr.ada", Role::provider);
  const auto res = sign_in(c, "dr.ada", kGoodPassword, c.code(seed));
  REQUIRE(res.result() == http::status::ok);
  CHECK(res[http::field::cache_control] == "no-store");
  CHECK(res[http::field::content_type] == "application/json");
  const std::string cookie(res[http::field::set_cookie]);
  CHECK(cookie.starts_with("__Host-tessera-session="));
  CHECK(cookie.ends_with("; HttpOnly; Secure; SameSite=Strict; Path=/"));
  CHECK(cookie_token(res).size() == 43);  // 256 bits, base64url
  const auto body = body_json(res);
  CHECK(body["role"] == "provider");
  CHECK(body["csrf"].get<std::string>().size() == 43);

  const auto me = c.call(api_request(http::verb::get, "/api/session", {}, cookie_token(res), {}, {}));
  REQUIRE(me.result() == http::status::ok);
  CHECK(body_json(me)["login"] == "dr.ada");
  CHECK(body_json(me)["csrf"] == body["csrf"]);
}

TEST_CASE("wrong password, wrong code, replayed code and unknown login give the same answer", "[sign-in]") {
  Clinic c;
  const auto seed = c.add("dr.ada", Role::provider);
  const auto first = signed_in(c, "dr.ada", seed);  // uses this step's code
  const auto failures = {
      sign_in(c, "dr.ada", "not the right password", c.code(seed)),  // (the step is used anyway)
      sign_in(c, "dr.ada", kGoodPassword, "000000"),
      sign_in(c, "dr.ada", kGoodPassword, c.code(seed)),  // replay of the used step
      sign_in(c, "nobody", kGoodPassword, c.code(seed)),
      sign_in(c, "Not A Login!", kGoodPassword, c.code(seed)),
  };
  for (const auto& res : failures) {
    CHECK(res.result() == http::status::unauthorized);
    CHECK(res.body() == R"({"error":"sign-in failed"})");
    CHECK(res[http::field::set_cookie].empty());
  }
  // The next step's code works.
  c.now += kTotpStepSeconds;
  CHECK(sign_in(c, "dr.ada", kGoodPassword, c.code(seed)).result() == http::status::ok);
}

TEST_CASE("five failures lock the account for 15 minutes, then it signs in again", "[sign-in]") {
  Clinic c;
  const auto seed = c.add("dr.ada", Role::provider);
  for (int i = 0; i < kLockAfterFailures; ++i) {
    CHECK(sign_in(c, "dr.ada", "not the right password", c.code(seed)).result() == http::status::unauthorized);
  }
  // Locked: even the right password and code fail, with the same answer.
  c.now += 1;
  const auto locked = sign_in(c, "dr.ada", kGoodPassword, c.code(seed));
  CHECK(locked.result() == http::status::unauthorized);
  CHECK(locked.body() == R"({"error":"sign-in failed"})");
  c.now += kFirstLockSeconds - 2;
  CHECK(sign_in(c, "dr.ada", kGoodPassword, c.code(seed)).result() == http::status::unauthorized);
  c.now += kTotpStepSeconds;  // past the lock, a fresh step
  CHECK(sign_in(c, "dr.ada", kGoodPassword, c.code(seed)).result() == http::status::ok);
}

TEST_CASE("each further lock lasts twice as long, up to a day", "[sign-in]") {
  CHECK(lock_seconds(1) == 15 * 60);
  CHECK(lock_seconds(2) == 30 * 60);
  CHECK(lock_seconds(3) == 60 * 60);
  CHECK(lock_seconds(40) == kMaxLockSeconds);
}

TEST_CASE("one address gets kSignInBurst attempts, then 429 until its bucket refills", "[sign-in]") {
  Clinic c;
  for (int i = 0; i < static_cast<int>(kSignInBurst); ++i) {
    CHECK(sign_in(c, "nobody", "whatever password", "123456").result() == http::status::unauthorized);
  }
  const auto throttled = sign_in(c, "nobody", "whatever password", "123456");
  CHECK(throttled.result() == http::status::too_many_requests);
  CHECK(throttled.body() == R"({"error":"sign-in failed"})");
  c.address = "192.0.2.2";  // someone else is not disturbed
  CHECK(sign_in(c, "nobody", "whatever password", "123456").result() == http::status::unauthorized);
  c.address = "192.0.2.1";
  c.now += static_cast<std::int64_t>(kSignInRefillSeconds);
  CHECK(sign_in(c, "nobody", "whatever password", "123456").result() == http::status::unauthorized);
}

TEST_CASE("a session ends after 30 idle minutes", "[sign-in]") {
  Clinic c;
  const auto seed = c.add("dr.ada", Role::provider);
  const auto s = signed_in(c, "dr.ada", seed);
  c.now += kSessionIdleSeconds - 1;
  CHECK(who_am_i(c, s.token) == http::status::ok);  // use keeps it alive
  c.now += kSessionIdleSeconds - 1;
  CHECK(who_am_i(c, s.token) == http::status::ok);
  c.now += kSessionIdleSeconds;
  CHECK(who_am_i(c, s.token) == http::status::unauthorized);
}

TEST_CASE("a session in constant use still ends 12 hours after sign-in", "[sign-in]") {
  Clinic c;
  const auto seed = c.add("dr.ada", Role::provider);
  const auto start = c.now;
  const auto s = signed_in(c, "dr.ada", seed);
  while (c.now + 600 < start + kSessionLifetimeSeconds) {
    c.now += 600;
    REQUIRE(who_am_i(c, s.token) == http::status::ok);
  }
  c.now = start + kSessionLifetimeSeconds;
  CHECK(who_am_i(c, s.token) == http::status::unauthorized);
}

TEST_CASE("a cookie from before sign-out is refused after it", "[sign-in]") {
  Clinic c;
  const auto seed = c.add("dr.ada", Role::provider);
  const auto s = signed_in(c, "dr.ada", seed);
  const auto out = c.call(api_request(http::verb::delete_, "/api/session", {}, s.token, s.csrf));
  REQUIRE(out.result() == http::status::ok);
  CHECK(std::string(out[http::field::set_cookie]).find("Max-Age=0") != std::string::npos);
  CHECK(who_am_i(c, s.token) == http::status::unauthorized);
}

TEST_CASE("a token planted before sign-in does not become the session", "[sign-in]") {
  Clinic c;
  const auto seed = c.add("dr.ada", Role::provider);
  // An attacker's own valid session token, planted in the victim's browser.
  const auto attacker_seed = c.add("mallory", Role::provider);
  const auto planted = signed_in(c, "mallory", attacker_seed);
  c.now += kTotpStepSeconds;
  const auto res = sign_in(c, "dr.ada", kGoodPassword, c.code(seed), planted.token);
  REQUIRE(res.result() == http::status::ok);
  CHECK(cookie_token(res) != planted.token);
  CHECK(who_am_i(c, planted.token) == http::status::unauthorized);  // ended, not upgraded
  CHECK(who_am_i(c, cookie_token(res)) == http::status::ok);
  // A made-up token is never a session either.
  CHECK(who_am_i(c, std::string(43, 'A')) == http::status::unauthorized);
}

TEST_CASE("a state-changing request needs the session's CSRF token and an allowed Origin", "[sign-in]") {
  Clinic c;
  const auto seed = c.add("root", Role::admin);
  c.add("dr.ada", Role::provider);
  const auto s = signed_in(c, "root", seed);
  const auto unlock = "/api/admin/accounts/2/unlock";
  CHECK(c.call(api_request(http::verb::post, unlock, {}, s.token)).result() == http::status::forbidden);
  CHECK(c.call(api_request(http::verb::post, unlock, {}, s.token, std::string(43, 'x'))).result() ==
        http::status::forbidden);
  CHECK(c.call(api_request(http::verb::post, unlock, {}, s.token, s.csrf, "https://evil.example")).result() ==
        http::status::forbidden);
  CHECK(c.call(api_request(http::verb::post, unlock, {}, s.token, s.csrf, "")).result() == http::status::forbidden);
  CHECK(c.call(api_request(http::verb::post, unlock, {}, s.token, s.csrf)).result() == http::status::ok);
  // Sign-out is state-changing too.
  CHECK(c.call(api_request(http::verb::delete_, "/api/session", {}, s.token)).result() == http::status::forbidden);
  CHECK(who_am_i(c, s.token) == http::status::ok);
}

TEST_CASE("sign-in from an Origin not on the allowlist is refused before any check", "[sign-in]") {
  Clinic c;
  const auto seed = c.add("dr.ada", Role::provider);
  const auto res = c.call(api_request(http::verb::post, "/api/session",
                                      sign_in_body("dr.ada", kGoodPassword, c.code(seed)), {}, {},
                                      "https://evil.example"));
  CHECK(res.result() == http::status::forbidden);
  CHECK(res[http::field::set_cookie].empty());
}

TEST_CASE("a provider cannot call admin routes; an admin lists, unlocks and disables", "[sign-in]") {
  Clinic c;
  const auto admin_seed = c.add("root", Role::admin);
  const auto provider_seed = c.add("dr.ada", Role::provider);
  const auto p = signed_in(c, "dr.ada", provider_seed);
  CHECK(c.call(api_request(http::verb::get, "/api/admin/accounts", {}, p.token)).result() == http::status::forbidden);
  CHECK(c.call(api_request(http::verb::post, "/api/admin/accounts/1/disable", {}, p.token, p.csrf)).result() ==
        http::status::forbidden);
  CHECK(c.call(api_request(http::verb::get, "/api/admin/accounts")).result() == http::status::unauthorized);

  const auto a = signed_in(c, "root", admin_seed);
  const auto list = c.call(api_request(http::verb::get, "/api/admin/accounts", {}, a.token));
  REQUIRE(list.result() == http::status::ok);
  const auto accounts = body_json(list);
  REQUIRE(accounts.size() == 2);
  CHECK(accounts[1]["login"] == "dr.ada");
  CHECK(accounts[1]["role"] == "provider");
  CHECK(accounts[1]["locked"] == false);
  CHECK(accounts[1]["disabled"] == false);
  CHECK(list.body().find("argon2") == std::string::npos);
  CHECK(list.body().find("totp") == std::string::npos);

  CHECK(c.call(api_request(http::verb::post, "/api/admin/accounts/2/disable", {}, a.token, a.csrf)).result() ==
        http::status::ok);
  CHECK(who_am_i(c, p.token) == http::status::unauthorized);  // disabling ends its sessions
  c.now += kTotpStepSeconds;
  CHECK(sign_in(c, "dr.ada", kGoodPassword, c.code(provider_seed)).result() == http::status::unauthorized);
  CHECK(c.call(api_request(http::verb::post, "/api/admin/accounts/9/unlock", {}, a.token, a.csrf)).result() ==
        http::status::not_found);
  CHECK(c.call(api_request(http::verb::post, "/api/admin/accounts/x/unlock", {}, a.token, a.csrf)).result() ==
        http::status::not_found);
}

TEST_CASE("require_role answers 401 for nobody and 403 for the other role", "[sign-in]") {
  const Request req{http::verb::get, "/", 11};
  CHECK(require_role(std::nullopt, Role::provider, req)->result() == http::status::unauthorized);
  const Caller admin = SessionView{1, "root", Role::admin, "c"};
  CHECK(require_role(admin, Role::provider, req)->result() == http::status::forbidden);  // no visit access
  CHECK_FALSE(require_role(admin, Role::admin, req));
}

TEST_CASE("a sealed TOTP seed opens only for its own account", "[sign-in]") {
  Clinic c;
  const auto seed = c.add("dr.ada", Role::provider);
  c.add("dr.bob", Role::provider);
  auto ada = c.api.store().find_by_login("dr.ada");
  auto bob = c.api.store().find_by_login("dr.bob");
  REQUIRE(ada);
  REQUIRE(bob);
  const auto opened = c.api.store().open_seed(**ada);
  REQUIRE(opened);
  CHECK(tessera::secret_equal(opened->span(), seed.span()));
  auto moved = **bob;
  moved.totp_sealed = (*ada)->totp_sealed;  // ada's sealed seed copied onto bob
  CHECK_FALSE(c.api.store().open_seed(moved));
}

TEST_CASE("malformed sign-in bodies are a 400, not a crash", "[sign-in]") {
  Clinic c;
  for (const char* body : {"", "{", "[]", R"({"login":1,"password":"x","code":"1"})", R"({"login":"a"})"}) {
    auto req = api_request(http::verb::post, "/api/session", body);
    CHECK(c.call(req).result() == http::status::bad_request);
  }
}

TEST_CASE("password rules: 12 characters to 1024 bytes", "[sign-in]") {
  CHECK(password_rule_broken("eleven char"));
  CHECK_FALSE(password_rule_broken("twelve chars"));
  CHECK_FALSE(password_rule_broken("éééééééééééé"));  // 12 characters, 24 bytes
  CHECK_FALSE(password_rule_broken(std::string(kMaxPasswordBytes, 'a')));
  CHECK(password_rule_broken(std::string(kMaxPasswordBytes + 1, 'a')));
  const auto hash = password_hash("twelve chars");
  REQUIRE(hash);
  CHECK(hash->starts_with("$argon2id$"));
  CHECK(password_verify(*hash, "twelve chars"));
  CHECK_FALSE(password_verify(*hash, "twelve chars!"));
  CHECK_FALSE(password_needs_rehash(*hash));
  CHECK_FALSE(password_verify("not a hash", "twelve chars"));
}

TEST_CASE("cookie_value finds our cookie among others", "[sign-in]") {
  CHECK(cookie_value("a=1; __Host-tessera-session=tok; b=2", kSessionCookie) == "tok");
  CHECK_FALSE(cookie_value("a=1; b=2", kSessionCookie));
  CHECK_FALSE(cookie_value("", kSessionCookie));
}

TEST_CASE("a sign-in's Argon2id check runs on the worker, and a login has one attempt in flight at a time",
          "[sign-in]") {
  Clinic c;
  const auto seed = c.add("dr.ada", Role::provider);
  boost::asio::io_context home;
  boost::asio::io_context worker;  // not run until the test says so: the check waits there
  c.api.set_worker(worker.get_executor());
  const auto at = WallClock(std::chrono::seconds(c.now));
  const auto request = [&](std::string_view login, std::string_view code) {
    return api_request(http::verb::post, "/api/session", sign_in_body(login, kGoodPassword, code));
  };
  std::vector<Response> answers;
  const auto collect = [&](Response res) { answers.push_back(std::move(res)); };

  const auto ada = request("dr.ada", c.code(seed));
  const auto nobody = request("nobody", "000000");
  REQUIRE(AccountApi::is_sign_in(ada));
  c.api.sign_in_async(ada, c.address, at, home.get_executor(), collect);
  c.api.sign_in_async(nobody, "192.0.2.2", at, home.get_executor(), collect);
  home.poll();
  CHECK(answers.empty());  // both wait for the worker: nothing was decided on the I/O side

  // A second attempt for either login while the first is in flight: refused
  // at once, the same way for an existing and an unknown login.
  const auto again = request("dr.ada", c.code(seed));
  const auto nobody_again = request("nobody", "000000");
  c.api.sign_in_async(again, "192.0.2.3", at, home.get_executor(), collect);
  c.api.sign_in_async(nobody_again, "192.0.2.4", at, home.get_executor(), collect);
  REQUIRE(answers.size() == 2);
  CHECK(answers[0].result() == http::status::too_many_requests);
  CHECK(answers[1].result() == http::status::too_many_requests);
  CHECK(answers[0].body() == answers[1].body());

  // The worker checks; the answers come back on the home executor.
  worker.run();
  CHECK(answers.size() == 2);
  home.restart();  // its poll() above ran out of work
  home.run();
  REQUIRE(answers.size() == 4);
  CHECK(answers[2].result() == http::status::ok);
  CHECK(answers[3].result() == http::status::unauthorized);
  CHECK(cookie_token(answers[2]).size() > 0);

  // The slots are free again: the same code is now a replay, refused as a failure.
  home.restart();
  worker.restart();
  c.api.sign_in_async(again, "192.0.2.3", at, home.get_executor(), collect);
  worker.run();
  home.run();
  REQUIRE(answers.size() == 5);
  CHECK(answers[4].result() == http::status::unauthorized);
}

TEST_CASE("sign-ins in flight are limited: one more than the limit is told to try again", "[sign-in]") {
  Clinic c;
  boost::asio::io_context home;
  boost::asio::io_context worker;  // never run: every attempt stays in flight
  c.api.set_worker(worker.get_executor());
  const auto at = WallClock(std::chrono::seconds(c.now));
  std::vector<Request> requests;
  for (std::size_t i = 0; i <= kMaxSignInsInFlight; ++i) {
    requests.push_back(api_request(http::verb::post, "/api/session",
                                   sign_in_body("login" + std::to_string(i), kGoodPassword, "000000")));
  }
  std::vector<Response> answers;
  for (std::size_t i = 0; i <= kMaxSignInsInFlight; ++i) {
    // A different address each: the per-address bucket is not what stops them.
    c.api.sign_in_async(requests[i], "192.0.2." + std::to_string(i + 1), at, home.get_executor(),
                        [&](Response res) { answers.push_back(std::move(res)); });
  }
  REQUIRE(answers.size() == 1);
  CHECK(answers[0].result() == http::status::service_unavailable);
}
