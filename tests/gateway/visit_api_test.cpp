// Visits end to end: the real listener on 127.0.0.1 port 0 with storage (a
// real SQLite file), the account and visit APIs and the signaling hub wired as
// main() wires them. Providers are signed in through the account store (the
// TOTP sign-in itself is tested in sign_in_flow_test.cpp); their session
// cookie rides on the /signal upgrade, never in the URL.
#include "gateway/visit_api.hpp"
#include "gateway/listener.hpp"
#include "gateway/signaling_hub.hpp"
#include "gateway/storage.hpp"

#include <boost/beast/websocket.hpp>
#include <catch2/catch.hpp>

#include <array>
#include <string>
#include <thread>

#include "shared/base64url.hpp"
#include "shared/handshake.hpp"
#include "tests/gateway/clinic_accounts.hpp"
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

std::int64_t wall_now() {
  return unix_seconds(std::chrono::system_clock::now());
}

// A signed-in browser: the cookie's token and the session's CSRF token.
struct SignedIn {
  std::int64_t account = 0;
  std::string token;
  std::string csrf;
  [[nodiscard]] std::string cookie_header() const {
    return std::string(kSessionCookie) + "=" + token;
  }
};

class VisitServer {
 public:
  explicit VisitServer(const std::filesystem::path& web_root) {
    auto opened = Storage::open(data_.path() / "tessera.db", keys_.path() / "tessera.key");
    REQUIRE(opened);
    storage_ = std::move(opened).value();
    std::string error;
    auto site = StaticSite::open(web_root, error);
    REQUIRE(site);
    const std::vector<std::string> origins{std::string(kClinicOrigin)};
    hub_ =
        std::make_shared<SignalingHub>(ioc_.get_executor(), SignalingConfig{origins, Limits{}, {}},
                                       storage_->visit_lookup(wall_now), std::make_shared<Metrics>(),
                                       storage_->visit_recorder(wall_now, [](std::string_view) {}));
    accounts_ = make_account_api(*storage_, origins);
    listener_ =
        std::make_shared<Listener>(ioc_, std::make_shared<const StaticSite>(*site), nullptr);
    listener_->set_signaling(hub_);
    listener_->set_accounts(accounts_);
    listener_->set_visits(std::make_shared<VisitApi>(*storage_, accounts_, hub_));
    REQUIRE_FALSE(listener_->open({net::ip::make_address("127.0.0.1"), 0}));
    listener_->run();
    thread_ = std::thread([this] { ioc_.run(); });
  }
  ~VisitServer() {
    ioc_.stop();
    thread_.join();
  }
  VisitServer(const VisitServer&) = delete;
  VisitServer& operator=(const VisitServer&) = delete;

  [[nodiscard]] net::ip::tcp::endpoint endpoint() const { return listener_->local_endpoint(); }
  Storage& storage() { return *storage_; }

  // A new account with an open session, as a successful sign-in leaves it.
  // The stored hash is never checked: nobody signs in with a password here.
  SignedIn sign_in(std::string_view login, gateway::Role role) {
    TotpSeed seed;
    randombytes_buf(seed.data(), seed.size());
    const auto id = accounts_->store().add(
        login, role, "no password: signed in through open_session", seed, wall_now());
    REQUIRE(id);
    auto session = accounts_->store().open_session(*id, wall_now());
    REQUIRE(session);
    return {*id, base64url_encode(session->token.span()), session->csrf};
  }

 private:
  TempDir data_;
  TempDir keys_;
  std::unique_ptr<Storage> storage_;
  net::io_context ioc_;
  std::shared_ptr<SignalingHub> hub_;
  std::shared_ptr<AccountApi> accounts_;
  std::shared_ptr<Listener> listener_;
  std::thread thread_;
};

VisitId fresh_visit_id() {
  VisitId id{};
  randombytes_buf(id.data(), id.size());
  return id;
}

http::response<http::string_body> create_visit(VisitServer& server, const SignedIn& who,
                                               const json& body) {
  return exchange(server.endpoint(),
                  api_request(http::verb::post, kVisitsPath, body.dump(), who.token, who.csrf));
}
http::response<http::string_body> list_visits(VisitServer& server, const SignedIn& who) {
  return exchange(server.endpoint(),
                  api_request(http::verb::get, kVisitsPath, {}, who.token, {}, {}));
}
http::response<http::string_body> end_visit(VisitServer& server, const SignedIn& who,
                                            std::string_view id) {
  return exchange(
      server.endpoint(),
      api_request(http::verb::post, std::string(kVisitsPath) + "/" + std::string(id) + "/end", {},
                  who.token, who.csrf));
}

