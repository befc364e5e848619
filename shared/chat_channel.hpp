#pragma once
// Chat frames on the WebRTC data channel (docs/PROTOCOL.md §9).
//
//   frame = version ‖ seq (u64 BE) ‖ XChaCha20-Poly1305(key = chat key of this
//           direction, nonce = 0^16 ‖ seq, AD = version ‖ seq, pad(kind ‖ body))
//
// The data channel is reliable and ordered, so the receiver takes exactly
// the next sequence number: replays, reordering and gaps (a dropped frame)
// are all rejected. Padding hides lengths up to a power-of-two bucket.
// File offers, acknowledgements and cancellations (file_stream.hpp) travel
// as chat messages of their own kinds, and so do delivery receipts.
#include <cstdint>
#include <vector>

#include "shared/handshake.hpp"
#include "shared/protocol.hpp"
#include "shared/result.hpp"
#include "shared/secret.hpp"

namespace tessera {

enum class ChatKind : std::uint8_t {
  text = 0x01,         // UTF-8 text
  file_offer = 0x02,   // a file description (file_description_encode)
  file_ack = 0x03,     // chunks received so far (file_ack_encode)
  file_cancel = 0x04,  // file id: stop sending / receiving this file
  delivered = 0x05,    // u64 BE: every frame below this seq arrived (text and offers show "delivered")
};

inline constexpr std::size_t kChatHeaderBytes = 1 + 8;
inline constexpr std::size_t kChatMaxBucket = 16384;
inline constexpr std::size_t kChatMaxBody = kChatMaxBucket - 2;  // kind byte + at least one pad byte
inline constexpr std::size_t kChatMinBytes = kChatHeaderBytes + 64 + kAeadTagBytes;
inline constexpr std::size_t kChatMaxBytes = kChatHeaderBytes + kChatMaxBucket + kAeadTagBytes;

enum class ChatError {
  bad_size,       // not header + bucket + tag
  bad_version,    // version byte is not kProtocolVersion
  replayed,       // sequence number below the next expected one
  gap,            // sequence number above it: a frame was lost or reordered
  forged,         // authentication failed: wrong key, other session, any byte changed
  bad_padding,    // authentic but badly padded
  unknown_kind,   // authentic, kind byte not a ChatKind
  bad_text,       // kind text whose body is not UTF-8
  body_too_long,  // (seal) more than kChatMaxBody
  exhausted,      // (seal) sequence numbers used up
};

struct ChatSender {
  Key key;
  std::uint64_t next_seq = 0;
};
struct ChatReceiver {
  Key key;
  std::uint64_t next_seq = 0;
};
[[nodiscard]] ChatSender chat_sender(const SessionKeys& keys);
[[nodiscard]] ChatReceiver chat_receiver(const SessionKeys& keys);

[[nodiscard]] Result<std::vector<std::uint8_t>, ChatError> chat_seal(ChatSender& sender, ChatKind kind,
                                                                     ByteSpan body);

struct ChatMessage {
  ChatKind kind = ChatKind::text;
  SecretBuffer body;
};
// What a receiver does with an authentic frame above the next expected seq.
// refuse: `gap`, the strict rule of §9. skip: take it and jump past the frames
// that never arrived (a sender keeps a bounded number of frames to send again
// after a reopen, so a long break can lose some for good); a frame that is
// not authentic at its seq is still `forged`, and the receiver does not move.
// How many it skipped shows in how far next_seq moved (an authentic frame
// with bad content is consumed too).
enum class ChatGaps { refuse, skip };
// The receiver advances only on success.
[[nodiscard]] Result<ChatMessage, ChatError> chat_open(ChatReceiver& receiver, ByteSpan frame,
                                                       ChatGaps gaps = ChatGaps::refuse);

// Whether a frame chat_open refused as `replayed` is one this receiver
// already took, sent again (after a data channel reopened, the sender
// re-sends what it holds unconfirmed): authentic under this direction's key
// at its seq. Such a frame is harmless and is dropped quietly; a frame with
// any byte changed is not one (false). The receiver does not change.
[[nodiscard]] bool chat_already_taken(const ChatReceiver& receiver, ByteSpan frame);

[[nodiscard]] const char* chat_error_name(ChatError e);

}  // namespace tessera
