#include "shared/share_delivery.hpp"

#include <algorithm>
#include <cassert>

namespace tessera {

const char* share_delivery_error_name(ShareDeliveryError e) {
  switch (e) {
    case ShareDeliveryError::bad_header: return "bad_header";
    case ShareDeliveryError::bad_version: return "bad_version";
    case ShareDeliveryError::bad_length: return "bad_length";
    case ShareDeliveryError::bad_chunk: return "bad_chunk";
    case ShareDeliveryError::too_long: return "too_long";
  }
  return "unknown";
}

ShareSender::ShareSender(std::span<const std::uint8_t> sealed) : sealed_(sealed) {
  assert(sealed.size() <= kShareSealedMaxBytes && "a share's sealed content is at most kShareSealedMaxBytes");
  const auto n = static_cast<std::uint32_t>(sealed.size());
  header_ = {kShareDeliveryVersion, static_cast<std::uint8_t>(n >> 24), static_cast<std::uint8_t>(n >> 16),
             static_cast<std::uint8_t>(n >> 8), static_cast<std::uint8_t>(n)};
}

std::optional<std::span<const std::uint8_t>> ShareSender::poll_frame(std::size_t buffered) {
  if (done() || buffered >= kShareHighWaterBytes) return std::nullopt;
  if (!header_sent_) {
    header_sent_ = true;
    return std::span<const std::uint8_t>(header_);
  }
  const std::size_t n = std::min(kShareChunkBytes, sealed_.size() - at_);
  const auto chunk = sealed_.subspan(at_, n);
  at_ += n;
  return chunk;
}

Status<ShareDeliveryError> ShareReceiver::handle_frame(std::span<const std::uint8_t> bytes) {
  // Whatever follows an error or the whole content is refused too.
  const auto refuse = [this](ShareDeliveryError e) {
    failed_ = true;
    return Status<ShareDeliveryError>(e);
  };
  if (failed_ || complete()) return refuse(ShareDeliveryError::too_long);
  if (!total_) {
    if (bytes.size() != kShareDeliveryHeaderBytes) return refuse(ShareDeliveryError::bad_header);
    if (bytes[0] != kShareDeliveryVersion) return refuse(ShareDeliveryError::bad_version);
    const std::size_t length = (std::size_t{bytes[1]} << 24) | (std::size_t{bytes[2]} << 16) |
                               (std::size_t{bytes[3]} << 8) | std::size_t{bytes[4]};
    if (length < kShareSealedMinBytes || length > kShareSealedMaxBytes) return refuse(ShareDeliveryError::bad_length);
    total_ = length;
    sealed_.reserve(length);
    return Unit{};
  }
  if (bytes.empty() || bytes.size() > kShareChunkBytes) return refuse(ShareDeliveryError::bad_chunk);
  if (bytes.size() > *total_ - sealed_.size()) return refuse(ShareDeliveryError::too_long);
  sealed_.insert(sealed_.end(), bytes.begin(), bytes.end());
  return Unit{};
}

}  // namespace tessera
