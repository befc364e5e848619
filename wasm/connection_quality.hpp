#pragma once
// The connection indicator: samples of the call's transport from getStats()
// (round-trip time of the selected candidate pair, packets received and
// lost, whether our side goes through a TURN relay) turned into words a
// patient understands. Pure: the bridge feeds samples, the screen reads words.
#include <cstdint>
#include <optional>
#include <string_view>

namespace tessera::client {

struct TransportSample {
  double rtt_seconds = -1;  // -1: not measured yet
  std::uint64_t packets_received = 0;  // cumulative, all inbound streams
  std::uint64_t packets_lost = 0;      // cumulative, all inbound streams
  bool relayed = false;
};

// From the bridge's JSON {"rtt","received","lost","relayed"}; nullopt if malformed.
[[nodiscard]] std::optional<TransportSample> transport_sample_parse(std::string_view json);

// Thresholds, as people notice them: below the first, talk feels immediate.
inline constexpr double kGoodRttSeconds = 0.15;
inline constexpr double kFairRttSeconds = 0.40;
inline constexpr double kGoodLoss = 0.02;
inline constexpr double kFairLoss = 0.08;

class ConnectionQuality {
 public:
  enum class Level { unknown, good, fair, poor };

  // A new sample; loss is judged over the packets since the previous one.
  void add(const TransportSample& sample);
  void reset() { *this = ConnectionQuality{}; }

  [[nodiscard]] Level level() const { return level_; }
  [[nodiscard]] bool relayed() const { return relayed_; }
  // One sentence for the call screen.
  [[nodiscard]] const char* words() const;

 private:
  Level level_ = Level::unknown;
  bool relayed_ = false;
  bool have_previous_ = false;
  std::uint64_t received_ = 0, lost_ = 0;
};

}  // namespace tessera::client
