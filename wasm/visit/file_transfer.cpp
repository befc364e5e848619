#include "wasm/visit/file_transfer.hpp"

#include <algorithm>
#include <chrono>

namespace tessera::client {
namespace {
// The speed is measured over windows of this length: steady, yet it follows a change within seconds.
constexpr auto kRateWindow = std::chrono::seconds(2);
}  // namespace

// ---------------------------------------------------------------------------
// TransferRate

void TransferRate::add(std::uint64_t done, VisitTime now) {
  if (!since_) {
    since_ = now;
    since_done_ = done;
    return;
  }
  const double seconds = std::chrono::duration<double>(now - *since_).count();
  if (now - *since_ < kRateWindow) {
    if (rate_ == 0 && seconds > 0.25) rate_ = static_cast<double>(done - since_done_) / seconds;  // a first guess
    return;
  }
  rate_ = static_cast<double>(done - since_done_) / seconds;
  since_ = now;
  since_done_ = done;
}

std::optional<std::uint64_t> TransferRate::seconds_left(std::uint64_t done, std::uint64_t total) const {
  if (rate_ <= 0 || done > total) return std::nullopt;
  return static_cast<std::uint64_t>(static_cast<double>(total - done) / rate_ + 0.999);
}

// ---------------------------------------------------------------------------
// FileUpload

void FileUpload::start(std::uint32_t next_index) {
  sending_ = true;
  acked_ = std::min(next_index, file_chunk_count(d_));
  next_ = acked_;
  sent_ = std::max(sent_, next_);
}

std::optional<ChunkRead> FileUpload::next_read() {
  if (!sending_ || !channel_open_ || complete()) return std::nullopt;
  const std::uint32_t chunks = file_chunk_count(d_);
  if (next_ >= chunks || next_ - acked_ >= kFileWindowChunks || reads_ >= kFileReadsInFlight) return std::nullopt;
  const std::uint32_t count = std::min({kFileBlockChunks, chunks - next_, kFileWindowChunks - (next_ - acked_)});
  ChunkRead read{next_, count, std::uint64_t{d_.chunk_size} * next_, 0, round_};
  for (std::uint32_t i = 0; i < count; ++i) read.length += static_cast<std::uint32_t>(file_chunk_length(d_, next_ + i));
  next_ += count;
  sent_ = std::max(sent_, next_);
  ++reads_;
  return read;
}

std::vector<std::vector<std::uint8_t>> FileUpload::on_read(const ChunkRead& read, ByteSpan bytes) {
  std::vector<std::vector<std::uint8_t>> frames;
  if (read.round != round_) return frames;
  --reads_;
  if (!sending_) return frames;
  if (bytes.size() != read.length) {  // a short read: the file changed under us
    sending_ = false;
    return frames;
  }
  frames.reserve(read.count);
  std::size_t at = 0;
  for (std::uint32_t i = 0; i < read.count; ++i) {
    const std::size_t length = file_chunk_length(d_, read.index + i);
    auto frame = file_chunk_seal(d_, read.index + i, bytes.subspan(at, length));
    if (!frame) {
      sending_ = false;
      return {};
    }
    at += length;
    frames.push_back(std::move(frame.value()));
  }
  chunks_sent_ += read.count;
  return frames;
}

void FileUpload::on_read_failed(const ChunkRead& read) {
  if (read.round == round_) --reads_;
  sending_ = false;
}

bool FileUpload::on_ack(std::uint32_t next_index, VisitTime now) {
  // Acks only move forward, and never past what was sent (an ack of a
  // broken channel's chunks may arrive after the break: it still counts).
  if (next_index <= acked_ || next_index > sent_) return false;
  acked_ = next_index;
  next_ = std::max(next_, acked_);
  rate_.add(bytes_acked(), now);
  return true;
}

void FileUpload::on_channel_closed() {
  channel_open_ = false;
  ++round_;
  reads_ = 0;
  next_ = acked_;
}

void FileUpload::on_channel_open() {
  channel_open_ = true;
  next_ = acked_;
}

std::uint64_t FileUpload::bytes_acked() const {
  return std::min<std::uint64_t>(d_.size, std::uint64_t{d_.chunk_size} * acked_);
}

// ---------------------------------------------------------------------------
// FileDownload

ChunkOutcome FileDownload::on_frame(ByteSpan frame) {
  ChunkOutcome out;
  if (resync_) {
    // After the peer's channel came back it resumes at its last ack, which
    // may be behind what arrived: chunks already held are dropped, unread.
    auto header = file_chunk_header_parse(frame);
    if (header && header->id == r_.description.id && header->index < r_.next_index) {
      out.kind = ChunkOutcome::Kind::skipped;
      return out;
    }
  }
  const std::uint32_t index = r_.next_index;
  auto plain = file_chunk_open(r_, frame);
  if (!plain) {
    out.error = plain.error();
    return out;
  }
  resync_ = false;
  // Blocks start at multiples of kFileBlockChunks: a block is whole at its
  // last chunk or the file's.
  const FileDescription& d = r_.description;
  const std::uint32_t first = index - index % kFileBlockChunks;
  if (index == first) {
    const std::uint32_t count = std::min(kFileBlockChunks, file_chunk_count(d) - first);
    std::size_t length = 0;
    for (std::uint32_t i = 0; i < count; ++i) length += file_chunk_length(d, first + i);
    block_ = SecretBuffer(length);
    block_filled_ = 0;
  }
  std::copy(plain->data(), plain->data() + plain->size(), block_.data() + block_filled_);
  block_filled_ += plain->size();
  if (block_filled_ < block_.size()) {
    out.kind = ChunkOutcome::Kind::held;
    return out;
  }
  out.kind = ChunkOutcome::Kind::write;
  out.bytes = std::move(block_);
  block_filled_ = 0;
  out.last = r_.complete;
  return out;
}

FileAck FileDownload::on_written(VisitTime now) {
  const std::uint32_t count = file_chunk_count(r_.description);
  const std::uint32_t block = std::min(kFileBlockChunks, count - std::min(written_, count));
  for (std::uint32_t i = 0; i < block; ++i) bytes_written_ += file_chunk_length(r_.description, written_ + i);
  written_ += block;
  rate_.add(bytes_written_, now);
  return ack();
}

}  // namespace tessera::client
