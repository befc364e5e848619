#include "shared/envelope.hpp"

#include <algorithm>
#include <cstring>

#include "shared/padding.hpp"

namespace tessera {
namespace {

namespace at {
constexpr std::size_t version = 0, visit = 1, sender = 17, recipient = 33, type = 49, seq = 50;
}
static_assert(at::seq + 8 == kEnvelopeHeaderBytes);

bool is_bucket_ciphertext(std::size_t n) {
  if (n < kAeadTagBytes) return false;
  const std::size_t padded = n - kAeadTagBytes;
  for (std::size_t b = kPadMinBucket; b <= kEnvelopeMaxBucket; b *= 2)
    if (b == padded) return true;
  return false;
}

}  // namespace

Result<EnvelopeHeader, EnvelopeError> envelope_header_parse(ByteSpan m) {
  return envelope_header_read(m.first(std::min(m.size(), kEnvelopeHeaderBytes)), m.size());
}

Result<EnvelopeHeader, EnvelopeError> envelope_header_read(ByteSpan m, std::size_t envelope_bytes) {
  if (envelope_bytes < kEnvelopeMinBytes || envelope_bytes > kEnvelopeMaxBytes ||
      !is_bucket_ciphertext(envelope_bytes - kEnvelopeHeaderBytes) || m.size() < kEnvelopeHeaderBytes)
    return EnvelopeError::bad_size;
  if (m[at::version] != kProtocolVersion) return EnvelopeError::bad_version;
  const std::uint8_t type = m[at::type];
  if (type < kMessageTypeFirst || type > kMessageTypeLast) return EnvelopeError::unknown_type;
  EnvelopeHeader h;
  std::memcpy(h.visit_id.data(), &m[at::visit], kVisitIdBytes);
  std::memcpy(h.sender.data(), &m[at::sender], kSessionIdBytes);
  std::memcpy(h.recipient.data(), &m[at::recipient], kSessionIdBytes);
  h.type = static_cast<MessageType>(type);
  h.seq = load_be64(&m[at::seq]);
  return h;
}

EnvelopeSender envelope_sender(const SessionKeys& keys) {
  return EnvelopeSender{keys.visit_id, keys.self_session, keys.peer_session, keys.signal_send.clone(), 0};
}

EnvelopeReceiver envelope_receiver(const SessionKeys& keys) {
  return EnvelopeReceiver{keys.visit_id, keys.self_session, keys.peer_session, keys.signal_recv.clone()};
}

Result<std::vector<std::uint8_t>, EnvelopeError> envelope_seal(EnvelopeSender& s, MessageType type, ByteSpan body) {
  const auto padded = pad_size(body.size(), kEnvelopeMaxBucket);
  if (!padded) return EnvelopeError::body_too_long;
  if (s.next_seq == UINT64_MAX) return EnvelopeError::exhausted;
  const std::uint64_t seq = s.next_seq;

  std::vector<std::uint8_t> out(kEnvelopeHeaderBytes + *padded + kAeadTagBytes);
  out[at::version] = kProtocolVersion;
  std::memcpy(&out[at::visit], s.visit_id.data(), kVisitIdBytes);
  std::memcpy(&out[at::sender], s.self.data(), kSessionIdBytes);
  std::memcpy(&out[at::recipient], s.peer.data(), kSessionIdBytes);
  out[at::type] = static_cast<std::uint8_t>(type);
  store_be64(&out[at::seq], seq);

  // Padded in place in the output buffer, then encrypted in place.
  std::uint8_t* text = out.data() + kEnvelopeHeaderBytes;
  if (!body.empty()) std::memcpy(text, body.data(), body.size());  // empty spans may be null
  pad_fill(std::span<std::uint8_t>(text, *padded), body.size());
  const auto nonce = counter_nonce(seq);
  crypto_aead_xchacha20poly1305_ietf_encrypt(text, nullptr, text, *padded, out.data(), kEnvelopeHeaderBytes,
                                             nullptr, nonce.data(), s.key.data());
  s.next_seq = seq + 1;
  return out;
}

Result<OpenedEnvelope, EnvelopeError> envelope_open(EnvelopeReceiver& r, ByteSpan m, TypeSet allowed) {
  auto header = envelope_header_parse(m);
  if (!header) return header.error();
  const EnvelopeHeader& h = *header;
  if (h.visit_id != r.visit_id) return EnvelopeError::wrong_visit;
  if (h.sender != r.peer) return EnvelopeError::wrong_sender;
  if (h.recipient != r.self) return EnvelopeError::wrong_recipient;
  if (!(allowed & type_set({h.type}))) return EnvelopeError::unexpected_type;

  std::uint64_t behind = 0;
  if (r.any && h.seq <= r.highest) {
    behind = r.highest - h.seq;
    if (behind >= kEnvelopeWindow) return EnvelopeError::too_old;
    if (r.seen & (std::uint64_t{1} << behind)) return EnvelopeError::replayed;
  }

  const ByteSpan ciphertext = m.subspan(kEnvelopeHeaderBytes);
  SecretBuffer plain(ciphertext.size() - kAeadTagBytes);
  const auto nonce = counter_nonce(h.seq);
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(plain.data(), nullptr, nullptr, ciphertext.data(),
                                                 ciphertext.size(), m.data(), kEnvelopeHeaderBytes, nonce.data(),
                                                 r.key.data()) != 0)
    return EnvelopeError::forged;
  const auto content = pad_content_size(plain.span(), kEnvelopeMaxBucket);
  if (!content) return EnvelopeError::bad_padding;
  plain.truncate(*content);

  // Authentic: only now move the window.
  if (!r.any) {
    r.any = true;
    r.highest = h.seq;
    r.seen = 1;
  } else if (h.seq > r.highest) {
    const std::uint64_t shift = h.seq - r.highest;
    r.seen = shift >= kEnvelopeWindow ? 0 : r.seen << shift;
    r.seen |= 1;
    r.highest = h.seq;
  } else {
    r.seen |= std::uint64_t{1} << behind;
  }
  return OpenedEnvelope{h.type, h.seq, std::move(plain)};
}

const char* envelope_error_name(EnvelopeError e) {
  switch (e) {
    case EnvelopeError::bad_size: return "bad_size";
    case EnvelopeError::bad_version: return "bad_version";
    case EnvelopeError::unknown_type: return "unknown_type";
    case EnvelopeError::wrong_visit: return "wrong_visit";
    case EnvelopeError::wrong_sender: return "wrong_sender";
    case EnvelopeError::wrong_recipient: return "wrong_recipient";
    case EnvelopeError::unexpected_type: return "unexpected_type";
    case EnvelopeError::replayed: return "replayed";
    case EnvelopeError::too_old: return "too_old";
    case EnvelopeError::forged: return "forged";
    case EnvelopeError::bad_padding: return "bad_padding";
    case EnvelopeError::body_too_long: return "body_too_long";
    case EnvelopeError::exhausted: return "exhausted";
  }
  return "unknown";
}

}  // namespace tessera
