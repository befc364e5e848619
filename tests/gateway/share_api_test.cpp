// Ephemeral shares end to end on a whole clinic's gateway (clinic_server.hpp):
// real SQLite, the real listener on loopback, real signaling WebSockets.
// Content is sealed with shared/share_content as the browser seals it, so the
// tests can look for it byte by byte in what the gateway stored.
#include "gateway/share_api.hpp"
#include "gateway/http_session.hpp"

#include <catch2/catch.hpp>
#include <sodium.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "shared/base64url.hpp"
#include "shared/share_content.hpp"
#include "tests/gateway/clinic_server.hpp"
#include "tests/gateway/loopback_clients.hpp"
#include "tests/gateway/temp_web_root.hpp"

using namespace tessera;
using namespace tessera::gateway;
using namespace tessera::gateway::test;
namespace http = boost::beast::http;
using nlohmann::json;

namespace {

constexpr std::string_view kNote = "Take 5 mg of amlodipine every morning; call us if your ankles swell.";

using Bytes = std::vector<std::uint8_t>;

// Each test share's link secret, derived from its id so a call needs only the id.
LinkSecret secret_for(const ShareId& id) {
  LinkSecret s;
  crypto_generichash(s.data(), s.size(), id.data(), id.size(), nullptr, 0);
  return s;
}
std::string verifier_for(const ShareId& id) {
  const auto proof = share_open_proof(secret_for(id), id);
  return base64url_encode(share_open_verifier(proof));
}
std::string proof_body(std::string_view id_text) {
  ShareId id{};
  if (!base64url_decode_exact(id_text, id)) return "{}";
  return json{{"proof", base64url_encode(share_open_proof(secret_for(id), id))}}.dump();
}

struct SealedShare {
  ShareId id{};
  LinkSecret secret;
  Bytes plain;   // the file's bytes, or the note's
  Bytes sealed;
  [[nodiscard]] std::string id_text() const { return base64url_encode(id); }
};

SealedShare seal_note(std::string_view text) {
  SealedShare s;
  randombytes_buf(s.id.data(), s.id.size());
  s.secret = secret_for(s.id);
  s.plain.assign(text.begin(), text.end());
  ShareContent c;
  c.kind = ShareKind::note;
  c.provider_name = "Dr. Ada Lovelace";
  c.body = SecretBuffer(s.plain);
  auto sealed = share_seal(s.secret, s.id, c);
  REQUIRE(sealed);
  s.sealed = std::move(sealed).value();
  return s;
}

SealedShare seal_file(std::size_t size) {
  SealedShare s;
  randombytes_buf(s.id.data(), s.id.size());
  s.secret = secret_for(s.id);
  s.plain.resize(size);
  randombytes_buf(s.plain.data(), s.plain.size());
  ShareContent c;
  c.kind = ShareKind::file;
  c.provider_name = "Dr. Ada Lovelace";
  c.file_name = "lab results.pdf";
  c.media_type = "application/pdf";
  c.body = SecretBuffer(s.plain);
  auto sealed = share_seal(s.secret, s.id, c);
  REQUIRE(sealed);
  s.sealed = std::move(sealed).value();
  return s;
}

http::response<http::string_body> call(ClinicServer& server, Request req) {
  return exchange(server.endpoint(), std::move(req));
}
http::response<http::string_body> create(ClinicServer& server, const SignedIn& who, const json& body) {
  return call(server, api_request(http::verb::post, kSharesPath, body.dump(), who.token, who.csrf));
}
json parked_body(const SealedShare& s, std::int64_t max_opens, std::int64_t minutes = 60) {
  return {{"share", s.id_text()}, {"mode", "parked"}, {"lifetime_minutes", minutes}, {"max_opens", max_opens},
          {"verifier", verifier_for(s.id)}, {"sealed", base64url_encode(s.sealed)}};
}
json live_body(const ShareId& id, std::int64_t max_opens) {
  return {{"share", base64url_encode(id)}, {"mode", "live"}, {"lifetime_minutes", 15}, {"max_opens", max_opens},
          {"verifier", verifier_for(id)}};
}
json list(ClinicServer& server, const SignedIn& who) {
  const auto res = call(server, api_request(http::verb::get, kSharesPath, {}, who.token, {}, {}));
  REQUIRE(res.result() == http::status::ok);
  return json::parse(res.body(), nullptr, false);
}
http::response<http::string_body> destroy(ClinicServer& server, const SignedIn& who, std::string_view id) {
  return call(server, api_request(http::verb::post, std::string(kSharesPath) + "/" + std::string(id) + "/destroy", {},
                                  who.token, who.csrf));
}
// The opener's page after its person pressed Open: no session, the clinic's Origin.
http::response<http::string_body> open(ClinicServer& server, std::string_view id,
                                       std::string_view origin = kClinicOrigin) {
  return call(server, api_request(http::verb::post, std::string(kSharesPath) + "/" + std::string(id) + "/open",
                                  proof_body(id), {}, {}, origin));
}
std::string error_of(const http::response<http::string_body>& res) {
  return json::parse(res.body(), nullptr, false).value("error", "");
}

// A request whose header announces more than the gateway takes: only the
// header is sent (the gateway answers and closes before any body).
http::response<http::string_body> header_only(ClinicServer& server, Request req) {
  boost::asio::io_context ioc;
  boost::asio::ip::tcp::socket socket(ioc);
  socket.connect(server.endpoint());
  req.set(http::field::host, "127.0.0.1");
  http::request_serializer<http::string_body> sr{req};
  http::write_header(socket, sr);
  boost::beast::flat_buffer buffer;
  http::response<http::string_body> res;
  http::read(socket, buffer, res);
  return res;
}

// Every byte the gateway keeps at rest: the database file and its WAL.
Bytes stored_bytes(Storage& storage) {
  Bytes all;
  for (const auto& suffix : {"", "-wal", "-journal"}) {
    std::ifstream in(storage.database().file().string() + suffix, std::ios::binary);
    all.insert(all.end(), std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  return all;
}
// Whether any 32-byte run of `needle`, at any offset, occurs in `haystack`
// (the whole needle when shorter). A set of the needle's runs keeps this
// linear: a search per run took minutes on a database file under ASan.
bool contains_any_run(const Bytes& haystack, const Bytes& needle) {
  const std::size_t run = std::min<std::size_t>(32, needle.size());
  if (run == 0 || haystack.size() < run) return false;
  const auto run_at = [run](const Bytes& b, std::size_t at) {
    return std::string_view(reinterpret_cast<const char*>(b.data() + at), run);
  };
  std::unordered_set<std::string_view> runs;
  runs.reserve(needle.size() - run + 1);
  for (std::size_t at = 0; at + run <= needle.size(); ++at) runs.insert(run_at(needle, at));
  for (std::size_t at = 0; at + run <= haystack.size(); ++at)
    if (runs.contains(run_at(haystack, at))) return true;
  return false;
}

std::vector<std::string> audit_rows(Storage& storage) {
  auto select = storage.database().prepare("SELECT kind, actor, subject FROM audit WHERE kind LIKE 'share%' ORDER BY seq");
  REQUIRE(select);
  std::vector<std::string> rows;
  for (;;) {
    auto row = select->step();
    REQUIRE(row);
    if (!*row) return rows;
    rows.push_back(select->text(0) + " " + select->text(1) + " " + select->text(2));
  }
}

}  // namespace

TEST_CASE("a parked one-time note opens once, only when asked for, and its content is gone from the file after",
          "[gateway][shares]") {
  TempWebRoot web;
  ClinicServer server(web.web());
  const auto ada = server.sign_in("dr.ada", gateway::Role::provider);
  const auto share = seal_note(kNote);

  const auto created = create(server, ada, parked_body(share, 1));
  REQUIRE(created.result() == http::status::created);
  const auto body = json::parse(created.body(), nullptr, false);
  CHECK(body["share"] == share.id_text());
  CHECK(body["mode"] == "parked");
  CHECK(body["max_opens"] == 1);

  // A link previewer fetches the page: the client is served and nothing counts.
  Request preview{http::verb::get, "/s/" + share.id_text(), 11};
  REQUIRE(call(server, std::move(preview)).result() == http::status::ok);
  auto listed = list(server, ada);
  REQUIRE(listed.size() == 1);
  CHECK(listed[0]["state"] == "waiting");
  CHECK(listed[0]["opens"] == 0);

  // The ciphertext is stored; the note's text never is.
  CHECK(contains_any_run(stored_bytes(server.storage()), share.sealed));
  CHECK_FALSE(contains_any_run(stored_bytes(server.storage()), share.plain));

  // The page asks, after its person pressed Open: the sealed bytes, which the fragment's secret opens.
  const auto opened = open(server, share.id_text());
  REQUIRE(opened.result() == http::status::ok);
  const auto got = json::parse(opened.body(), nullptr, false);
  CHECK(got["mode"] == "parked");
  const auto sealed = base64url_decode(got["sealed"].get<std::string>());
  REQUIRE(sealed);
  auto content = share_open(share.secret, share.id, *sealed);
  REQUIRE(content);
  CHECK(content->body.text() == kNote);
  CHECK(content->provider_name == "Dr. Ada Lovelace");

  // Used up: the gateway refuses a second open, and the ciphertext is gone from disk.
  const auto again = open(server, share.id_text());
  CHECK(again.result() == http::status::gone);
  CHECK(error_of(again) == "used up");
  CHECK_FALSE(contains_any_run(stored_bytes(server.storage()), share.sealed));
  listed = list(server, ada);
  CHECK(listed[0]["state"] == "used_up");
  CHECK(listed[0]["opens"] == 1);

  // Audited by pseudonym: never the id, never anything of the content.
  const auto rows = audit_rows(server.storage());
  REQUIRE(rows.size() == 3);
  CHECK(rows[0].starts_with("share_created acct:" + std::to_string(ada.account) + " share:"));
  CHECK(rows[1].starts_with("share_opened - share:"));
  CHECK(rows[2].starts_with("share_destroyed gateway share:"));
  for (const auto& r : rows) CHECK(r.find(share.id_text()) == std::string::npos);
  CHECK(server.log_text().find(share.id_text()) == std::string::npos);
}

TEST_CASE("destroying a parked file deletes its ciphertext from the SQLite file, and the link is refused after",
          "[gateway][shares]") {
  TempWebRoot web;
  ClinicServer server(web.web());
  const auto ada = server.sign_in("dr.ada", gateway::Role::provider);
  // Larger than the 4 KiB every other request may carry, and spread over overflow pages.
  const auto share = seal_file(300 * 1024);
  REQUIRE(create(server, ada, parked_body(share, 0)).result() == http::status::created);
  CHECK(contains_any_run(stored_bytes(server.storage()), share.sealed));
  CHECK_FALSE(contains_any_run(stored_bytes(server.storage()), share.plain));

  // Unlimited: it opens again and again until destroyed.
  REQUIRE(open(server, share.id_text()).result() == http::status::ok);
  REQUIRE(open(server, share.id_text()).result() == http::status::ok);
  auto listed = list(server, ada);
  CHECK(listed[0]["state"] == "opened");
  CHECK(listed[0]["opens"] == 2);

  const auto gone = destroy(server, ada, share.id_text());
  REQUIRE(gone.result() == http::status::ok);
  CHECK(json::parse(gone.body(), nullptr, false)["state"] == "destroyed");
  const auto bytes = stored_bytes(server.storage());
  CHECK_FALSE(contains_any_run(bytes, share.sealed));
  CHECK_FALSE(contains_any_run(bytes, share.plain));

  const auto refused = open(server, share.id_text());
  CHECK(refused.result() == http::status::gone);
  CHECK(error_of(refused) == "destroyed");
  // A second press answers the same, and records nothing new.
  const auto before = audit_rows(server.storage()).size();
  CHECK(destroy(server, ada, share.id_text()).result() == http::status::ok);
  CHECK(audit_rows(server.storage()).size() == before);
  CHECK(list(server, ada)[0]["state"] == "destroyed");
}

TEST_CASE("an expired share is refused by the gateway and housekeeping deletes its content",
          "[gateway][shares]") {
  TempWebRoot web;
  ClinicServer server(web.web());
  const auto ada = server.sign_in("dr.ada", gateway::Role::provider);
  const auto share = seal_note(kNote);
  REQUIRE(create(server, ada, parked_body(share, 0, 15)).result() == http::status::created);

  // The API itself at a later wall clock: refused as expired before any sweep.
  auto accounts = make_account_api(server.storage(), {std::string(kClinicOrigin)});
  ShareApi api(server.storage(), accounts, nullptr);
  const auto later = std::chrono::system_clock::now() + std::chrono::minutes(16);
  auto req = api_request(http::verb::post, std::string(kSharesPath) + "/" + share.id_text() + "/open",
                         proof_body(share.id_text()));
  const auto refused = api.handle(req, later);
  REQUIRE(refused);
  CHECK(refused->result() == http::status::gone);
  CHECK(json::parse(refused->body(), nullptr, false)["error"] == "expired");

  // Housekeeping then ends it and deletes the sealed bytes from disk.
  server.storage().housekeeping(std::chrono::steady_clock::now(), unix_seconds(later), [](std::string_view) {});
  CHECK_FALSE(contains_any_run(stored_bytes(server.storage()), share.sealed));
  const auto rows = audit_rows(server.storage());
  REQUIRE(rows.size() == 2);
  CHECK(rows[1].starts_with("share_destroyed gateway share:"));
  // A day after that, the row itself goes.
  server.storage().housekeeping(std::chrono::steady_clock::now(),
                                unix_seconds(later) + kShareRetentionSeconds + 16 * 60, [](std::string_view) {});
  CHECK(list(server, ada).empty());
}

TEST_CASE("a wrong link (another secret) opens nothing and uses nothing up; a missing proof is refused",
          "[gateway][shares]") {
  TempWebRoot web;
  ClinicServer server(web.web());
  const auto ada = server.sign_in("dr.ada", gateway::Role::provider);
  const auto share = seal_note(kNote);
  REQUIRE(create(server, ada, parked_body(share, 1)).result() == http::status::created);
  const auto target = std::string(kSharesPath) + "/" + share.id_text() + "/open";
  LinkSecret wrong = share.secret.clone();
  wrong.data()[5] ^= 0x20;
  const auto bad = call(server, api_request(http::verb::post, target,
                                            json{{"proof", base64url_encode(share_open_proof(wrong, share.id))}}.dump()));
  CHECK(bad.result() == http::status::forbidden);
  CHECK(error_of(bad) == "wrong link");
  CHECK(bad.body().find("sealed") == std::string::npos);
  CHECK(call(server, api_request(http::verb::post, target)).result() == http::status::bad_request);
  CHECK(list(server, ada)[0]["opens"] == 0);
  CHECK(open(server, share.id_text()).result() == http::status::ok);  // the right link still opens it, once
}

TEST_CASE("provider A can neither list nor destroy provider B's shares; an admin can do nothing with shares",
          "[gateway][shares]") {
  TempWebRoot web;
  ClinicServer server(web.web());
  const auto ada = server.sign_in("dr.ada", gateway::Role::provider);
  const auto bob = server.sign_in("dr.bob", gateway::Role::provider);
  const auto admin = server.sign_in("admin", gateway::Role::admin);
  const auto share = seal_note(kNote);
  REQUIRE(create(server, bob, parked_body(share, 0)).result() == http::status::created);

  CHECK(list(server, ada).empty());
  const auto refused = destroy(server, ada, share.id_text());
  CHECK(refused.result() == http::status::not_found);
  CHECK(error_of(refused) == "not found");
  CHECK(open(server, share.id_text()).result() == http::status::ok);  // still there
  CHECK(list(server, bob).size() == 1);

  CHECK(call(server, api_request(http::verb::get, kSharesPath, {}, admin.token, {}, {})).result() ==
        http::status::forbidden);
  CHECK(destroy(server, admin, share.id_text()).result() == http::status::forbidden);
}

TEST_CASE("the shares API states its limits and refuses what breaks them", "[gateway][shares][limits]") {
  TempWebRoot web;
  ClinicServer server(web.web());
  const auto ada = server.sign_in("dr.ada", gateway::Role::provider);
  const auto share = seal_note(kNote);

  auto with = [&](const char* key, json value) {
    auto b = parked_body(share, 1);
    b[key] = std::move(value);
    return create(server, ada, b).result();
  };
  CHECK(with("lifetime_minutes", 14) == http::status::bad_request);
  CHECK(with("lifetime_minutes", 7 * 24 * 60 + 1) == http::status::bad_request);
  CHECK(with("max_opens", kMaxShareOpens + 1) == http::status::bad_request);
  CHECK(with("max_opens", -1) == http::status::bad_request);
  CHECK(with("mode", "kept") == http::status::bad_request);
  CHECK(with("share", "short") == http::status::bad_request);
  CHECK(with("sealed", base64url_encode(Bytes(kShareSealedMinBytes - 1, 7))) == http::status::bad_request);
  CHECK(with("sealed", base64url_encode(Bytes(kMaxParkedShareBytes + 1, 7))) == http::status::bad_request);
  auto live = live_body(share.id, 1);
  live["sealed"] = base64url_encode(share.sealed);
  CHECK(create(server, ada, live).result() == http::status::bad_request);  // live content never reaches the gateway

  // A body past kMaxShareRequestBytes is cut off by the HTTP session (413);
  // every other API keeps its 4 KiB.
  auto huge = api_request(http::verb::post, kSharesPath, {}, ada.token, ada.csrf);
  huge.content_length(kMaxShareRequestBytes + 1);
  CHECK(header_only(server, std::move(huge)).result() == http::status::payload_too_large);
  auto other = api_request(http::verb::post, "/api/visits", {}, ada.token, ada.csrf);
  other.content_length(kMaxRequestBodyBytes + 1);
  CHECK(header_only(server, std::move(other)).result() == http::status::payload_too_large);
  CHECK(call(server, api_request(http::verb::post, "/api/visits", std::string(4000, ' '), ada.token, ada.csrf))
            .result() == http::status::bad_request);  // within 4 KiB: read, and refused as JSON

  // CSRF and Origin as for every provider API; the opener's route needs an allowed Origin.
  CHECK(call(server, api_request(http::verb::post, kSharesPath, parked_body(share, 1).dump(), ada.token, {}))
            .result() == http::status::forbidden);
  REQUIRE(create(server, ada, parked_body(share, 0)).result() == http::status::created);
  CHECK(create(server, ada, parked_body(share, 0)).result() == http::status::conflict);
  CHECK(open(server, share.id_text(), "https://evil.example").result() == http::status::forbidden);
  CHECK(open(server, share.id_text(), "").result() == http::status::forbidden);
  CHECK(open(server, base64url_encode(fresh_visit_id())).result() == http::status::not_found);
  CHECK(with("verifier", "short") == http::status::bad_request);

  // Opens per minute, per share: the rest of this minute is refused.
  std::size_t ok = 0;
  http::status last = http::status::ok;
  for (std::int64_t i = 0; i <= kMaxShareOpensPerMinute; ++i) {
    last = open(server, share.id_text()).result();
    if (last == http::status::ok) ++ok;
  }
  // (A minute boundary mid-loop lets at most the count again through; never more.)
  CHECK(ok >= static_cast<std::size_t>(kMaxShareOpensPerMinute));
  CHECK(ok <= 2 * static_cast<std::size_t>(kMaxShareOpensPerMinute));
  auto accounts = make_account_api(server.storage(), {std::string(kClinicOrigin)});
  ShareApi api(server.storage(), accounts, nullptr);
  const auto minute = std::chrono::system_clock::time_point(std::chrono::seconds((wall_now() / 60 + 2) * 60));
  for (std::int64_t i = 0; i < kMaxShareOpensPerMinute; ++i) {
    auto req = api_request(http::verb::post, std::string(kSharesPath) + "/" + share.id_text() + "/open",
                           proof_body(share.id_text()));
    REQUIRE(api.handle(req, minute)->result() == http::status::ok);
  }
  auto req = api_request(http::verb::post, std::string(kSharesPath) + "/" + share.id_text() + "/open",
                         proof_body(share.id_text()));
  const auto over = api.handle(req, minute + std::chrono::seconds(59));
  CHECK(over->result() == http::status::too_many_requests);
  CHECK(json::parse(over->body(), nullptr, false)["error"] == "too many opens");

  // Shares per provider: the 21st unended one is refused.
  for (std::size_t i = 1; i < kMaxSharesPerProvider; ++i) {
    REQUIRE(create(server, ada, live_body(fresh_visit_id(), 0)).result() == http::status::created);
  }
  CHECK(create(server, ada, live_body(fresh_visit_id(), 0)).result() == http::status::too_many_requests);
  // Destroying one makes room again.
  REQUIRE(destroy(server, ada, share.id_text()).result() == http::status::ok);
  CHECK(create(server, ada, live_body(fresh_visit_id(), 0)).result() == http::status::created);
}

TEST_CASE("a live share is a room its provider's connection owns: opens count when the opener is let in, and it "
          "ends when that connection goes or the share is destroyed",
          "[gateway][shares][signaling]") {
  TempWebRoot web;
  ClinicServer server(web.web());
  const auto ada = server.sign_in("dr.ada", gateway::Role::provider);
  const auto bob = server.sign_in("dr.bob", gateway::Role::provider);
  const ShareId once = fresh_visit_id();
  REQUIRE(create(server, ada, live_body(once, 1)).result() == http::status::created);

  // Before the provider's tab says hello, the page hears "no open room": the provider is offline.
  {
    const auto opened = open(server, base64url_encode(once));
    REQUIRE(opened.result() == http::status::ok);
    CHECK(json::parse(opened.body(), nullptr, false)["mode"] == "live");
    CHECK_FALSE(json::parse(opened.body(), nullptr, false).contains("sealed"));
    SignalingClient early;
    REQUIRE_FALSE(early.connect(server.endpoint(), kClinicOrigin));
    early.send(hello(SignalingRole::guest, once, 0x70));
    CHECK(early.read_message().code == SignalingErrorCode::unknown_visit);
  }
  // Another provider cannot open a room for it.
  {
    SignalingClient other;
    REQUIRE_FALSE(other.connect(server.endpoint(), kClinicOrigin, bob.cookie_header()));
    other.send(hello(SignalingRole::provider, once, 0x60));
    CHECK(other.read_message().code == SignalingErrorCode::unknown_visit);
  }

  SignalingClient provider;
  REQUIRE_FALSE(provider.connect(server.endpoint(), kClinicOrigin, ada.cookie_header()));
  provider.send(hello(SignalingRole::provider, once, 0x40));
  SignalingClient opener;
  REQUIRE_FALSE(opener.connect(server.endpoint(), kClinicOrigin));
  opener.send(hello(SignalingRole::guest, once, 0x80));
  opener.send(join(once, 0x80));
  REQUIRE(provider.read_message().type == SignalingType::waiting);
  // A second page waits too (it skipped POST /open, which would have been refused once the share is used up).
  SignalingClient second;
  REQUIRE_FALSE(second.connect(server.endpoint(), kClinicOrigin));
  second.send(hello(SignalingRole::guest, once, 0x83));
  second.send(join(once, 0x83));
  REQUIRE(provider.read_message().type == SignalingType::waiting);
  CHECK(list(server, ada)[0]["opens"] == 0);  // asked, not yet let in
  provider.send(admit(once, 0x80));
  REQUIRE(opener.read_message().type == SignalingType::admit);
  auto listed = list(server, ada);
  CHECK(listed[0]["opens"] == 1);
  CHECK(listed[0]["state"] == "used_up");
  const auto after = open(server, base64url_encode(once));
  CHECK(after.result() == http::status::gone);
  CHECK(error_of(after) == "used up");
  // The gateway, not only the provider's tab, lets no one more in: an admit
  // of the second is refused, and a new page's hello is turned away.
  provider.send(admit(once, 0x83));
  CHECK(provider.read_message().code == SignalingErrorCode::not_allowed);
  SignalingClient late;
  REQUIRE_FALSE(late.connect(server.endpoint(), kClinicOrigin));
  late.send(hello(SignalingRole::guest, once, 0x84));
  CHECK(late.read_message().code == SignalingErrorCode::expired);
  CHECK_FALSE(late.read());
  CHECK(late.close_code() == close_code::kVisitEnded);

  // An unlimited live share ends the moment its provider's connection goes.
  const ShareId many = fresh_visit_id();
  REQUIRE(create(server, ada, live_body(many, 0)).result() == http::status::created);
  {
    SignalingClient tab;
    REQUIRE_FALSE(tab.connect(server.endpoint(), kClinicOrigin, ada.cookie_header()));
    tab.send(hello(SignalingRole::provider, many, 0x41));
    SignalingClient waiting;
    REQUIRE_FALSE(waiting.connect(server.endpoint(), kClinicOrigin));
    waiting.send(hello(SignalingRole::guest, many, 0x81));
    waiting.send(join(many, 0x81));
    REQUIRE(tab.read_message().type == SignalingType::waiting);
    // The tab closes (its socket goes): the opener hears the end at once, no grace.
    tab.close_now();
    CHECK(waiting.read_message().type == SignalingType::end);
    CHECK_FALSE(waiting.read());
    CHECK(waiting.close_code() == close_code::kVisitEnded);
  }
  listed = list(server, ada);
  const auto it = std::find_if(listed.begin(), listed.end(), [&](const json& s) { return s["share"] == base64url_encode(many); });
  REQUIRE(it != listed.end());
  CHECK((*it)["state"] == "provider_left");
  CHECK(error_of(open(server, base64url_encode(many))) == "destroyed");

  // Destroying a live share closes its room for everyone.
  const ShareId third = fresh_visit_id();
  REQUIRE(create(server, ada, live_body(third, 0)).result() == http::status::created);
  SignalingClient tab;
  REQUIRE_FALSE(tab.connect(server.endpoint(), kClinicOrigin, ada.cookie_header()));
  tab.send(hello(SignalingRole::provider, third, 0x42));
  SignalingClient waiting;
  REQUIRE_FALSE(waiting.connect(server.endpoint(), kClinicOrigin));
  waiting.send(hello(SignalingRole::guest, third, 0x82));
  waiting.send(join(third, 0x82));
  REQUIRE(tab.read_message().type == SignalingType::waiting);
  REQUIRE(destroy(server, ada, base64url_encode(third)).result() == http::status::ok);
  CHECK(waiting.read_message().type == SignalingType::end);
  CHECK_FALSE(waiting.read());
  CHECK(waiting.close_code() == close_code::kVisitEnded);
  CHECK(error_of(open(server, base64url_encode(third))) == "destroyed");

  const auto rows = audit_rows(server.storage());
  CHECK(std::count_if(rows.begin(), rows.end(), [](const std::string& r) { return r.starts_with("share_opened"); }) == 1);
  CHECK(std::count_if(rows.begin(), rows.end(), [](const std::string& r) { return r.starts_with("share_destroyed"); }) == 3);
}
