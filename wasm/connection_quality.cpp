#include "wasm/connection_quality.hpp"

#include <nlohmann/json.hpp>

namespace tessera::client {

std::optional<TransportSample> transport_sample_parse(std::string_view json) {
  const auto j = nlohmann::json::parse(json, nullptr, false);
  if (!j.is_object()) return std::nullopt;
  const auto number = [&](const char* name) -> std::optional<double> {
    if (!j.contains(name) || !j[name].is_number()) return std::nullopt;
    return j[name].get<double>();
  };
  const auto rtt = number("rtt"), received = number("received"), lost = number("lost");
  if (!rtt || !received || !lost || !j.contains("relayed") || !j["relayed"].is_boolean()) return std::nullopt;
  if (*received < 0 || *lost < 0) return std::nullopt;
  TransportSample s;
  s.rtt_seconds = *rtt;
  s.packets_received = static_cast<std::uint64_t>(*received);
  s.packets_lost = static_cast<std::uint64_t>(*lost);
  s.relayed = j["relayed"].get<bool>();
  return s;
}

void ConnectionQuality::add(const TransportSample& s) {
  relayed_ = s.relayed;
  // Counters only grow on one connection; if they went back, it is a new one.
  const bool continues = have_previous_ && s.packets_received >= received_ && s.packets_lost >= lost_;
  const std::uint64_t got = continues ? s.packets_received - received_ : 0;
  const std::uint64_t lost = continues ? s.packets_lost - lost_ : 0;
  have_previous_ = true;
  received_ = s.packets_received;
  lost_ = s.packets_lost;
  if (s.rtt_seconds < 0 || !continues || got + lost == 0) {
    if (s.rtt_seconds < 0) level_ = Level::unknown;
    return;
  }
  const double loss = static_cast<double>(lost) / static_cast<double>(got + lost);
  if (s.rtt_seconds < kGoodRttSeconds && loss < kGoodLoss) {
    level_ = Level::good;
  } else if (s.rtt_seconds < kFairRttSeconds && loss < kFairLoss) {
    level_ = Level::fair;
  } else {
    level_ = Level::poor;
  }
}

const char* ConnectionQuality::words() const {
  switch (level_) {
    case Level::unknown: return "Checking the connection...";
    case Level::good:
      return relayed_ ? "Connection: good (through a relay server)." : "Connection: good (direct).";
    case Level::fair:
      return relayed_ ? "Connection: fair (through a relay server). The picture may be less sharp."
                      : "Connection: fair. The picture may be less sharp.";
    case Level::poor:
      return "Connection: poor. The picture may freeze. Moving closer to your Wi-Fi, or closing other apps, "
             "may help.";
  }
  return "";
}

}  // namespace tessera::client