// A client's signaling message about session `session_tag`, with a payload
// of `payload_bytes` filled with `fill` (the gateway never opens it).
std::string message(SignalingType type, const VisitId& v, std::uint8_t session_tag, std::size_t payload_bytes,
                    std::uint8_t fill) {
  SignalingMessage m;
  m.type = type;
  m.visit = v;
  m.session.fill(session_tag);
  m.payload.assign(payload_bytes, fill);
  return signaling_serialize(m);
}
std::string hello(SignalingRole role, const VisitId& v, std::uint8_t session_tag) {
  SignalingMessage m;
  m.type = SignalingType::hello;
  m.role = role;
  m.visit = v;
  m.session.fill(session_tag);
  m.payload.assign(kHashBytes, 0x11);
  return signaling_serialize(m);
}
std::string join(const VisitId& v, std::uint8_t session_tag) {
  return message(SignalingType::join, v, session_tag, kGuestHelloBytes, 0x22);
}
std::string admit(const VisitId& v, std::uint8_t session_tag) {
  return message(SignalingType::admit, v, session_tag, kProviderAcceptBytes, 0x33);
}
std::string end_message(const VisitId& v, std::uint8_t session_tag) {
  return message(SignalingType::end, v, session_tag, 0, 0);
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
SignalingErrorCode provider_refusal(VisitServer& server, const VisitId& v,
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
  VisitServer server(web.web());
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

  // Ended for good: listed as ended, not ended twice, and no room reopens.
  const auto after = json::parse(list_visits(server, ada).body(), nullptr, false);
  REQUIRE(after.size() == 1);
  CHECK(after[0]["state"] == "ended");
  CHECK(end_visit(server, ada, id).result() == http::status::not_found);
  CHECK(provider_refusal(server, v, ada.cookie_header()) == SignalingErrorCode::unknown_visit);

  // Both changes are in the audit trail, by pseudonym only.
  const auto head_after = server.storage().audit().head();
  REQUIRE(head_after);
  CHECK(head_after->count == head_before->count + 2);
  const auto verdict = server.storage().audit().verify(*head_after);
  REQUIRE(verdict);
  CHECK(verdict->intact());
}

TEST_CASE("a guest admitted and the provider's own end over signaling are kept: the visit is ended and both are audited",
          "[gateway][visits]") {
  TempWebRoot web;
  VisitServer server(web.web());
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

  // Ended in the store: listed as ended, the API cannot end it twice, no room reopens.
  const auto after = json::parse(list_visits(server, ada).body(), nullptr, false);
  REQUIRE(after.size() == 1);
  CHECK(after[0]["state"] == "ended");
  CHECK(end_visit(server, ada, id).result() == http::status::not_found);
  CHECK(provider_refusal(server, v, ada.cookie_header()) == SignalingErrorCode::unknown_visit);

  const auto events = audit_events(server.storage());
  REQUIRE(events.size() >= 3);
  CHECK(std::vector<std::string>(events.end() - 3, events.end()) ==
        std::vector<std::string>{"visit_created", "visit_admitted", "visit_ended"});
  const auto head = server.storage().audit().head();
  REQUIRE(head);
  const auto verdict = server.storage().audit().verify(*head);
  REQUIRE(verdict);
  CHECK(verdict->intact());
}

TEST_CASE("a provider cannot see or end another provider's visit, and an admin can do nothing with visits",
          "[gateway][visits]") {
  TempWebRoot web;
  VisitServer server(web.web());
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
  VisitServer server(web.web());
  const auto ada = server.sign_in("dr.ada", gateway::Role::provider);
  CHECK(provider_refusal(server, fresh_visit_id(), ada.cookie_header()) ==
        SignalingErrorCode::unknown_visit);
}

TEST_CASE("the visits API refuses bad ids, bad settings, a taken id, a missing CSRF token and a foreign origin",
          "[gateway][visits]") {
  TempWebRoot web;
  VisitServer server(web.web());
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
