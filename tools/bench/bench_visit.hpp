#pragma once
// One visit as the relay benchmark plays it (issue 9, item 8): a provider and
// a guest with real keys from shared/ — the provider's visit keys and link, the
// guest's GuestHello sealed to them, the provider's signed ProviderAccept — and
// the signaling texts of docs/PROTOCOL.md §11 that set up its room: provider
// hello, guest hello and join, admit.
//
// Relays carry one real sealed envelope per direction (envelope_seal with the
// session's signal key, body of the asked size, so a real header and a real
// padded size). For each send the bench then writes the send time into the
// header's seq field: what the relay routes on stays genuine, latency needs
// no table, and the only thing broken is the AEAD tag, which no relay checks
// (a browser would refuse the envelope).
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "shared/protocol.hpp"

namespace tessera::bench {

enum class Side { provider, guest };

class BenchVisit {
 public:
  // Fresh random keys and sessions; body_bytes: the sealed body's length (before padding).
  explicit BenchVisit(std::size_t body_bytes);

  [[nodiscard]] const VisitId& visit() const { return visit_; }
  [[nodiscard]] const SessionId& session(Side side) const { return side == Side::provider ? provider_ : guest_; }

  // Signaling texts, client -> gateway.
  [[nodiscard]] const std::string& provider_hello() const { return provider_hello_; }
  [[nodiscard]] const std::string& guest_hello() const { return guest_hello_; }
  [[nodiscard]] const std::string& guest_join() const { return guest_join_; }
  [[nodiscard]] const std::string& provider_admit() const { return provider_admit_; }

  // A relay message from `from` to the other side, its header's seq set to stamp.
  [[nodiscard]] std::string relay(Side from, std::uint64_t stamp) const;
  [[nodiscard]] std::size_t envelope_bytes() const { return envelope_bytes_; }
  [[nodiscard]] std::size_t relay_text_bytes() const { return relay_[0].text.size(); }

 private:
  struct Frame {
    std::string text;         // {"envelope":"…","type":"relay","visit":"…"}
    std::size_t envelope_at;  // where the envelope's base64url starts in text
    std::array<std::uint8_t, 60> head{};  // the envelope's first 60 bytes: header + 2, a whole number of b64 groups
  };

  VisitId visit_{};
  SessionId provider_{};
  SessionId guest_{};
  std::string provider_hello_, guest_hello_, guest_join_, provider_admit_;
  std::array<Frame, 2> relay_;  // indexed by Side
  std::size_t envelope_bytes_ = 0;
};

// What the bench reads from a relayed text without parsing all of it (a full
// signaling_parse per message would make the generator the bottleneck).
struct RelayedHeader {
  VisitId visit{};
  SessionId sender{};
  SessionId recipient{};
  std::uint64_t seq = 0;
};
// nullopt unless text is a relay message whose envelope header reads.
[[nodiscard]] std::optional<RelayedHeader> read_relayed_header(std::string_view text);

}  // namespace tessera::bench
