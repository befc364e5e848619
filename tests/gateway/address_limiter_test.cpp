// AddressLimiter: the per-address connection count as pure logic, no sockets
// (tls_test.cpp checks it on real connections).
#include "gateway/address_limiter.hpp"

#include <catch2/catch.hpp>

#include <vector>

using namespace tessera::gateway;
using boost::asio::ip::make_address;

TEST_CASE("address limiter grants slots up to the limit and refuses the next", "[gateway][limits]") {
  const auto limiter = std::make_shared<AddressLimiter>(3);
  const auto a = make_address("192.0.2.1");
  std::vector<AddressLimiter::Slot> held;
  for (int i = 0; i < 3; ++i) {
    auto slot = limiter->acquire(a);
    REQUIRE(slot);
    held.push_back(std::move(*slot));
  }
  CHECK(limiter->held(a) == 3);
  CHECK_FALSE(limiter->acquire(a));
  CHECK(limiter->held(a) == 3);  // a refusal takes nothing
}

TEST_CASE("address limiter counts each address apart, ipv4 and ipv6 alike", "[gateway][limits]") {
  const auto limiter = std::make_shared<AddressLimiter>(1);
  auto a = limiter->acquire(make_address("192.0.2.1"));
  auto b = limiter->acquire(make_address("192.0.2.2"));
  auto c = limiter->acquire(make_address("2001:db8::1"));
  auto d = limiter->acquire(make_address("2001:db8::2"));  // same /64, another device on the LAN
  CHECK((a && b && c && d));
  CHECK_FALSE(limiter->acquire(make_address("2001:db8::1")));
  CHECK(limiter->addresses() == 4);
}

TEST_CASE("address limiter slot gives its place back when destroyed, once", "[gateway][limits]") {
  const auto limiter = std::make_shared<AddressLimiter>(1);
  const auto a = make_address("192.0.2.1");
  {
    auto slot = limiter->acquire(a);
    REQUIRE(slot);
    // Moving a slot (HTTP session to WebSocket) keeps one place, not two.
    AddressLimiter::Slot moved = std::move(*slot);
    slot.reset();
    CHECK(limiter->held(a) == 1);
    CHECK_FALSE(limiter->acquire(a));
  }
  CHECK(limiter->held(a) == 0);
  CHECK(limiter->addresses() == 0);  // no entry left behind for a gone address
  auto again = limiter->acquire(a);
  CHECK(again);
}

TEST_CASE("address limiter move assignment releases the place it held", "[gateway][limits]") {
  const auto limiter = std::make_shared<AddressLimiter>(1);
  const auto a = make_address("192.0.2.1");
  const auto b = make_address("192.0.2.2");
  auto slot_a = limiter->acquire(a);
  auto slot_b = limiter->acquire(b);
  REQUIRE((slot_a && slot_b));
  *slot_a = std::move(*slot_b);
  CHECK(limiter->held(a) == 0);
  CHECK(limiter->held(b) == 1);
}

TEST_CASE("address limiter default is the named constant", "[gateway][limits]") {
  CHECK(AddressLimiter().max_per_address() == kMaxConnectionsPerAddress);
  CHECK(kMaxConnectionsPerAddress == 32);
}
