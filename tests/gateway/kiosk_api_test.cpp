// Kiosks end to end on a whole clinic's gateway (clinic_server.hpp): an admin
// enrols a tablet, the tablet redeems the code for its cookie, a provider
// sends it a visit sealed to its key, the tablet fetches it; revoking the
// kiosk cuts it off, its open /signal WebSocket included. The code's expiry
// and the enrolment throttle are driven through KioskApi::handle on a
// virtual clock.
#include "gateway/kiosk_api.hpp"
#include "gateway/admin_cli.hpp"

#include <catch2/catch.hpp>
#include <sodium.h>

#include <array>
#include <sstream>
#include <string>

#include "shared/base64url.hpp"
#include "tests/gateway/clinic_server.hpp"
#include "tests/gateway/loopback_clients.hpp"
#include "tests/gateway/temp_web_root.hpp"

using namespace tessera;
using namespace tessera::gateway;
using namespace tessera::gateway::test;
namespace http = boost::beast::http;
using nlohmann::json;

namespace {

constexpr std::string_view kLabel = "front desk 2";
constexpr std::string_view kFragment = "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyAhIiMkJSYnKCkqKywtLi8wMTIzNDU2Nzg5Ojs8PT4_QA";

// A tablet: the X25519 key pair it made and, once enrolled, its cookie.
struct Tablet {
  std::array<std::uint8_t, crypto_box_PUBLICKEYBYTES> public_key{};
  std::array<std::uint8_t, crypto_box_SECRETKEYBYTES> secret_key{};
  std::int64_t id = 0;
  std::string cookie;  // the whole Cookie header value
  Tablet() { crypto_box_keypair(public_key.data(), secret_key.data()); }
  [[nodiscard]] std::string enrol_body(std::string_view code) const {
    return json{{"code", code}, {"public_key", base64url_encode(public_key)}}.dump();
  }
};

// A request carrying the tablet's cookie (no session, no CSRF token).
Request tablet_request(http::verb verb, std::string_view target, const Tablet& t, std::string body = {},
                       std::string_view origin = kClinicOrigin) {
  auto req = api_request(verb, target, std::move(body), {}, {}, origin);
  if (!t.cookie.empty()) req.set(http::field::cookie, t.cookie);
  return req;
}

http::response<http::string_body> call(ClinicServer& server, Request req) {
  return exchange(server.endpoint(), std::move(req));
}

// POST /api/admin/kiosks: the code as shown.
std::string new_code(ClinicServer& server, const SignedIn& admin, std::string_view label = kLabel) {
  const auto res = call(server, api_request(http::verb::post, "/api/admin/kiosks", json{{"label", label}}.dump(),
                                            admin.token, admin.csrf));
  REQUIRE(res.result() == http::status::created);
  return json::parse(res.body(), nullptr, false)["code"].get<std::string>();
}

// The tablet redeems a code; keeps the cookie the gateway set.
void enrol(ClinicServer& server, Tablet& t, std::string_view code) {
  const auto res = call(server, tablet_request(http::verb::post, "/api/kiosk/enrol", t, t.enrol_body(code)));
  REQUIRE(res.result() == http::status::created);
  t.id = json::parse(res.body(), nullptr, false)["kiosk"].get<std::int64_t>();
  const std::string set_cookie(res[http::field::set_cookie]);
  t.cookie = set_cookie.substr(0, set_cookie.find(';'));
}

std::string sealed_for(const Tablet& t, std::string_view text) {
  std::vector<std::uint8_t> out(crypto_box_SEALBYTES + text.size());
  crypto_box_seal(out.data(), reinterpret_cast<const unsigned char*>(text.data()), text.size(), t.public_key.data());
  return base64url_encode(out);
}

http::response<http::string_body> send_visit(ClinicServer& server, const SignedIn& who, std::int64_t kiosk,
                                             const std::string& visit, const std::string& sealed) {
  return call(server, api_request(http::verb::post, "/api/kiosks/" + std::to_string(kiosk) + "/visits",
                                  json{{"visit", visit}, {"sealed", sealed}}.dump(), who.token, who.csrf));
}

std::string create_visit(ClinicServer& server, const SignedIn& who) {
  const auto id = base64url_encode(fresh_visit_id());
  REQUIRE(call(server, api_request(http::verb::post, kVisitsPath, json{{"visit", id}}.dump(), who.token, who.csrf))
              .result() == http::status::created);
  return id;
}

json inbox(ClinicServer& server, const Tablet& t) {
  const auto res = call(server, tablet_request(http::verb::get, "/api/kiosk/inbox", t, {}, {}));
  REQUIRE(res.result() == http::status::ok);
  return json::parse(res.body(), nullptr, false);
}

// The clinic's gateway with its admin and one provider signed in.
struct Staffed {
  TempWebRoot web;
  ClinicServer server{web.web()};
  SignedIn root = server.sign_in("root", gateway::Role::admin);
  SignedIn ada = server.sign_in("dr.ada", gateway::Role::provider);
};

}  // namespace

