#include "shared/signaling_relay.hpp"

#include <array>
#include <cstring>

#include "shared/base64url.hpp"
#include "shared/signaling.hpp"

namespace tessera {
namespace {

constexpr std::string_view kEnvelopeMember = "envelope", kTypeMember = "type", kVisitMember = "visit";
constexpr std::string_view kRelayType = "relay";
// The header's bytes rounded up to whole base64 groups: 60 bytes, 80 characters.
constexpr std::size_t kHeadBytes = (kEnvelopeHeaderBytes + 2) / 3 * 3;
constexpr std::size_t kHeadChars = kHeadBytes / 3 * 4;

// Just enough JSON for the common form: whitespace, punctuation, and strings
// taken up to the next quote. A string holding an escape is not refused here:
// its backslash is no base64url character, so the member's check fails and
// the caller falls back to signaling_parse.
class Reader {
 public:
  explicit Reader(std::string_view text) : text_(text) {}

  bool punct(char c) {
    skip_space();
    if (at_ == text_.size() || text_[at_] != c) return false;
    ++at_;
    return true;
  }
  std::optional<std::string_view> string() {
    if (!punct('"')) return std::nullopt;
    const auto end = text_.find('"', at_);
    if (end == std::string_view::npos) return std::nullopt;
    const std::string_view s = text_.substr(at_, end - at_);
    at_ = end + 1;
    return s;
  }
  bool at_end() {
    skip_space();
    return at_ == text_.size();
  }

 private:
  void skip_space() {
    while (at_ < text_.size() && (text_[at_] == ' ' || text_[at_] == '\t' || text_[at_] == '\n' || text_[at_] == '\r'))
      ++at_;
  }

  std::string_view text_;
  std::size_t at_ = 0;
};

}  // namespace

std::optional<SignalingRelay> signaling_parse_relay(std::string_view text) {
  if (text.size() > kSignalingMaxBytes) return std::nullopt;
  Reader r(text);
  std::optional<std::string_view> envelope, type, visit;
  if (!r.punct('{')) return std::nullopt;
  for (int i = 0; i < 3; ++i) {
    if (i > 0 && !r.punct(',')) return std::nullopt;
    const auto name = r.string();
    if (!name || !r.punct(':')) return std::nullopt;
    const auto value = r.string();
    if (!value) return std::nullopt;
    auto* slot = *name == kEnvelopeMember ? &envelope : *name == kTypeMember ? &type : *name == kVisitMember ? &visit
                                                                                                           : nullptr;
    if (!slot || *slot) return std::nullopt;  // another member, or one twice
    *slot = value;
  }
  if (!r.punct('}') || !r.at_end() || *type != kRelayType) return std::nullopt;

  SignalingRelay relay;
  if (!base64url_decode_exact(*visit, relay.visit)) return std::nullopt;
  const auto envelope_bytes = base64url_decoded_size(*envelope);
  if (!envelope_bytes || envelope->size() < kHeadChars) return std::nullopt;
  std::array<std::uint8_t, kHeadBytes> head{};
  if (!base64url_decode_exact(envelope->substr(0, kHeadChars), head)) return std::nullopt;
  auto header = envelope_header_read(ByteSpan(head).first(kEnvelopeHeaderBytes), *envelope_bytes);
  if (!header || header->visit_id != relay.visit) return std::nullopt;
  relay.header = *header;
  relay.envelope = *envelope;
  return relay;
}

std::string signaling_serialize_relay(const VisitId& visit, std::string_view envelope) {
  constexpr std::string_view kOpen = R"({"envelope":")", kMiddle = R"(","type":"relay","visit":")", kClose = R"("})";
  constexpr std::size_t kVisitChars = base64url_encoded_size(kVisitIdBytes);
  std::string text(kOpen.size() + envelope.size() + kMiddle.size() + kVisitChars + kClose.size(), '\0');
  char* at = text.data();
  const auto put = [&at](std::string_view s) {
    std::memcpy(at, s.data(), s.size());
    at += s.size();
  };
  put(kOpen);
  put(envelope);
  put(kMiddle);
  base64url_encode_to(visit, std::span<char>(at, kVisitChars));
  at += kVisitChars;
  put(kClose);
  return text;
}

}  // namespace tessera
