// The kiosk's pure logic on a virtual clock (KioskCycle), and a visit link
// sealed to a kiosk and opened by it (kiosk_delivery).
#include <catch2/catch.hpp>
#include <sodium.h>

#include "shared/visit_link.hpp"
#include "wasm/visit/kiosk_cycle.hpp"
#include "wasm/visit/kiosk_delivery.hpp"

using namespace tessera;
using namespace tessera::client;
using namespace std::chrono_literals;

namespace {

// A kiosk that is enrolled and shows the start screen at t0.
struct Tablet {
  VisitTime t0{};
  VisitTime now{};
  KioskCycle cycle;
  Tablet() {
    cycle.enrolled(now);
    cycle.handle_timeout(now);
    REQUIRE(cycle.take_fetch());
    cycle.inbox_fetched(now);
  }
  void advance(VisitDuration d) {
    now += d;
    cycle.handle_timeout(now);
  }
  // Runs the clock to the next timeout.
  void run_to_timeout() {
    REQUIRE(cycle.poll_timeout());
    now = *cycle.poll_timeout();
    cycle.handle_timeout(now);
  }
};

}  // namespace

TEST_CASE("kiosk_fetches_its_inbox_every_stated_interval_while_the_start_screen_shows", "[kiosk]") {
  KioskCycle cycle;
  VisitTime now{};
  CHECK(cycle.screen() == KioskScreen::enrol);
  CHECK_FALSE(cycle.poll_timeout());  // nothing is fetched before enrolment
  cycle.enrolled(now);
  REQUIRE(cycle.screen() == KioskScreen::idle);
  REQUIRE(cycle.poll_timeout() == now);
  cycle.handle_timeout(now);
  CHECK(cycle.take_fetch());
  CHECK_FALSE(cycle.take_fetch());
  CHECK_FALSE(cycle.poll_timeout());  // one fetch at a time
  cycle.set_poll_interval(7s);
  now += 1s;
  cycle.inbox_fetched(now);
  CHECK(cycle.poll_timeout() == now + 7s);
  cycle.handle_timeout(now + 6s);
  CHECK_FALSE(cycle.take_fetch());
  cycle.handle_timeout(now + 7s);
  CHECK(cycle.take_fetch());
  // A gateway stating nonsense is not followed.
  cycle.set_poll_interval(0s);
  cycle.inbox_fetched(now);
  CHECK(cycle.poll_timeout() == now + 1s);
  CHECK_FALSE(cycle.take_wipe());
}

TEST_CASE("kiosk_ready_screen_left_untouched_times_out_to_the_start_screen_and_wipes", "[kiosk]") {
  Tablet t;
  REQUIRE(t.cycle.visit_arrived(t.now));
  CHECK(t.cycle.screen() == KioskScreen::ready);
  CHECK_FALSE(t.cycle.visit_arrived(t.now));  // one visit at a time
  t.advance(kKioskIdleTimeout - 1s);
  CHECK(t.cycle.screen() == KioskScreen::ready);
  CHECK_FALSE(t.cycle.take_wipe());
  t.advance(1s);
  CHECK(t.cycle.screen() == KioskScreen::idle);
  CHECK(t.cycle.take_wipe());
  CHECK_FALSE(t.cycle.take_wipe());  // once
  // The start screen fetches the inbox again at once.
  CHECK(t.cycle.poll_timeout() == t.now);
}

TEST_CASE("kiosk_device_check_and_name_time_out_only_without_a_touch", "[kiosk]") {
  Tablet t;
  REQUIRE(t.cycle.visit_arrived(t.now));
  t.advance(30s);
  t.cycle.start(t.now);
  REQUIRE(t.cycle.screen() == KioskScreen::journey);
  CHECK(t.cycle.poll_timeout() == t.now + kKioskIdleTimeout);
  t.advance(kKioskIdleTimeout - 10s);
  t.cycle.touch(t.now);  // typing the name
  t.advance(kKioskIdleTimeout - 1s);
  CHECK(t.cycle.screen() == KioskScreen::journey);
  t.run_to_timeout();
  CHECK(t.cycle.screen() == KioskScreen::idle);
  CHECK(t.cycle.take_wipe());
}

TEST_CASE("kiosk_waiting_room_and_call_never_time_out", "[kiosk]") {
  Tablet t;
  REQUIRE(t.cycle.visit_arrived(t.now));
  t.cycle.start(t.now);
  t.cycle.joined();
  CHECK(t.cycle.in_visit());
  CHECK_FALSE(t.cycle.poll_timeout());
  t.advance(10h);
  CHECK(t.cycle.screen() == KioskScreen::journey);
  CHECK_FALSE(t.cycle.take_wipe());
}

