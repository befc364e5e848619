// The keep-alive's counting of sweeps (keep_alive.hpp), with no clock at all:
// the sweeps are the time. The real sockets: signaling_session_test.cpp.
#include "gateway/keep_alive.hpp"

#include <catch2/catch.hpp>

#include <vector>

using tessera::gateway::KeepAlive;
using tessera::gateway::KeepAliveStep;

namespace {
std::vector<KeepAliveStep> sweeps(KeepAlive& k, int n) {
  std::vector<KeepAliveStep> steps;
  for (int i = 0; i < n; ++i) steps.push_back(k.sweep());
  return steps;
}
}  // namespace

TEST_CASE("a silent connection is pinged at the second sweep and dropped at the fourth", "[gateway][keep_alive]") {
  KeepAlive k;
  CHECK(sweeps(k, 4) == std::vector{KeepAliveStep::nothing, KeepAliveStep::ping, KeepAliveStep::nothing,
                                    KeepAliveStep::drop});
  CHECK(k.sweep() == KeepAliveStep::drop);  // still silent: still to be dropped
}

TEST_CASE("anything heard between sweeps starts the silence again", "[gateway][keep_alive]") {
  KeepAlive k;
  CHECK(sweeps(k, 3) == std::vector{KeepAliveStep::nothing, KeepAliveStep::ping, KeepAliveStep::nothing});
  k.heard();  // the pong
  CHECK(k.sweep() == KeepAliveStep::nothing);
  CHECK(sweeps(k, 2) == std::vector{KeepAliveStep::nothing, KeepAliveStep::ping});
  k.heard();
  k.heard();  // heard twice between two sweeps counts once
  CHECK(sweeps(k, 4) == std::vector{KeepAliveStep::nothing, KeepAliveStep::nothing, KeepAliveStep::ping,
                                    KeepAliveStep::nothing});
}

TEST_CASE("a connection heard before every sweep is never pinged", "[gateway][keep_alive]") {
  KeepAlive k;
  for (int i = 0; i < 100; ++i) {
    k.heard();
    REQUIRE(k.sweep() == KeepAliveStep::nothing);
  }
}
