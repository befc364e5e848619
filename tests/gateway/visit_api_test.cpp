// Visits end to end on a whole clinic's gateway (clinic_server.hpp): a
// provider's session cookie rides on the /signal upgrade, never in the URL.
#include "gateway/visit_api.hpp"

#include <boost/beast/websocket.hpp>
#include <catch2/catch.hpp>

#include <array>
#include <string>
#include <thread>

#include "shared/base64url.hpp"
#include "shared/handshake.hpp"
#include "tests/gateway/clinic_server.hpp"
#include "tests/gateway/loopback_clients.hpp"
#include "tests/gateway/temp_web_root.hpp"

using namespace tessera;
using namespace tessera::gateway;
using namespace tessera::gateway::test;
namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using nlohmann::json;

namespace {

http::response<http::string_body> create_visit(ClinicServer& server, const SignedIn& who,
                                               const json& body) {
  return exchange(server.endpoint(),
                  api_request(http::verb::post, kVisitsPath, body.dump(), who.token, who.csrf));
}
http::response<http::string_body> list_visits(ClinicServer& server, const SignedIn& who) {
  return exchange(server.endpoint(),
                  api_request(http::verb::get, kVisitsPath, {}, who.token, {}, {}));
}
http::response<http::string_body> end_visit(ClinicServer& server, const SignedIn& who,
                                            std::string_view id) {
  return exchange(
      server.endpoint(),
      api_request(http::verb::post, std::string(kVisitsPath) + "/" + std::string(id) + "/end", {},
                  who.token, who.csrf));
}

// The audit trail's head, after checking that the whole chain verifies.
AuditHead intact_audit_head(Storage& storage) {
  const auto head = storage.audit().head();
  REQUIRE(head);
  const auto verdict = storage.audit().verify(*head);
  REQUIRE(verdict);
  CHECK(verdict->intact());
  return *head;
}

// The audit trail's event names, oldest first.
std::vector<std::string> audit_events(Storage& storage) {
  auto select = storage.database().prepare("SELECT kind FROM audit ORDER BY seq");
  REQUIRE(select);
  std::vector<std::string> events;
  while (true) {
    auto row = select->step();
    REQUIRE(row);
    if (!*row) break;
    events.push_back(select->text(0));
  }
  return events;
}

// Connects (with `cookie` on the upgrade, if any), says hello as provider of
// `v`, and returns the error code the gateway answered with.
SignalingErrorCode provider_refusal(ClinicServer& server, const VisitId& v,
                                    std::string_view cookie) {
  SignalingClient c;
  REQUIRE_FALSE(c.connect(server.endpoint(), kClinicOrigin, cookie));
  c.send(hello(SignalingRole::provider, v, 0x50));
  const auto m = c.read_message();
  REQUIRE(m.type == SignalingType::error);
  CHECK_FALSE(c.read());
  return m.code;
}

}  // namespace

