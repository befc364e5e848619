// TURN REST credentials: the form coturn checks with use-auth-secret.
#include "gateway/turn_credentials.hpp"

#include <catch2/catch.hpp>

using namespace tessera;
using namespace tessera::gateway;
using namespace std::chrono_literals;

TEST_CASE("a TURN grant has username expiry:id and the base64 HMAC-SHA1 of it as credential", "[gateway][turn]") {
  TurnConfig config{"north-wind-secret", {"turn:turn.example:3478", "turns:turn.example:5349"}, 6h};
  REQUIRE(config.enabled());
  const TurnGrant grant = turn_grant(config, 1700000000, "0a1b2c");
  CHECK(grant.username == "1700021600:0a1b2c");
  // Known answer from an independent implementation (Python's hmac module):
  // base64(HMAC-SHA1(b"north-wind-secret", b"1700021600:0a1b2c")).
  CHECK(grant.credential == "CSq2QXxanhYDsK8zxVcCs6/Pfd8=");
  CHECK(grant.urls == "turn:turn.example:3478 turns:turn.example:5349");
  CHECK(turn_grant_valid(grant));  // what the client's parser will accept
}

TEST_CASE("TURN grants expire after the configured lifetime and differ per id", "[gateway][turn]") {
  TurnConfig config{"0123456789abcdef", {"turn:t.example"}, 10min};
  const TurnGrant a = turn_grant(config, 1000, "a");
  const TurnGrant b = turn_grant(config, 1000, "b");
  CHECK(a.username == "1600:a");
  CHECK(a.credential != b.credential);
  CHECK(a.credential.size() == 28);  // 20 bytes of SHA-1, base64 with padding
}

TEST_CASE("TURN is off without a secret or without URLs", "[gateway][turn]") {
  CHECK_FALSE(TurnConfig{}.enabled());
  CHECK_FALSE((TurnConfig{"0123456789abcdef", {}, 1h}.enabled()));
  CHECK_FALSE((TurnConfig{"", {"turn:t.example"}, 1h}.enabled()));
}
