#include "shared/chat_channel.hpp"

#include <cstring>
#include <string_view>

#include "shared/padding.hpp"
#include "shared/text.hpp"

namespace tessera {
namespace {

// Opens frame m (of sequence number seq) into plain (its padded size): false if not authentic.
bool open_sealed(const Key& key, std::uint64_t seq, ByteSpan m, SecretBuffer& plain) {
  const auto nonce = counter_nonce(seq);
  return crypto_aead_xchacha20poly1305_ietf_decrypt(plain.data(), nullptr, nullptr, m.data() + kChatHeaderBytes,
                                                    m.size() - kChatHeaderBytes, m.data(), kChatHeaderBytes,
                                                    nonce.data(), key.data()) == 0;
}

}  // namespace

ChatSender chat_sender(const SessionKeys& keys) { return ChatSender{keys.chat_send.clone(), 0}; }
ChatReceiver chat_receiver(const SessionKeys& keys) { return ChatReceiver{keys.chat_recv.clone(), 0}; }

Result<std::vector<std::uint8_t>, ChatError> chat_seal(ChatSender& s, ChatKind kind, ByteSpan body) {
  if (body.size() > kChatMaxBody) return ChatError::body_too_long;
  if (kind == ChatKind::text && !text_is_utf8(std::string_view(reinterpret_cast<const char*>(body.data()), body.size())))
    return ChatError::bad_text;
  if (s.next_seq == UINT64_MAX) return ChatError::exhausted;
  const std::size_t padded = *pad_size(1 + body.size(), kChatMaxBucket);
  const std::uint64_t seq = s.next_seq;

  std::vector<std::uint8_t> out(kChatHeaderBytes + padded + kAeadTagBytes);
  out[0] = kProtocolVersion;
  store_be64(&out[1], seq);
  std::uint8_t* text = out.data() + kChatHeaderBytes;
  text[0] = static_cast<std::uint8_t>(kind);
  if (!body.empty()) std::memcpy(text + 1, body.data(), body.size());
  pad_fill(std::span<std::uint8_t>(text, padded), 1 + body.size());
  const auto nonce = counter_nonce(seq);
  crypto_aead_xchacha20poly1305_ietf_encrypt(text, nullptr, text, padded, out.data(), kChatHeaderBytes, nullptr,
                                             nonce.data(), s.key.data());
  s.next_seq = seq + 1;
  return out;
}

Result<ChatMessage, ChatError> chat_open(ChatReceiver& r, ByteSpan m, ChatGaps gaps) {
  if (m.size() < kChatMinBytes || m.size() > kChatMaxBytes) return ChatError::bad_size;
  const std::size_t padded = m.size() - kChatHeaderBytes - kAeadTagBytes;
  if (!pad_size(padded - 1, kChatMaxBucket) || *pad_size(padded - 1, kChatMaxBucket) != padded)
    return ChatError::bad_size;  // not a bucket size
  if (m[0] != kProtocolVersion) return ChatError::bad_version;
  const std::uint64_t seq = load_be64(&m[1]);
  if (seq < r.next_seq) return ChatError::replayed;
  if (seq > r.next_seq && gaps == ChatGaps::refuse) return ChatError::gap;

  SecretBuffer plain(padded);
  if (!open_sealed(r.key, seq, m, plain)) return ChatError::forged;
  const auto content = pad_content_size(plain.span(), kChatMaxBucket);
  if (!content || *content == 0) return ChatError::bad_padding;
  // Authentic: the frame is consumed whatever its content, so it cannot be replayed.
  r.next_seq = seq + 1;
  const std::uint8_t kind = plain.data()[0];
  if (kind < 0x01 || kind > static_cast<std::uint8_t>(ChatKind::delivered)) return ChatError::unknown_kind;
  SecretBuffer body(ByteSpan(plain.data() + 1, *content - 1));
  if (kind == static_cast<std::uint8_t>(ChatKind::text) && !text_is_utf8(body.text())) return ChatError::bad_text;
  return ChatMessage{static_cast<ChatKind>(kind), std::move(body)};
}

bool chat_already_taken(const ChatReceiver& r, ByteSpan m) {
  if (m.size() < kChatMinBytes || m.size() > kChatMaxBytes || m[0] != kProtocolVersion) return false;
  const std::uint64_t seq = load_be64(&m[1]);
  if (seq >= r.next_seq) return false;
  SecretBuffer plain(m.size() - kChatHeaderBytes - kAeadTagBytes);  // opened only to check it, then wiped
  return open_sealed(r.key, seq, m, plain);
}

const char* chat_error_name(ChatError e) {
  switch (e) {
    case ChatError::bad_size: return "bad_size";
    case ChatError::bad_version: return "bad_version";
    case ChatError::replayed: return "replayed";
    case ChatError::gap: return "gap";
    case ChatError::forged: return "forged";
    case ChatError::bad_padding: return "bad_padding";
    case ChatError::unknown_kind: return "unknown_kind";
    case ChatError::bad_text: return "bad_text";
    case ChatError::body_too_long: return "body_too_long";
    case ChatError::exhausted: return "exhausted";
  }
  return "unknown";
}

}  // namespace tessera
