#pragma once
// A live share's sealed content on its data channel (docs/PROTOCOL.md §13.4):
// the provider's tab sends the very bytes share_seal made (what a parked
// share stores), cut to fit a data channel's messages, and the opener's page
// puts them back together before share_open. The channel (label
// "tessera-share", reliable and ordered) carries:
//
//   first message = version 0x01 ‖ total length (u32 BE)      5 bytes
//   then          = the sealed bytes in order, 1 .. kShareChunkBytes per message
//
// The receiver refuses a first message of another size or version, a total
// outside [kShareSealedMinBytes, kShareSealedMaxBytes], an empty or too long
// message, and any byte past the total. The content's own authentication
// (§13.1) catches everything else: these frames add no secret and no MAC.
// Pure logic, no I/O: the sender is asked for frames while the channel's
// bufferedAmount is below kShareHighWaterBytes.
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "shared/result.hpp"
#include "shared/share_content.hpp"

namespace tessera {

inline constexpr std::uint8_t kShareDeliveryVersion = 0x01;
inline constexpr std::size_t kShareDeliveryHeaderBytes = 1 + 4;
inline constexpr std::size_t kShareChunkBytes = 64 * 1024;            // one message, whatever the browser
inline constexpr std::size_t kShareHighWaterBytes = std::size_t{1} << 20;  // RTCDataChannel.bufferedAmount
inline constexpr std::size_t kShareLowWaterBytes = 256 << 10;             // bufferedAmountLowThreshold

enum class ShareDeliveryError {
  bad_header,   // the first message is not 5 bytes
  bad_version,  // its version byte is not kShareDeliveryVersion
  bad_length,   // its total is outside the sealed content's limits
  bad_chunk,    // an empty message, or one longer than kShareChunkBytes
  too_long,     // bytes past the total
};
[[nodiscard]] const char* share_delivery_error_name(ShareDeliveryError e);

// The provider's side. `sealed` (share_seal's output, at most
// kShareSealedMaxBytes) must outlive the sender.
class ShareSender {
 public:
  explicit ShareSender(std::span<const std::uint8_t> sealed);

  // The next message to send, while `buffered` (the channel's bufferedAmount)
  // is below kShareHighWaterBytes; nothing once every byte went. The span
  // lives until the next call.
  [[nodiscard]] std::optional<std::span<const std::uint8_t>> poll_frame(std::size_t buffered);
  [[nodiscard]] bool done() const { return header_sent_ && at_ == sealed_.size(); }

 private:
  std::span<const std::uint8_t> sealed_;
  std::array<std::uint8_t, kShareDeliveryHeaderBytes> header_{};
  bool header_sent_ = false;
  std::size_t at_ = 0;
};

// The opener's side: each message as it arrives. After an error or the
// whole content, it takes nothing more (an error again for any message).
class ShareReceiver {
 public:
  [[nodiscard]] Status<ShareDeliveryError> handle_frame(std::span<const std::uint8_t> bytes);
  // The sealed content, once every byte arrived.
  [[nodiscard]] bool complete() const { return total_ && sealed_.size() == *total_; }
  [[nodiscard]] std::span<const std::uint8_t> sealed() const { return sealed_; }
  // How much arrived, of how much (0 before the first message): for progress.
  [[nodiscard]] std::size_t received() const { return sealed_.size(); }
  [[nodiscard]] std::size_t total() const { return total_.value_or(0); }

 private:
  std::optional<std::size_t> total_;
  std::vector<std::uint8_t> sealed_;
  bool failed_ = false;
};

}  // namespace tessera