TEST_CASE("kiosk_every_visit_end_wipes_once_and_returns_to_the_start_screen", "[kiosk]") {
  // ended by the provider, denied, left: the journey reports each as visit_over.
  for (const bool tap_done : {false, true}) {
    CAPTURE(tap_done);
    Tablet t;
    REQUIRE(t.cycle.visit_arrived(t.now));
    t.cycle.start(t.now);
    t.cycle.joined();
    t.advance(5min);
    t.cycle.visit_over(t.now);
    CHECK(t.cycle.screen() == KioskScreen::ended);
    CHECK(t.cycle.take_wipe());  // at once, while "your visit has ended" shows
    CHECK_FALSE(t.cycle.take_wipe());
    CHECK_FALSE(t.cycle.in_visit());
    if (tap_done) {
      t.advance(1s);
      t.cycle.dismiss(t.now);
    } else {
      CHECK(t.cycle.poll_timeout() == t.now + kKioskEndedScreen);
      t.advance(kKioskEndedScreen - 1s);
      CHECK(t.cycle.screen() == KioskScreen::ended);
      t.advance(1s);
    }
    CHECK(t.cycle.screen() == KioskScreen::idle);
    CHECK_FALSE(t.cycle.take_wipe());
    // The tablet is still enrolled: the next visit can come.
    t.cycle.handle_timeout(t.now);
    CHECK(t.cycle.take_fetch());
    t.cycle.inbox_fetched(t.now);
    CHECK(t.cycle.visit_arrived(t.now));
  }
}

TEST_CASE("kiosk_revoked_mid_visit_wipes_and_asks_for_enrolment", "[kiosk]") {
  Tablet t;
  REQUIRE(t.cycle.visit_arrived(t.now));
  t.cycle.start(t.now);
  t.cycle.not_enrolled();
  CHECK(t.cycle.screen() == KioskScreen::enrol);
  CHECK(t.cycle.take_wipe());
  CHECK_FALSE(t.cycle.poll_timeout());
  // Revoked while idle: nothing of a visit to wipe.
  Tablet idle;
  idle.cycle.not_enrolled();
  CHECK_FALSE(idle.cycle.take_wipe());
}

TEST_CASE("kiosk_opens_a_link_sealed_to_its_key_for_the_named_visit_and_host_only", "[kiosk]") {
  REQUIRE(sodium_init() >= 0);
  const auto keys = KioskKeyPair::generate();
  const auto again = KioskKeyPair::from_secret(keys.secret_key.span());
  CHECK(again.public_key == keys.public_key);

  VisitLink link;
  link.host = "clinic.example:8443";
  randombytes_buf(link.visit_id.data(), link.visit_id.size());
  randombytes_buf(link.link_secret.data(), link.link_secret.size());
  // A usable Ed25519 public key.
  std::array<std::uint8_t, 64> sk{};
  crypto_sign_keypair(link.provider_key.data(), sk.data());
  const auto text = visit_link_format(link);
  REQUIRE(text);

  const auto sealed = kiosk_seal_link(text->view(), keys.public_key);
  CHECK(sealed.size() == text->size() + kSealOverheadBytes);
  const auto opened = kiosk_open_link(sealed, keys, link.visit_id, link.host);
  REQUIRE(opened);
  CHECK(opened->view() == text->view());

  const auto other = KioskKeyPair::generate();
  CHECK(kiosk_open_link(sealed, other, link.visit_id, link.host).error() == KioskItemError::does_not_open);
  auto changed = sealed;
  changed[60] ^= 1;
  CHECK(kiosk_open_link(changed, keys, link.visit_id, link.host).error() == KioskItemError::does_not_open);
  VisitId another = link.visit_id;
  another[0] ^= 1;
  CHECK(kiosk_open_link(sealed, keys, another, link.host).error() == KioskItemError::other_visit);
  CHECK(kiosk_open_link(sealed, keys, link.visit_id, "evil.example").error() == KioskItemError::other_host);
  CHECK(kiosk_open_link(kiosk_seal_link("https://clinic.example:8443/v/x#y", keys.public_key), keys,
                        link.visit_id, link.host)
            .error() == KioskItemError::bad_link);
  CHECK(kiosk_open_link(std::span(sealed).first(kSealOverheadBytes), keys, link.visit_id, link.host).error() ==
        KioskItemError::does_not_open);
}
