#pragma once
// One file between the two browsers, each side as pure logic fed bytes and
// the time (docs/PROTOCOL.md §10): FileUpload reads, seals and sends the
// chunks of a file this page offered; FileDownload opens the chunks of a file
// this page accepted and says what to write and what to acknowledge. The
// caller owns the data channel, the file and the download (wasm/visit_chat_driver,
// or anything else that moves sealed chunks: the bytes never depend on the path).
//
// Memory stays bounded by a window, whatever the file's size: an upload has
// at most kFileWindowChunks chunks sent but not acknowledged (the receiver
// acknowledges chunks only once they are written, so its writes in flight
// are bounded too), and at most kFileReadsInFlight reads of the file
// outstanding. The window is wide enough that acknowledgements, a write
// away on a busy machine, never leave the channel idle.
//
// The file moves in blocks of kFileBlockChunks chunks: one read of the file
// per block on the sender, one write to the download (and one ack) per block
// on the receiver. Each read, write and ack costs the browser a round trip
// to another process, much more than sealing or opening 64 KiB: per chunk,
// those round trips, not the crypto, set the speed.
//
// Resuming: after the data channel broke, the upload starts again at the
// last acknowledged chunk (its bytes are identical, under the same nonce),
// and the download, told of the new channel, drops authentic chunks it
// already holds until the next one it expects arrives. Outside such a
// resync a duplicated, dropped, reordered or forged chunk fails the
// download: the caller reports it and cancels.
#include <cstdint>
#include <optional>
#include <vector>

#include "shared/file_stream.hpp"
#include "wasm/visit/visit_types.hpp"

namespace tessera::client {

inline constexpr std::uint32_t kFileWindowChunks = 256;      // 16 MiB of 64512-byte chunks
inline constexpr std::uint32_t kFileBlockChunks = 16;        // ~1 MiB a read and a write
inline constexpr std::uint32_t kFileReadsInFlight = 4;
// Sealed chunks kept ready beside the channel's own buffer: enough that a
// drained channel finds its next megabyte waiting while the reads catch up.
inline constexpr std::uint32_t kFileSealedAhead = 2 * kFileBlockChunks;
inline constexpr std::size_t kFileHighWaterBytes = 1 << 20;  // RTCDataChannel.bufferedAmount
inline constexpr std::size_t kFileLowWaterBytes = 256 << 10; // bufferedAmountLowThreshold

// Bytes done over time: the speed over the last few seconds and the time left.
class TransferRate {
 public:
  void add(std::uint64_t done, VisitTime now);
  [[nodiscard]] double bytes_per_second() const { return rate_; }
  // Whole seconds left for total bytes at the current speed; nullopt while unknown.
  [[nodiscard]] std::optional<std::uint64_t> seconds_left(std::uint64_t done, std::uint64_t total) const;

 private:
  std::optional<VisitTime> since_;
  std::uint64_t since_done_ = 0;
  double rate_ = 0;
};

// A read of the file: bytes [offset, offset + length) become chunks
// [index, index + count), at most a block.
struct ChunkRead {
  std::uint32_t index = 0;
  std::uint32_t count = 0;
  std::uint64_t offset = 0;
  std::uint32_t length = 0;
  std::uint32_t round = 0;  // the channel's round: a read from before a break is dropped
};

class FileUpload {
 public:
  explicit FileUpload(FileDescription description) : d_(std::move(description)) {}

  [[nodiscard]] const FileDescription& description() const { return d_; }
  // The receiver accepted (an ack): send from its next index.
  void start(std::uint32_t next_index);
  [[nodiscard]] bool sending() const { return sending_; }
  // The next read the window allows, if any; the caller reads it from the file.
  [[nodiscard]] std::optional<ChunkRead> next_read();
  // The bytes of a read: its sealed frames, in order, to send; none when the
  // read belongs to a broken channel's round (resumption reads it again).
  [[nodiscard]] std::vector<std::vector<std::uint8_t>> on_read(const ChunkRead& read, ByteSpan bytes);
  // A read failed (the file changed or went away): the upload cannot go on.
  void on_read_failed(const ChunkRead& read);
  // The receiver holds chunks [0, next_index). True if that is new.
  bool on_ack(std::uint32_t next_index, VisitTime now);
  // The data channel broke: stop; on its return start again at the last ack.
  void on_channel_closed();
  void on_channel_open();

  [[nodiscard]] bool complete() const { return acked_ == file_chunk_count(d_); }
  [[nodiscard]] std::uint64_t bytes_acked() const;
  [[nodiscard]] const TransferRate& rate() const { return rate_; }
  [[nodiscard]] std::uint32_t chunks_sent() const { return chunks_sent_; }

 private:
  FileDescription d_;
  bool sending_ = false;
  bool channel_open_ = true;
  std::uint32_t next_ = 0;   // the next index to read
  std::uint32_t sent_ = 0;   // the highest next_ reached: acks never go past it
  std::uint32_t acked_ = 0;  // the receiver holds [0, acked_)
  std::uint32_t reads_ = 0;  // reads of this round outstanding
  std::uint32_t round_ = 0;
  std::uint32_t chunks_sent_ = 0;
  TransferRate rate_;
};

// What a chunk frame means for a download.
struct ChunkOutcome {
  enum class Kind { write, held, skipped, failed };
  Kind kind = Kind::failed;
  SecretBuffer bytes;          // write: a block's plaintext, in order
  FileError error{};           // failed
  bool last = false;           // write: the final block
};

class FileDownload {
 public:
  explicit FileDownload(FileDescription description) : r_(file_receiver(std::move(description))) {}

  [[nodiscard]] const FileDescription& description() const { return r_.description; }
  // A chunk opened is held until its block is whole (or the file ends):
  // then the block is the write.
  [[nodiscard]] ChunkOutcome on_frame(ByteSpan frame);
  // The next block is written: the ack to send (next index).
  [[nodiscard]] FileAck on_written(VisitTime now);
  // The peer's data channel came back: chunks already held may come again.
  void on_channel_reopened() { resync_ = true; }

  [[nodiscard]] bool complete() const { return written_ == file_chunk_count(r_.description); }
  [[nodiscard]] std::uint64_t bytes_written() const { return bytes_written_; }
  [[nodiscard]] const TransferRate& rate() const { return rate_; }
  // The ack for what is written so far (acceptance: next index 0).
  [[nodiscard]] FileAck ack() const { return {r_.description.id, written_}; }

 private:
  FileReceiver r_;
  SecretBuffer block_;             // the block being gathered
  std::size_t block_filled_ = 0;
  std::uint32_t written_ = 0;
  std::uint64_t bytes_written_ = 0;
  bool resync_ = false;
  TransferRate rate_;
};

}  // namespace tessera::client