TEST_CASE("an admin enrols a kiosk, the tablet gets its cookie, a provider sends it a visit, and it fetches it once",
          "[gateway][kiosks]") {
  Staffed clinic;
  auto& [web, server, root, ada] = clinic;
  const auto head_before = server.storage().audit().head();
  REQUIRE(head_before);

  // The code as shown: 26 base32 characters in groups of four.
  const auto code = new_code(server, root);
  CHECK(code.size() == 32);
  CHECK(code[4] == '-');
  CHECK(code.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567-") == std::string::npos);

  // Typed on the tablet in lower case without dashes: the same code.
  Tablet tablet;
  std::string typed;
  for (const char c : code)
    if (c != '-') typed += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  const auto enrolled = call(server, tablet_request(http::verb::post, "/api/kiosk/enrol", tablet, tablet.enrol_body(typed)));
  REQUIRE(enrolled.result() == http::status::created);
  const std::string set_cookie(enrolled[http::field::set_cookie]);
  CHECK(set_cookie.starts_with(std::string(kKioskCookie) + "="));
  CHECK(set_cookie.find("; HttpOnly; Secure; SameSite=Strict; Path=/; Max-Age=34560000") != std::string::npos);
  const auto credential = cookie_token(enrolled);
  CHECK(credential.size() > base64url_encoded_size(kKioskCredentialBytes));
  CHECK(enrolled.body().find(credential.substr(credential.find('.') + 1)) == std::string::npos);
  tablet.id = json::parse(enrolled.body(), nullptr, false)["kiosk"].get<std::int64_t>();
  tablet.cookie = set_cookie.substr(0, set_cookie.find(';'));
  CHECK(json::parse(enrolled.body(), nullptr, false)["poll_seconds"] == kKioskPollSeconds);

  const auto me = call(server, tablet_request(http::verb::get, "/api/kiosk/me", tablet, {}, {}));
  REQUIRE(me.result() == http::status::ok);
  CHECK(json::parse(me.body(), nullptr, false)["label"] == kLabel);
  CHECK(std::string(me[http::field::set_cookie]).starts_with(tablet.cookie + ";"));  // renewed, same credential

  // The provider sees it with its key, and sends one of her visits.
  const auto listed =
      json::parse(call(server, api_request(http::verb::get, "/api/kiosks", {}, ada.token, {}, {})).body(), nullptr, false);
  REQUIRE(listed.size() == 1);
  CHECK(listed[0]["id"] == tablet.id);
  CHECK(listed[0]["label"] == kLabel);
  CHECK(listed[0]["public_key"] == base64url_encode(tablet.public_key));
  CHECK(listed[0]["last_seen"].is_number_integer());
  const auto visit = create_visit(server, ada);
  const auto sealed = sealed_for(tablet, kFragment);
  const auto sent = send_visit(server, ada, tablet.id, visit, sealed);
  REQUIRE(sent.result() == http::status::created);
  CHECK(json::parse(sent.body(), nullptr, false)["visit"] == visit);

  // The tablet fetches it and opens it with its own key; a second fetch is empty.
  const auto first = inbox(server, tablet);
  REQUIRE(first["items"].size() == 1);
  CHECK(first["items"][0]["visit"] == visit);
  CHECK(first["poll_seconds"] == kKioskPollSeconds);
  const auto box = base64url_decode(first["items"][0]["sealed"].get<std::string>());
  REQUIRE(box);
  std::string opened(box->size() - crypto_box_SEALBYTES, '\0');
  REQUIRE(crypto_box_seal_open(reinterpret_cast<unsigned char*>(opened.data()), box->data(), box->size(),
                               tablet.public_key.data(), tablet.secret_key.data()) == 0);
  CHECK(opened == kFragment);
  CHECK(inbox(server, tablet)["items"].empty());

  // Audit: created, enrolled, sent; by pseudonym, chained, and with no label.
  const auto head_after = server.storage().audit().head();
  REQUIRE(head_after);
  CHECK(head_after->count == head_before->count + 4);  // + visit_created
  const auto verdict = server.storage().audit().verify(*head_after);
  REQUIRE(verdict);
  CHECK(verdict->intact());
  auto kinds = server.storage().database().prepare(
      "SELECT kind, actor, subject FROM audit WHERE kind LIKE '%kiosk%' ORDER BY seq");
  REQUIRE(kinds);
  std::vector<std::string> rows;
  while (*kinds->step()) rows.push_back(kinds->text(0) + " " + kinds->text(1) + " " + kinds->text(2));
  const auto kiosk_ref = "kiosk:" + std::to_string(tablet.id);
  REQUIRE(rows.size() == 3);
  CHECK(rows[0] == "kiosk_enrolment_created acct:" + std::to_string(root.account) + " -");
  CHECK(rows[1] == "kiosk_enrolled " + kiosk_ref + " -");
  CHECK(rows[2].starts_with("visit_sent_to_kiosk acct:" + std::to_string(ada.account) + " visit:"));
  CHECK(rows[2].ends_with("_" + kiosk_ref));

  // Nothing secret or naming reached a log line.
  const auto log = server.log_text();
  CHECK(log.find("\"http\"") != std::string::npos);
  for (const std::string& secret : {code, typed, credential, credential.substr(credential.find('.') + 1), sealed,
                                    std::string(kLabel), visit}) {
    CHECK(log.find(secret) == std::string::npos);
  }
}

TEST_CASE("a provider sends only her own open visits, an admin none, and a kiosk cookie signs nobody in",
          "[gateway][kiosks]") {
  Staffed clinic;
  auto& [web, server, root, ada] = clinic;
  const auto bob = server.sign_in("dr.bob", gateway::Role::provider);
  Tablet tablet;
  enrol(server, tablet, new_code(server, root));
  const auto adas = create_visit(server, ada);
  const auto sealed = sealed_for(tablet, kFragment);

  // Bob: Ada's visit answers exactly like one never created.
  const auto bobs = send_visit(server, bob, tablet.id, adas, sealed);
  const auto unknown = send_visit(server, bob, tablet.id, base64url_encode(fresh_visit_id()), sealed);
  CHECK(bobs.result() == http::status::not_found);
  CHECK(unknown.result() == http::status::not_found);
  CHECK(bobs.body() == unknown.body());
  // An unknown kiosk looks the same too.
  CHECK(send_visit(server, ada, tablet.id + 100, adas, sealed).body() == unknown.body());
  // The admin can do nothing with visits, kiosks included, and sees no provider list.
  CHECK(send_visit(server, root, tablet.id, adas, sealed).result() == http::status::forbidden);
  CHECK(call(server, api_request(http::verb::get, "/api/kiosks", {}, root.token, {}, {})).result() ==
        http::status::forbidden);
  // A provider cannot enrol or revoke.
  CHECK(call(server, api_request(http::verb::post, "/api/admin/kiosks", json{{"label", "x"}}.dump(), ada.token,
                                 ada.csrf))
            .result() == http::status::forbidden);
  CHECK(call(server, api_request(http::verb::post, "/api/admin/kiosks/" + std::to_string(tablet.id) + "/revoke", {},
                                 ada.token, ada.csrf))
            .result() == http::status::forbidden);
  // An ended visit cannot be sent.
  const auto ended = create_visit(server, ada);
  REQUIRE(call(server, api_request(http::verb::post, std::string(kVisitsPath) + "/" + ended + "/end", {}, ada.token,
                                   ada.csrf))
              .result() == http::status::ok);
  CHECK(send_visit(server, ada, tablet.id, ended, sealed).result() == http::status::not_found);
  CHECK(inbox(server, tablet)["items"].empty());

  // The kiosk's cookie is no session: 401 on provider and admin routes.
  for (const auto* target : {"/api/visits", "/api/kiosks", "/api/admin/kiosks", "/api/admin/accounts", "/api/session"}) {
    CHECK(call(server, tablet_request(http::verb::get, target, tablet, {}, {})).result() == http::status::unauthorized);
  }
  CHECK(call(server, tablet_request(http::verb::post, "/api/kiosks/" + std::to_string(tablet.id) + "/visits", tablet,
                                    json{{"visit", adas}, {"sealed", sealed}}.dump()))
            .result() == http::status::unauthorized);
  // ... and a session cookie is no kiosk.
  CHECK(call(server, api_request(http::verb::get, "/api/kiosk/inbox", {}, ada.token, {}, {})).result() ==
        http::status::unauthorized);
}

TEST_CASE("revoking a kiosk closes its signaling WebSocket with 4013, empties its inbox and refuses its cookie",
          "[gateway][kiosks]") {
  Staffed clinic;
  auto& [web, server, root, ada] = clinic;
  Tablet tablet;
  enrol(server, tablet, new_code(server, root));
  const auto visit_text = create_visit(server, ada);
  const auto v = *parse_visit_id(visit_text);

  // The provider's room; the kiosk joins it as a guest over its cookie, and so does a plain guest.
  SignalingClient provider;
  REQUIRE_FALSE(provider.connect(server.endpoint(), kClinicOrigin, ada.cookie_header()));
  provider.send(hello(SignalingRole::provider, v, 0x40));
  SignalingClient kiosk;
  REQUIRE_FALSE(kiosk.connect(server.endpoint(), kClinicOrigin, tablet.cookie));
  kiosk.send(hello(SignalingRole::guest, v, 0x80));
  kiosk.send(join(v, 0x80));
  REQUIRE(provider.read_message().type == SignalingType::waiting);
  SignalingClient guest;
  REQUIRE_FALSE(guest.connect(server.endpoint(), kClinicOrigin));
  guest.send(hello(SignalingRole::guest, v, 0x90));
  guest.send(join(v, 0x90));
  REQUIRE(provider.read_message().type == SignalingType::waiting);
  // Another visit waits in its inbox.
  REQUIRE(send_visit(server, ada, tablet.id, create_visit(server, ada), sealed_for(tablet, kFragment)).result() ==
          http::status::created);
  REQUIRE(*server.storage().kiosk_inbox().count(tablet.id) == 1);

  const auto revoked = call(server, api_request(http::verb::post,
                                                "/api/admin/kiosks/" + std::to_string(tablet.id) + "/revoke", {},
                                                root.token, root.csrf));
  REQUIRE(revoked.result() == http::status::ok);

  // Cut off mid-way: closed with 4013, and the provider is told it left.
  CHECK_FALSE(kiosk.read());
  CHECK(kiosk.close_code() == close_code::kKioskRevoked);
  const auto gone = provider.read_message();
  CHECK(gone.type == SignalingType::end);
  SessionId kiosk_session{};
  kiosk_session.fill(0x80);
  CHECK(gone.session == kiosk_session);
  // The other guest is untouched: the provider's note still reaches it.
  SignalingMessage note;
  note.type = SignalingType::note;
  note.visit = v;
  note.session.fill(0x90);
  note.payload.assign(kProviderNoteBytes, 0x33);
  provider.send(signaling_serialize(note));
  CHECK(guest.read_message().type == SignalingType::note);

  // Its inbox is empty, its cookie is refused everywhere, and providers no longer see it.
  CHECK(*server.storage().kiosk_inbox().count(tablet.id) == 0);
  CHECK(call(server, tablet_request(http::verb::get, "/api/kiosk/inbox", tablet, {}, {})).result() ==
        http::status::unauthorized);
  CHECK(call(server, tablet_request(http::verb::get, "/api/kiosk/me", tablet, {}, {})).result() ==
        http::status::unauthorized);
  SignalingClient again;
  CHECK(again.connect(server.endpoint(), kClinicOrigin, tablet.cookie));
  CHECK(again.response().result() == http::status::unauthorized);
  CHECK(json::parse(call(server, api_request(http::verb::get, "/api/kiosks", {}, ada.token, {}, {})).body(), nullptr,
                    false) == json::array());
  CHECK(send_visit(server, ada, tablet.id, visit_text, sealed_for(tablet, kFragment)).result() ==
        http::status::not_found);
  // The admin still sees it, as revoked; revoking an unknown kiosk is 404.
  const auto all = json::parse(
      call(server, api_request(http::verb::get, "/api/admin/kiosks", {}, root.token, {}, {})).body(), nullptr, false);
  REQUIRE(all.size() == 1);
  CHECK(all[0]["revoked"] == true);
  CHECK(call(server, api_request(http::verb::post, "/api/admin/kiosks/99/revoke", {}, root.token, root.csrf))
            .result() == http::status::not_found);
}

TEST_CASE("every state-changing kiosk route needs an allowed Origin, and the admin's and provider's a CSRF token",
          "[gateway][kiosks]") {
  Staffed clinic;
  auto& [web, server, root, ada] = clinic;
  const auto label = json{{"label", kLabel}}.dump();
  constexpr std::string_view kEvil = "https://evil.example";

  CHECK(call(server, api_request(http::verb::post, "/api/admin/kiosks", label, root.token, {})).result() ==
        http::status::forbidden);
  CHECK(call(server, api_request(http::verb::post, "/api/admin/kiosks", label, root.token, "wrong")).result() ==
        http::status::forbidden);
  CHECK(call(server, api_request(http::verb::post, "/api/admin/kiosks", label, root.token, root.csrf, kEvil))
            .result() == http::status::forbidden);
  Tablet tablet;
  const auto code = new_code(server, root);
  // Enrolment: no session exists yet; the Origin and the code guard it.
  CHECK(call(server, tablet_request(http::verb::post, "/api/kiosk/enrol", tablet, tablet.enrol_body(code), kEvil))
            .result() == http::status::forbidden);
  CHECK(call(server, tablet_request(http::verb::post, "/api/kiosk/enrol", tablet, tablet.enrol_body(code), {}))
            .result() == http::status::forbidden);
  enrol(server, tablet, code);  // the refusals did not use it up
  const auto revoke_path = "/api/admin/kiosks/" + std::to_string(tablet.id) + "/revoke";
  CHECK(call(server, api_request(http::verb::post, revoke_path, {}, root.token, {})).result() == http::status::forbidden);
  CHECK(call(server, api_request(http::verb::post, revoke_path, {}, root.token, root.csrf, kEvil)).result() ==
        http::status::forbidden);
  const auto visit = create_visit(server, ada);
  const auto body = json{{"visit", visit}, {"sealed", sealed_for(tablet, kFragment)}}.dump();
  const auto send_path = "/api/kiosks/" + std::to_string(tablet.id) + "/visits";
  CHECK(call(server, api_request(http::verb::post, send_path, body, ada.token, {})).result() == http::status::forbidden);
  CHECK(call(server, api_request(http::verb::post, send_path, body, ada.token, ada.csrf, kEvil)).result() ==
        http::status::forbidden);
  REQUIRE(send_visit(server, ada, tablet.id, visit, sealed_for(tablet, kFragment)).result() == http::status::created);
  // The inbox fetch consumes: refused when the browser says another page asked.
  auto cross = tablet_request(http::verb::get, "/api/kiosk/inbox", tablet, {}, {});
  cross.set("Sec-Fetch-Site", "same-site");
  CHECK(call(server, cross).result() == http::status::forbidden);
  CHECK(call(server, tablet_request(http::verb::get, "/api/kiosk/inbox", tablet, {}, kEvil)).result() ==
        http::status::forbidden);
  auto own = tablet_request(http::verb::get, "/api/kiosk/inbox", tablet, {}, {});
  own.set("Sec-Fetch-Site", "same-origin");
  const auto fetched = call(server, own);
  REQUIRE(fetched.result() == http::status::ok);
  CHECK(json::parse(fetched.body(), nullptr, false)["items"].size() == 1);  // the refusals took nothing
  // Nothing was revoked by the refused requests.
  CHECK(call(server, tablet_request(http::verb::get, "/api/kiosk/me", tablet, {}, {})).result() == http::status::ok);
}

TEST_CASE("the kiosk API refuses bad labels, keys, codes, ids and sealed sizes with clear errors", "[gateway][kiosks]") {
  Staffed clinic;
  // Named references, not a structured binding: clang 14 cannot capture those.
  auto& server = clinic.server;
  const auto& root = clinic.root;
  const auto& ada = clinic.ada;
  const auto post_label = [&](const json& body) {
    return call(server, api_request(http::verb::post, "/api/admin/kiosks", body.dump(), root.token, root.csrf));
  };
  CHECK(post_label(json{{"label", ""}}).result() == http::status::bad_request);
  CHECK(post_label(json{{"label", std::string(kMaxKioskLabelBytes + 1, 'a')}}).result() == http::status::bad_request);
  CHECK(post_label(json{{"label", "bad\nlabel"}}).result() == http::status::bad_request);
  CHECK(post_label(json{{"name", "x"}}).result() == http::status::bad_request);
  CHECK(post_label(json{{"label", 7}}).result() == http::status::bad_request);

  Tablet tablet;
  const auto code = new_code(server, root);
  const auto enrol_with = [&](const json& body) {
    return call(server, tablet_request(http::verb::post, "/api/kiosk/enrol", tablet, body.dump()));
  };
  CHECK(enrol_with(json{{"code", code}}).result() == http::status::bad_request);
  CHECK(enrol_with(json{{"code", code}, {"public_key", "short"}}).result() == http::status::bad_request);
  CHECK(enrol_with(json{{"public_key", base64url_encode(tablet.public_key)}}).result() == http::status::bad_request);
  enrol(server, tablet, code);

  const auto visit = create_visit(server, ada);
  const auto sized = [&](std::size_t n) {
    return send_visit(server, ada, tablet.id, visit, base64url_encode(std::vector<std::uint8_t>(n, 0x5a)));
  };
  CHECK(sized(kMinKioskSealedBytes - 1).result() == http::status::bad_request);
  CHECK(sized(kMaxKioskSealedBytes + 1).result() == http::status::bad_request);
  CHECK(sized(kMaxKioskSealedBytes).result() == http::status::created);
  CHECK(sized(kMinKioskSealedBytes).result() == http::status::created);  // replaces the item: same visit
  CHECK(send_visit(server, ada, tablet.id, visit, "not base64url!").result() == http::status::bad_request);
  CHECK(send_visit(server, ada, tablet.id, "short", sealed_for(tablet, kFragment)).result() ==
        http::status::bad_request);
  CHECK(inbox(server, tablet)["items"].size() == 1);
  for (const auto* path : {"/api/kiosks/0/visits", "/api/kiosks/x/visits", "/api/kiosks/1/other", "/api/kiosks/1"}) {
    CHECK(call(server, api_request(http::verb::post, path, {}, ada.token, ada.csrf)).result() ==
          http::status::not_found);
  }
  CHECK(call(server, api_request(http::verb::delete_, "/api/kiosks", {}, ada.token, ada.csrf)).result() ==
        http::status::method_not_allowed);
  CHECK(call(server, tablet_request(http::verb::post, "/api/kiosk/inbox", tablet, {})).result() ==
        http::status::method_not_allowed);
  CHECK(call(server, tablet_request(http::verb::get, "/api/kiosk/other", tablet, {}, {})).result() ==
        http::status::not_found);
  // A malformed kiosk cookie is nobody, on the API and on /signal.
  Tablet forged;
  forged.cookie = std::string(kKioskCookie) + "=" + std::to_string(tablet.id) + ".AAAA";
  CHECK(call(server, tablet_request(http::verb::get, "/api/kiosk/me", forged, {}, {})).result() ==
        http::status::unauthorized);
  SignalingClient c;
  CHECK(c.connect(server.endpoint(), kClinicOrigin, forged.cookie));
  CHECK(c.response().result() == http::status::unauthorized);
}

// ---------------------------------------------------------------------------
// KioskApi::handle on a virtual clock: the code's lifetime and the throttle

namespace {

struct KioskDesk {
  TempDir data;
  TempDir keys;
  std::unique_ptr<Storage> storage;
  std::shared_ptr<AccountApi> accounts;
  std::unique_ptr<KioskApi> api;
  std::int64_t now = 1'800'000'000;
  SignedIn admin;

  KioskDesk() {
    auto opened = Storage::open(data.path() / "tessera.db", keys.path() / "tessera.key");
    REQUIRE(opened);
    storage = std::move(opened).value();
    accounts = make_account_api(*storage, {std::string(kClinicOrigin)});
    api = std::make_unique<KioskApi>(*storage, accounts, nullptr);
    TotpSeed seed;
    const auto id = accounts->store().add("root", gateway::Role::admin, "unused", seed, now);
    REQUIRE(id);
    auto session = accounts->store().open_session(*id, now);
    REQUIRE(session);
    admin = SignedIn{*id, base64url_encode(session->token.span()), session->csrf};
  }

  Response call(Request req, const std::string& address = "192.0.2.7") {
    auto res = api->handle(req, address, WallClock(std::chrono::seconds(now)));
    REQUIRE(res);
    return std::move(*res);
  }
  std::string code() {
    const auto res = call(api_request(http::verb::post, "/api/admin/kiosks", json{{"label", kLabel}}.dump(),
                                      admin.token, admin.csrf));
    REQUIRE(res.result() == http::status::created);
    return body_json(res)["code"].get<std::string>();
  }
  Response enrol(const Tablet& t, std::string_view code, const std::string& address = "192.0.2.7") {
    return call(tablet_request(http::verb::post, "/api/kiosk/enrol", t, t.enrol_body(code)), address);
  }
};

}  // namespace

TEST_CASE("an enrolment code works once and for 15 minutes, and every wrong code gets the same answer",
          "[gateway][kiosks]") {
  KioskDesk desk;
  Tablet t;
  const auto used = desk.code();
  const auto expired = desk.code();
  CHECK(desk.enrol(t, used).result() == http::status::created);
  desk.now += kEnrolmentLifetimeSeconds;
  const auto refusals = {desk.enrol(t, used), desk.enrol(t, expired), desk.enrol(t, "ABCD-EFGH"),
                         desk.enrol(t, std::string(26, 'A')), desk.enrol(t, std::string(200, 'A')),
                         desk.enrol(t, enrolment_code_text(EnrolmentCode{}))};
  for (const auto& r : refusals) {
    CHECK(r.result() == http::status::unauthorized);
    CHECK(r.body() == R"({"error":"enrolment failed"})");
    CHECK(r[http::field::set_cookie].empty());
  }
  // A code made now still works now; one second before its end too.
  const auto fresh = desk.code();
  desk.now += kEnrolmentLifetimeSeconds - 1;
  CHECK(desk.enrol(t, fresh, "192.0.2.8").result() == http::status::created);
}

TEST_CASE("enrolment attempts are throttled per address, whatever the code", "[gateway][kiosks]") {
  KioskDesk desk;
  Tablet t;
  const auto code = desk.code();
  for (int i = 0; i < static_cast<int>(kSignInBurst); ++i) {
    CHECK(desk.enrol(t, "WRONG-CODE").result() == http::status::unauthorized);
  }
  // Over its rate: even the right code is refused from this address, with the same words...
  const auto throttled = desk.enrol(t, code);
  CHECK(throttled.result() == http::status::too_many_requests);
  CHECK(throttled.body() == R"({"error":"enrolment failed"})");
  // ... until the bucket refills; another address was never affected.
  CHECK(desk.enrol(t, code, "192.0.2.99").result() == http::status::created);
  desk.now += static_cast<std::int64_t>(kSignInRefillSeconds);
  CHECK(desk.enrol(t, desk.code()).result() == http::status::created);
}

TEST_CASE("the enrolment code's text round-trips, typed in any case, with or without dashes", "[gateway][kiosks]") {
  EnrolmentCode code;
  randombytes_buf(code.data(), code.size());
  const auto text = enrolment_code_text(code);
  REQUIRE(text.size() == 32);
  for (const auto& typed : {text, std::string(text).erase(4, 1), [&] {
         std::string lower;
         for (const char c : text) lower += c == '-' ? ' ' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
         return lower;
       }()}) {
    const auto parsed = parse_enrolment_code(typed);
    REQUIRE(parsed);
    CHECK(std::equal(parsed->span().begin(), parsed->span().end(), code.span().begin()));
  }
  CHECK_FALSE(parse_enrolment_code(text.substr(1)));
  CHECK_FALSE(parse_enrolment_code(text + "A"));
  CHECK_FALSE(parse_enrolment_code("0" + text.substr(1)));  // 0 is not base32
}

TEST_CASE("'tessera-gateway kiosk' enrols with a code printed once, lists, and revokes", "[gateway][kiosks]") {
  TempDir data;
  TempDir keys;
  const auto db = (data.path() / "tessera.db").string();
  const auto key = (keys.path() / "tessera.key").string();
  const auto run = [&](std::vector<std::string_view> args, std::string& out) {
    std::ostringstream o;
    std::ostringstream e;
    const int rc = run_kiosk_command(args, o, e);
    out = o.str() + e.str();
    return rc;
  };
  std::string out;
  REQUIRE(run({"kiosk", "enrol", "--data", db, "--key-file", key, "--label", kLabel}, out) == 0);
  const auto at = out.find("kiosk-code: ");
  REQUIRE(at != std::string::npos);
  const auto code = parse_enrolment_code(out.substr(at + 12, 32));
  REQUIRE(code);
  std::int64_t kiosk = 0;
  {
    auto storage = Storage::open(db, key);
    REQUIRE(storage);
    auto enrolled = (*storage)->kiosks().enrol(code->span(), KioskPublicKey{}, wall_now());
    REQUIRE(enrolled);
    kiosk = enrolled->kiosk;
  }
  REQUIRE(run({"kiosk", "list", "--data", db, "--key-file", key}, out) == 0);
  CHECK(out.starts_with(std::to_string(kiosk) + " " + std::string(kLabel) + " never-seen"));
  const auto id = std::to_string(kiosk);
  REQUIRE(run({"kiosk", "revoke", "--data", db, "--key-file", key, "--id", id}, out) == 0);
  REQUIRE(run({"kiosk", "list", "--data", db, "--key-file", key}, out) == 0);
  CHECK(out.find(" revoked") != std::string::npos);
  CHECK(run({"kiosk", "revoke", "--data", db, "--key-file", key, "--id", "99"}, out) == 1);
  CHECK(run({"kiosk", "revoke", "--data", db, "--key-file", key, "--id", "x"}, out) == 2);
  CHECK(run({"kiosk", "enrol", "--data", db, "--key-file", key}, out) == 2);
  CHECK(run({"kiosk", "enrol", "--data", db, "--key-file", key, "--login", "dr.ada"}, out) == 2);
  CHECK(run({"kiosk", "--help"}, out) == 0);
  // The trail has the code's creation and the revocation, and verifies (the
  // tablet above enrolled through the store itself, which records nothing).
  auto storage = Storage::open(db, key);
  REQUIRE(storage);
  const auto verdict = (*storage)->audit().verify(std::nullopt);
  REQUIRE(verdict);
  CHECK(verdict->intact());
  CHECK(verdict->head.count == 2);
}