TEST_CASE("a provider creates a visit, opens its room with the session cookie, and ending it closes everyone with 4000",
          "[gateway][visits]") {
  TempWebRoot web;
  ClinicServer server(web.web());
  const auto ada = server.sign_in("dr.ada", gateway::Role::provider);
  const VisitId v = fresh_visit_id();
  const auto id = base64url_encode(v);
  const auto head_before = server.storage().audit().head();
  REQUIRE(head_before);

  const auto created =
      create_visit(server, ada, {{"visit", id}, {"people", 2}, {"lifetime_minutes", 30}});
  REQUIRE(created.result() == http::status::created);
  const auto body = json::parse(created.body(), nullptr, false);
  CHECK(body["visit"] == id);
  CHECK(body["expires"].get<std::int64_t>() > wall_now());
  CHECK(body["expires"].get<std::int64_t>() <= wall_now() + 30 * 60);

  const auto listed = json::parse(list_visits(server, ada).body(), nullptr, false);
  REQUIRE(listed.is_array());
  REQUIRE(listed.size() == 1);
  CHECK(listed[0]["visit"] == id);
  CHECK(listed[0]["state"] == "open");
  CHECK(listed[0]["people"] == 2);

  // The provider's upgrade carries its cookie: its hello opens the room.
  SignalingClient provider;
  REQUIRE_FALSE(provider.connect(server.endpoint(), kClinicOrigin, ada.cookie_header()));
  provider.send(hello(SignalingRole::provider, v, 0x40));
  SignalingClient guest;
  REQUIRE_FALSE(guest.connect(server.endpoint(), kClinicOrigin));
  guest.send(hello(SignalingRole::guest, v, 0x80));
  guest.send(join(v, 0x80));
  // The first thing the provider hears is the guest waiting: no error before it.
  CHECK(provider.read_message().type == SignalingType::waiting);

  REQUIRE(end_visit(server, ada, id).result() == http::status::ok);
  CHECK(guest.read_message().type == SignalingType::end);
  CHECK_FALSE(guest.read());
  CHECK(guest.close_code() == close_code::kVisitEnded);
  CHECK_FALSE(provider.read());
  CHECK(provider.close_code() == close_code::kVisitEnded);

  // Ended for good: listed as ended, a second end changes nothing (and is
  // no error: the page may press it after its `end`), no room reopens.
  const auto after = json::parse(list_visits(server, ada).body(), nullptr, false);
  REQUIRE(after.size() == 1);
  CHECK(after[0]["state"] == "ended");
  CHECK(end_visit(server, ada, id).result() == http::status::ok);
  CHECK(provider_refusal(server, v, ada.cookie_header()) == SignalingErrorCode::unknown_visit);

  // Both changes are in the audit trail, by pseudonym only.
  CHECK(intact_audit_head(server.storage()).count == head_before->count + 2);
}

TEST_CASE("a guest admitted and the provider's own end over signaling are kept: the visit is ended and both are audited",
          "[gateway][visits]") {
  TempWebRoot web;
  ClinicServer server(web.web());
  const auto ada = server.sign_in("dr.ada", gateway::Role::provider);
  const VisitId v = fresh_visit_id();
  const auto id = base64url_encode(v);
  REQUIRE(create_visit(server, ada, {{"visit", id}}).result() == http::status::created);

  SignalingClient provider;
  REQUIRE_FALSE(provider.connect(server.endpoint(), kClinicOrigin, ada.cookie_header()));
  provider.send(hello(SignalingRole::provider, v, 0x40));
  SignalingClient guest;
  REQUIRE_FALSE(guest.connect(server.endpoint(), kClinicOrigin));
  guest.send(hello(SignalingRole::guest, v, 0x80));
  guest.send(join(v, 0x80));
  REQUIRE(provider.read_message().type == SignalingType::waiting);
  provider.send(admit(v, 0x80));
  REQUIRE(guest.read_message().type == SignalingType::admit);

  // The provider ends the visit from the call screen, not through the API.
  provider.send(end_message(v, 0x40));
  CHECK(guest.read_message().type == SignalingType::end);
  CHECK_FALSE(guest.read());
  CHECK(guest.close_code() == close_code::kVisitEnded);
  CHECK_FALSE(provider.read());

  // Ended in the store: listed as ended; the page's own HTTP end after its
  // `end` message answers 200 and records nothing more; no room reopens.
  const auto after = json::parse(list_visits(server, ada).body(), nullptr, false);
  REQUIRE(after.size() == 1);
  CHECK(after[0]["state"] == "ended");
  CHECK(end_visit(server, ada, id).result() == http::status::ok);
  CHECK(provider_refusal(server, v, ada.cookie_header()) == SignalingErrorCode::unknown_visit);

  const auto events = audit_events(server.storage());
  REQUIRE(events.size() >= 3);
  CHECK(std::vector<std::string>(events.end() - 3, events.end()) ==
        std::vector<std::string>{"visit_created", "visit_admitted", "visit_ended"});
  (void)intact_audit_head(server.storage());
}

