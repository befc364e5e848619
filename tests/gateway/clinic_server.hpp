#pragma once
// A whole clinic's gateway on 127.0.0.1 port 0, wired as main() wires it:
// storage (a real SQLite file in a temp dir), the account, visit and kiosk
// APIs and the signaling hub, on its own I/O thread. Accounts are signed in
// through the account store (the TOTP sign-in itself is tested in
// sign_in_flow_test.cpp); every log line the gateway writes is kept for
// tests that check what never reaches a log.
#include <boost/asio/io_context.hpp>
#include <catch2/catch.hpp>
#include <sodium.h>

#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "gateway/kiosk_api.hpp"
#include "gateway/listener.hpp"
#include "gateway/share_api.hpp"
#include "gateway/signaling_hub.hpp"
#include "gateway/storage.hpp"
#include "gateway/visit_api.hpp"
#include "shared/base64url.hpp"
#include "shared/handshake.hpp"
#include "shared/signaling.hpp"
#include "tests/gateway/clinic_accounts.hpp"
#include "tests/gateway/running_listener.hpp"
#include "tests/gateway/temp_dir.hpp"

namespace tessera::gateway::test {

inline std::int64_t wall_now() { return unix_seconds(std::chrono::system_clock::now()); }

// A signed-in browser: the cookie's token and the session's CSRF token.
struct SignedIn {
  std::int64_t account = 0;
  std::string token;
  std::string csrf;
  [[nodiscard]] std::string cookie_header() const { return std::string(kSessionCookie) + "=" + token; }
};

inline VisitId fresh_visit_id() {
  VisitId id{};
  randombytes_buf(id.data(), id.size());
  return id;
}

// Signaling messages as a browser sends them about session `session_tag`
// (payloads are `payload_bytes` of filler `fill`: the gateway never opens them).
inline std::string message(SignalingType type, const VisitId& v, std::uint8_t session_tag,
                           std::size_t payload_bytes, std::uint8_t fill) {
  SignalingMessage m;
  m.type = type;
  m.visit = v;
  m.session.fill(session_tag);
  m.payload.assign(payload_bytes, fill);
  return signaling_serialize(m);
}
inline std::string hello(SignalingRole role, const VisitId& v, std::uint8_t session_tag) {
  SignalingMessage m;
  m.type = SignalingType::hello;
  m.role = role;
  m.visit = v;
  m.session.fill(session_tag);
  m.payload.assign(kHashBytes, 0x11);
  return signaling_serialize(m);
}
inline std::string join(const VisitId& v, std::uint8_t session_tag) {
  return message(SignalingType::join, v, session_tag, kGuestHelloBytes, 0x22);
}
inline std::string admit(const VisitId& v, std::uint8_t session_tag) {
  return message(SignalingType::admit, v, session_tag, kProviderAcceptBytes, 0x33);
}
inline std::string end_message(const VisitId& v, std::uint8_t session_tag) {
  return message(SignalingType::end, v, session_tag, 0, 0);
}

class ClinicServer {
 public:
  explicit ClinicServer(const std::filesystem::path& web_root) {
    auto opened = Storage::open(data_.path() / "tessera.db", keys_.path() / "tessera.key");
    REQUIRE(opened);
    storage_ = std::move(opened).value();
    std::string error;
    auto site = StaticSite::open(web_root, error);
    REQUIRE(site);
    const std::vector<std::string> origins{std::string(kClinicOrigin)};
    hub_ = std::make_shared<SignalingHub>(running_.ioc().get_executor(), SignalingConfig{origins, Limits{}, {}},
                                          storage_->visit_lookup(wall_now), std::make_shared<Metrics>(),
                                          storage_->visit_recorder(wall_now, [](std::string_view) {}));
    accounts_ = make_account_api(*storage_, origins);
    auto listener = std::make_shared<Listener>(running_.ioc(), std::make_shared<const StaticSite>(*site),
                                               [this](std::string_view line) {
                                                 const std::lock_guard lock(log_mutex_);
                                                 log_.emplace_back(line);
                                               });
    listener->set_signaling(hub_);
    listener->set_accounts(accounts_);
    listener->set_visits(std::make_shared<VisitApi>(*storage_, accounts_, hub_));
    listener->set_kiosks(std::make_shared<KioskApi>(*storage_, accounts_, hub_));
    listener->set_shares(std::make_shared<ShareApi>(*storage_, accounts_, hub_));
    running_.start(listener);
  }
  ~ClinicServer() { running_.stop(); }  // the handlers use storage_ and log_
  ClinicServer(const ClinicServer&) = delete;
  ClinicServer& operator=(const ClinicServer&) = delete;

  [[nodiscard]] boost::asio::ip::tcp::endpoint endpoint() const { return running_.endpoint(); }
  Storage& storage() { return *storage_; }
  // Every line logged so far, joined.
  [[nodiscard]] std::string log_text() {
    const std::lock_guard lock(log_mutex_);
    std::string all;
    for (const auto& line : log_) all += line + "\n";
    return all;
  }

  // A new account with an open session, as a successful sign-in leaves it.
  // The stored hash is never checked: nobody signs in with a password here.
  SignedIn sign_in(std::string_view login, gateway::Role role) {
    TotpSeed seed;
    randombytes_buf(seed.data(), seed.size());
    const auto id =
        accounts_->store().add(login, role, "no password: signed in through open_session", seed, wall_now());
    REQUIRE(id);
    auto session = accounts_->store().open_session(*id, wall_now());
    REQUIRE(session);
    return {*id, base64url_encode(session->token.span()), session->csrf};
  }

 private:
  TempDir data_;
  TempDir keys_;
  std::unique_ptr<Storage> storage_;
  std::mutex log_mutex_;
  std::vector<std::string> log_;
  RunningListener running_;
  std::shared_ptr<SignalingHub> hub_;
  std::shared_ptr<AccountApi> accounts_;
};

}  // namespace tessera::gateway::test
