#include <catch2/catch.hpp>

#include "wasm/connection_quality.hpp"

using tessera::client::ConnectionQuality;
using tessera::client::transport_sample_parse;
using tessera::client::TransportSample;
using Level = ConnectionQuality::Level;

TEST_CASE("the connection indicator judges each interval by round-trip time and loss", "[quality]") {
  struct Row {
    double rtt;
    std::uint64_t got, lost;  // in the interval
    Level level;
  };
  const Row rows[] = {
      {0.020, 1000, 0, Level::good},   {0.149, 1000, 19, Level::good}, {0.150, 1000, 0, Level::fair},
      {0.050, 980, 20, Level::fair},   {0.399, 930, 70, Level::fair},  {0.400, 1000, 0, Level::poor},
      {0.050, 900, 100, Level::poor},
  };
  for (const Row& row : rows) {
    CAPTURE(row.rtt, row.got, row.lost);
    ConnectionQuality q;
    q.add({row.rtt, 5000, 50, false});
    CHECK(q.level() == Level::unknown);  // one sample: no interval yet
    q.add({row.rtt, 5000 + row.got, 50 + row.lost, false});
    CHECK(q.level() == row.level);
  }
}

TEST_CASE("the connection indicator says when the call goes through a relay", "[quality]") {
  ConnectionQuality q;
  CHECK(std::string(q.words()) == "Checking the connection...");
  q.add({0.01, 100, 0, true});
  q.add({0.01, 200, 0, true});
  CHECK(q.relayed());
  CHECK(std::string(q.words()) == "Connection: good (through a relay server).");
  q.add({0.01, 300, 0, false});
  CHECK(std::string(q.words()) == "Connection: good (direct).");
}

TEST_CASE("counters that go back start a new interval instead of a bogus loss", "[quality]") {
  ConnectionQuality q;
  q.add({0.01, 1000, 0, false});
  q.add({0.01, 2000, 0, false});
  REQUIRE(q.level() == Level::good);
  q.add({0.01, 10, 500, false});  // a new connection (ICE restart)
  CHECK(q.level() == Level::good);
  q.add({-1, 20, 500, false});    // no round-trip time: not known
  CHECK(q.level() == Level::unknown);
}

TEST_CASE("a transport sample parses from the bridge's JSON and nothing else", "[quality]") {
  const auto s = transport_sample_parse(R"({"rtt":0.031,"received":1200,"lost":3,"relayed":true})");
  REQUIRE(s);
  CHECK(s->rtt_seconds == Approx(0.031));
  CHECK(s->packets_received == 1200);
  CHECK(s->packets_lost == 3);
  CHECK(s->relayed);
  for (const char* bad : {"", "[]", "{", R"({"rtt":0.1,"received":1,"lost":0})",
                          R"({"rtt":"0.1","received":1,"lost":0,"relayed":false})",
                          R"({"rtt":0.1,"received":-1,"lost":0,"relayed":false})"}) {
    CAPTURE(bad);
    CHECK_FALSE(transport_sample_parse(bad));
  }
}