TEST_CASE("a provider cannot see or end another provider's visit, and an admin can do nothing with visits",
          "[gateway][visits]") {
  TempWebRoot web;
  ClinicServer server(web.web());
  const auto ada = server.sign_in("dr.ada", gateway::Role::provider);
  const auto bob = server.sign_in("dr.bob", gateway::Role::provider);
  const auto root = server.sign_in("root", gateway::Role::admin);
  const VisitId v = fresh_visit_id();
  const auto id = base64url_encode(v);
  REQUIRE(create_visit(server, ada, {{"visit", id}}).result() == http::status::created);

  // Bob: an empty list, and Ada's visit looks exactly like one that does not exist.
  CHECK(json::parse(list_visits(server, bob).body(), nullptr, false) == json::array());
  const auto bobs_end = end_visit(server, bob, id);
  const auto unknown_end = end_visit(server, bob, base64url_encode(fresh_visit_id()));
  CHECK(bobs_end.result() == http::status::not_found);
  CHECK(unknown_end.result() == http::status::not_found);
  CHECK(bobs_end.body() == unknown_end.body());
  CHECK(bobs_end.body().find(id) == std::string::npos);
  CHECK(provider_refusal(server, v, bob.cookie_header()) == SignalingErrorCode::unknown_visit);

  // The admin: refused everything, and gets no provider rights on /signal.
  CHECK(create_visit(server, root, {{"visit", base64url_encode(fresh_visit_id())}}).result() ==
        http::status::forbidden);
  CHECK(list_visits(server, root).result() == http::status::forbidden);
  CHECK(end_visit(server, root, id).result() == http::status::forbidden);
  CHECK(provider_refusal(server, v, root.cookie_header()) == SignalingErrorCode::not_allowed);

  // Nobody signed in: 401 on the API, and a provider hello is refused.
  CHECK(exchange(server.endpoint(), api_request(http::verb::get, kVisitsPath, {}, {}, {}, {}))
            .result() == http::status::unauthorized);
  CHECK(provider_refusal(server, v, {}) == SignalingErrorCode::not_allowed);
  // A cookie that names no session is a guest's upgrade.
  CHECK(provider_refusal(server, v, std::string(kSessionCookie) + "=" + std::string(43, 'A')) ==
        SignalingErrorCode::not_allowed);

  // Ada's visit is untouched by all of that, and her room opens.
  const auto listed = json::parse(list_visits(server, ada).body(), nullptr, false);
  REQUIRE(listed.size() == 1);
  CHECK(listed[0]["state"] == "open");
  SignalingClient provider;
  REQUIRE_FALSE(provider.connect(server.endpoint(), kClinicOrigin, ada.cookie_header()));
  provider.send(hello(SignalingRole::provider, v, 0x40));
  // Now that the room is open, Bob's hello for it is not his to make.
  CHECK(provider_refusal(server, v, bob.cookie_header()) == SignalingErrorCode::not_allowed);
}

TEST_CASE("a provider hello for a visit never created is refused as unknown", "[gateway][visits]") {
  TempWebRoot web;
  ClinicServer server(web.web());
  const auto ada = server.sign_in("dr.ada", gateway::Role::provider);
  CHECK(provider_refusal(server, fresh_visit_id(), ada.cookie_header()) ==
        SignalingErrorCode::unknown_visit);
}

TEST_CASE("the visits API refuses bad ids, bad settings, a taken id, a missing CSRF token and a foreign origin",
          "[gateway][visits]") {
  TempWebRoot web;
  ClinicServer server(web.web());
  const auto ada = server.sign_in("dr.ada", gateway::Role::provider);
  const auto id = base64url_encode(fresh_visit_id());

  CHECK(create_visit(server, ada, {{"visit", id.substr(1)}}).result() == http::status::bad_request);
  CHECK(create_visit(server, ada, {{"visit", "!" + id.substr(1)}}).result() ==
        http::status::bad_request);
  CHECK(create_visit(server, ada, {{"visit", 7}}).result() == http::status::bad_request);
  CHECK(create_visit(server, ada, {{"visit", id}, {"people", 1}}).result() ==
        http::status::bad_request);
  CHECK(create_visit(server, ada, {{"visit", id}, {"people", kMaxPeoplePerRoom + 1}}).result() ==
        http::status::bad_request);
  CHECK(create_visit(server, ada, {{"visit", id}, {"people", "2"}}).result() ==
        http::status::bad_request);
  CHECK(create_visit(server, ada, {{"visit", id}, {"lifetime_minutes", 0}}).result() ==
        http::status::bad_request);
  CHECK(
      create_visit(server, ada, {{"visit", id}, {"lifetime_minutes", kMaxVisitLifetimeMinutes + 1}})
          .result() == http::status::bad_request);
  CHECK(exchange(server.endpoint(),
                 api_request(http::verb::post, kVisitsPath, "{not json", ada.token, ada.csrf))
            .result() == http::status::bad_request);
  CHECK(exchange(server.endpoint(), api_request(http::verb::post, kVisitsPath,
                                                json{{"visit", id}}.dump(), ada.token, "wrong"))
            .result() == http::status::forbidden);
  CHECK(exchange(server.endpoint(),
                 api_request(http::verb::post, kVisitsPath, json{{"visit", id}}.dump(), ada.token,
                             ada.csrf, "https://evil.example"))
            .result() == http::status::forbidden);
  CHECK(exchange(server.endpoint(),
                 api_request(http::verb::delete_, kVisitsPath, {}, ada.token, ada.csrf))
            .result() == http::status::method_not_allowed);
  CHECK(end_visit(server, ada, "not-an-id").result() == http::status::not_found);
  // None of that made a visit; the first good request does, and the id is then taken.
  CHECK(json::parse(list_visits(server, ada).body(), nullptr, false) == json::array());
  CHECK(create_visit(server, ada, {{"visit", id}, {"lifetime_minutes", kMaxVisitLifetimeMinutes}})
            .result() == http::status::created);
  CHECK(create_visit(server, ada, {{"visit", id}}).result() == http::status::conflict);
}

TEST_CASE("an admin reads the audit trail newest first and by pages; a provider cannot", "[gateway][visits][audit]") {
  TempWebRoot web;
  ClinicServer server(web.web());
  const auto ada = server.sign_in("dr.ada", gateway::Role::provider);
  const auto root = server.sign_in("root", gateway::Role::admin);
  const VisitId first = fresh_visit_id();
  const VisitId second = fresh_visit_id();
  REQUIRE(create_visit(server, ada, {{"visit", base64url_encode(first)}}).result() == http::status::created);
  REQUIRE(create_visit(server, ada, {{"visit", base64url_encode(second)}}).result() == http::status::created);
  const auto read = [&](const SignedIn& who, std::string target) {
    return exchange(server.endpoint(), api_request(http::verb::get, target, {}, who.token, {}, {}));
  };

  const auto page = read(root, "/api/admin/audit");
  REQUIRE(page.result() == http::status::ok);
  const auto entries = json::parse(page.body(), nullptr, false);
  REQUIRE(entries.is_array());
  REQUIRE(entries.size() >= 2);
  CHECK(entries[0]["kind"] == "visit_created");
  CHECK(entries[0]["actor"] == audit_account_ref(ada.account));
  CHECK(entries[0]["subject"] == server.storage().audit().visit_ref(second));
  CHECK(entries[1]["subject"] == server.storage().audit().visit_ref(first));
  CHECK(entries[0]["seq"].get<std::int64_t>() > entries[1]["seq"].get<std::int64_t>());
  // Pseudonyms only: neither visit id is in what the admin reads.
  CHECK(page.body().find(base64url_encode(first)) == std::string::npos);
  CHECK(page.body().find(base64url_encode(second)) == std::string::npos);

  const auto older = json::parse(
      read(root, "/api/admin/audit?before=" + std::to_string(entries[0]["seq"].get<std::int64_t>())).body(), nullptr,
      false);
  REQUIRE(older.is_array());
  REQUIRE_FALSE(older.empty());
  CHECK(older[0]["seq"] == entries[1]["seq"]);
  CHECK(read(root, "/api/admin/audit?before=x").result() == http::status::bad_request);

  CHECK(read(ada, "/api/admin/audit").result() == http::status::forbidden);
}
