#include "wasm/visit/visit_chat.hpp"

#include <sodium.h>

#include <algorithm>
#include <cstring>

#include "shared/text.hpp"

namespace tessera::client {
namespace {

constexpr std::string_view kDefaultMediaType = "application/octet-stream";

void wipe(std::string& s) {
  if (!s.empty()) sodium_memzero(s.data(), s.size());
  s.clear();
}

void wipe(ChatEntry& e) {
  wipe(e.text);
  if (e.file) {
    wipe(e.file->name);
    wipe(e.file->media_type);
  }
}

// Words for the person when a chunk fails its checks.
const char* chunk_problem(FileError e) {
  switch (e) {
    case FileError::forged: return "A piece of the file failed its check: it was changed on the way.";
    case FileError::duplicate: return "A piece of the file arrived twice.";
    case FileError::out_of_order: return "A piece of the file went missing.";
    default: return "The file arrived damaged.";
  }
}

ByteSpan text_bytes(std::string_view s) { return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()}; }

}  // namespace

std::uint64_t ChatFile::bytes_done() const {
  if (step == TransferStep::done) return size;
  if (upload) return upload->bytes_acked();
  if (download) return download->bytes_written();
  return 0;
}

const TransferRate* ChatFile::rate() const {
  if (upload) return &upload->rate();
  if (download) return &download->rate();
  return nullptr;
}

const char* send_refusal_words(SendRefusal r) {
  switch (r) {
    case SendRefusal::none: return "";
    case SendRefusal::empty: return "Type a message first.";
    case SendRefusal::too_long: return "This message is too long. Send it in parts.";
    case SendRefusal::not_text: return "This message has characters that cannot be sent.";
    case SendRefusal::too_many_waiting: return "Too many messages are waiting for the connection. Try again soon.";
  }
  return "";
}

VisitChat::VisitChat(const SessionKeys& keys, ReceivedFiles received)
    : sender_(chat_sender(keys)), receiver_(chat_receiver(keys)), received_(received) {}

VisitChat::~VisitChat() {
  for (auto& e : entries_) wipe(e);
}

// ---------------------------------------------------------------------------
// the data channels

void VisitChat::handle_chat_open() {
  resyncing_ = true;
  if (!chat_open_) {  // reopened: what the old channel may have lost goes again, in order
    chat_out_.clear();
    for (const auto& u : unconfirmed_) chat_out_.push_back(u.frame);
  }
  chat_open_ = true;
  while (!waiting_.empty()) {
    Waiting w = std::move(waiting_.front());
    waiting_.pop_front();
    seal_now(w.kind, w.body.span(), w.entry);
  }
  changed();
}

void VisitChat::handle_chat_closed() {
  chat_open_ = false;
  chat_out_.clear();  // kept in unconfirmed_: sent on the next channel
  changed();
}

void VisitChat::handle_files_open() {
  files_open_ = true;
  for (auto& e : entries_)
    if (e.file && e.file->upload) e.file->upload->on_channel_open();
}

void VisitChat::handle_files_closed() {
  files_open_ = false;
  file_out_.clear();  // sealed for the broken channel: resumption seals them again
  for (auto& e : entries_)
    if (e.file && e.file->upload) e.file->upload->on_channel_closed();
}

void VisitChat::handle_peer_files_opened() {
  for (auto& e : entries_) {
    if (!e.file || !e.file->download || e.file->step != TransferStep::moving) continue;
    e.file->download->on_channel_reopened();
    // Tell the sender where to resume, in case our last ack did not reach it.
    const auto ack = file_ack_encode(e.file->download->ack());
    send(ChatKind::file_ack, ack);
  }
}

// ---------------------------------------------------------------------------
// frames from the other side

void VisitChat::handle_chat_frame(ByteSpan frame, VisitTime now) {
  const std::uint64_t expected = receiver_.next_seq;
  auto m = tessera::chat_open(receiver_, frame, ChatGaps::skip);
  if (!m && m.error() == ChatError::replayed && resyncing_ && chat_already_taken(receiver_, frame)) {
    ++duplicates_;  // sent again after the reopen, already here: harmless
    return;
  }
  if (receiver_.next_seq != expected) {  // taken (an authentic frame with bad content too)
    resyncing_ = false;                  // the first frame not yet here: the resync is over
    ++taken_since_receipt_;
    if (receiver_.next_seq - 1 > expected) {
      // Lost for good (the sender no longer held them): say so here, tell the
      // sender which (the next receipt, sent now), and go on.
      skipped_ += receiver_.next_seq - 1 - expected;
      lost_ = {expected, receiver_.next_seq - 1};
      taken_since_receipt_ = kChatReceiptEvery;
      problems_.push_back({"chat", "gap"});
      changed();
    }
  }
  if (!m) {
    ++rejected_;
    problems_.push_back({"chat", chat_error_name(m.error())});
    changed();
  } else {
    switch (m->kind) {
      case ChatKind::text: on_text(m->body, now); break;
      case ChatKind::file_offer: on_offer(m->body, now); break;
      case ChatKind::file_ack: on_ack(m->body, now); break;
      case ChatKind::file_cancel: on_cancel(m->body); break;
      case ChatKind::delivered: on_delivered(m->body); break;
    }
  }
  // A receipt after what shows on the screen, and after every
  // kChatReceiptEvery frames taken of any kind, so the other side's kept
  // frames stay few even when nothing shows (the acks of a long download).
  // Receipts answer receipts only once in that many: they die out, never echo.
  const bool shown = m && (m->kind == ChatKind::text || m->kind == ChatKind::file_offer);
  if (!shown && taken_since_receipt_ < kChatReceiptEvery) return;
  taken_since_receipt_ = 0;
  std::uint8_t receipt[24];
  store_be64(receipt, receiver_.next_seq);
  if (!lost_) return send(ChatKind::delivered, ByteSpan(receipt, 8));
  store_be64(receipt + 8, lost_->from);
  store_be64(receipt + 16, lost_->to);
  send(ChatKind::delivered, receipt);
}

void VisitChat::on_text(const SecretBuffer& body, VisitTime now) {
  ChatEntry& e = add_entry(false, now);
  e.text.assign(body.text());
  e.delivery = Delivery::delivered;
  if (!seen_) ++unread_;
}

void VisitChat::on_offer(const SecretBuffer& body, VisitTime now) {
  auto d = file_description_parse(body.span());
  if (!d) {
    ++rejected_;
    problems_.push_back({"file_offer", file_error_name(d.error())});
    return changed();
  }
  if (find_file(d->id, false) || transfers_ >= kChatMaxTransfers) {
    problems_.push_back({"file_offer", transfers_ >= kChatMaxTransfers ? "too_many" : "repeated"});
    return;
  }
  ++transfers_;
  ChatEntry& e = add_entry(false, now);
  e.delivery = Delivery::delivered;
  ChatFile& f = e.file.emplace();
  f.id = d->id;
  f.name.assign(d->name.view());
  f.media_type.assign(d->media_type.view());
  f.size = d->size;
  if (!seen_) ++unread_;
  if (received_ == ReceivedFiles::shown_only && f.size > kKioskMaxFileBytes) {
    // Both sides see why, before a byte moves.
    f.step = TransferStep::refused;
    f.cancelled_here = true;
    std::uint8_t cancel[kFileIdBytes + 1];
    std::memcpy(cancel, f.id.data(), kFileIdBytes);
    cancel[kFileIdBytes] = static_cast<std::uint8_t>(CancelReason::too_large_to_show);
    return send(ChatKind::file_cancel, cancel);
  }
  f.download.emplace(std::move(d.value()));
}

void VisitChat::on_ack(const SecretBuffer& body, VisitTime now) {
  auto ack = file_ack_parse(body.span());
  if (!ack) return problems_.push_back({"file_ack", file_error_name(ack.error())});
  ChatEntry* e = find_file(ack->id, true);
  if (!e || !e->file->upload) return problems_.push_back({"file_ack", "unknown_file"});
  ChatFile& f = *e->file;
  if (f.step == TransferStep::offered) {  // accepted
    f.step = TransferStep::moving;
    f.upload->start(ack->next_index);
    f.upload->on_ack(ack->next_index, now);
    if (!files_open_) f.upload->on_channel_closed();
    changed();
  } else if (f.step == TransferStep::moving) {
    if (!f.upload->sending()) f.upload->start(ack->next_index);  // a resume point while stalled
    f.upload->on_ack(ack->next_index, now);
  }
  if (f.step == TransferStep::moving && f.upload->complete()) {
    f.step = TransferStep::done;
    changed();
  }
}

void VisitChat::on_cancel(const SecretBuffer& body) {
  if (body.size() != kFileIdBytes && body.size() != kFileIdBytes + 1)
    return problems_.push_back({"file_cancel", "bad_size"});
  FileId id;
  std::memcpy(id.data(), body.data(), kFileIdBytes);
  ChatEntry* e = find_file(id, true);
  if (!e) e = find_file(id, false);
  if (!e) return problems_.push_back({"file_cancel", "unknown_file"});
  ChatFile& f = *e->file;
  if (body.size() == kFileIdBytes + 1) {
    if (body.data()[kFileIdBytes] != static_cast<std::uint8_t>(CancelReason::too_large_to_show))
      return problems_.push_back({"file_cancel", "unknown_reason"});
    if (f.step == TransferStep::offered && f.outgoing) return stop(*e, TransferStep::refused, false);
  }
  if (f.step == TransferStep::offered && f.outgoing) return stop(*e, TransferStep::declined, false);
  if (f.step == TransferStep::offered || f.step == TransferStep::moving) stop(*e, TransferStep::cancelled, false);
}

void VisitChat::on_delivered(const SecretBuffer& body) {
  if (body.size() != 8 && body.size() != 24) return problems_.push_back({"delivered", "bad_size"});
  const std::uint64_t next = load_be64(body.data());
  LostFrames lost{};  // none: an empty range
  if (body.size() == 24) {
    lost = {load_be64(body.data() + 8), load_be64(body.data() + 16)};
    if (lost.from >= lost.to || lost.to >= next) return problems_.push_back({"delivered", "bad_range"});
  }
  while (!unconfirmed_.empty() && unconfirmed_.front().seq < next) unconfirmed_.pop_front();
  bool any = false;
  for (auto& e : entries_) {
    if (e.mine && e.delivery == Delivery::sent && e.seq < next) {
      e.delivery = e.seq >= lost.from && e.seq < lost.to ? Delivery::lost : Delivery::delivered;
      any = true;
    }
  }
  if (any) changed();
}

void VisitChat::handle_file_frame(ByteSpan frame, VisitTime) {
  auto header = file_chunk_header_parse(frame);
  if (!header) {
    ++rejected_;
    return problems_.push_back({"file_chunk", file_error_name(header.error())});
  }
  ChatEntry* e = find_file(header->id, false);
  if (!e || !e->file->download || e->file->step != TransferStep::moving) {
    // A chunk of a file we never accepted, or one stopped while chunks were on the way.
    if (!e) ++rejected_;
    return problems_.push_back({"file_chunk", e ? "not_moving" : "unknown_file"});
  }
  ChunkOutcome out = e->file->download->on_frame(frame);
  switch (out.kind) {
    case ChunkOutcome::Kind::held:
    case ChunkOutcome::Kind::skipped: return;
    case ChunkOutcome::Kind::failed: return fail_download(*e, out.error);
    case ChunkOutcome::Kind::write: {
      DownloadCommand c;
      c.kind = DownloadCommand::Kind::write;
      c.entry = e->id;
      c.bytes = std::move(out.bytes);
      downloads_.push_back(std::move(c));
      return;
    }
  }
}

void VisitChat::fail_download(ChatEntry& e, FileError error) {
  ++rejected_;
  problems_.push_back({"file_chunk", file_error_name(error)});
  e.file->problem = chunk_problem(error);
  stop(e, TransferStep::failed, true);
}

// ---------------------------------------------------------------------------
// this person

SendRefusal VisitChat::send_text(std::string_view text, VisitTime now) {
  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) return SendRefusal::empty;
  if (text.size() > kChatMaxBody) return SendRefusal::too_long;
  if (!text_is_utf8(text)) return SendRefusal::not_text;
  if (!chat_open_ && waiting_.size() >= kChatMaxWaiting) return SendRefusal::too_many_waiting;
  ChatEntry& e = add_entry(true, now);
  e.text.assign(text);
  send(ChatKind::text, text_bytes(text), e.id);
  return SendRefusal::none;
}

std::optional<FileError> VisitChat::offer_file(int source, std::string_view name, std::string_view media_type,
                                               std::uint64_t size, const FileId& id,
                                               std::span<const std::uint8_t, kKeyBytes> key, VisitTime now) {
  if (media_type.empty()) media_type = kDefaultMediaType;
  auto d = file_description_make(id, key, size, kFileChunkDefault, name, media_type);
  if (!d && d.error() == FileError::bad_media_type)  // a type browsers made up: send it as bytes
    d = file_description_make(id, key, size, kFileChunkDefault, name, kDefaultMediaType);
  if (!d) return d.error();
  if (transfers_ >= kChatMaxTransfers || (!chat_open_ && waiting_.size() >= kChatMaxWaiting))
    return FileError::too_large;
  ++transfers_;
  const SecretBuffer offer = file_description_encode(*d);
  ChatEntry& e = add_entry(true, now);
  ChatFile& f = e.file.emplace();
  f.id = id;
  f.outgoing = true;
  f.name.assign(d->name.view());
  f.media_type.assign(d->media_type.view());
  f.size = size;
  f.source = source;
  f.upload.emplace(std::move(d.value()));
  send(ChatKind::file_offer, offer.span(), e.id);
  return std::nullopt;
}

void VisitChat::accept(std::uint64_t id) {
  ChatEntry* e = find(id);
  if (!e || !e->file || e->file->outgoing || e->file->step != TransferStep::offered) return;
  ChatFile& f = *e->file;
  f.step = TransferStep::moving;
  DownloadCommand c;
  c.kind = DownloadCommand::Kind::open;
  c.entry = id;
  c.name = f.name;
  c.media_type = f.media_type;
  c.size = f.size;
  c.in_memory = received_ == ReceivedFiles::shown_only;
  downloads_.push_back(std::move(c));
  const auto ack = file_ack_encode(f.download->ack());  // next index 0: start
  send(ChatKind::file_ack, ack);
  changed();
}

void VisitChat::decline(std::uint64_t id) {
  ChatEntry* e = find(id);
  if (e && e->file && !e->file->outgoing && e->file->step == TransferStep::offered)
    stop(*e, TransferStep::declined, true);
}

void VisitChat::cancel(std::uint64_t id) {
  ChatEntry* e = find(id);
  if (!e || !e->file) return;
  if (e->file->step == TransferStep::offered || e->file->step == TransferStep::moving)
    stop(*e, TransferStep::cancelled, true);
}

// Ends a transfer: the other side is told when it ends here; a download is dropped.
void VisitChat::stop(ChatEntry& e, TransferStep step, bool here) {
  ChatFile& f = *e.file;
  const bool downloading = !f.outgoing && f.step == TransferStep::moving;
  f.step = step;
  f.cancelled_here = here;
  if (here) send(ChatKind::file_cancel, f.id);
  if (downloading) {
    DownloadCommand c;
    c.kind = DownloadCommand::Kind::abort;
    c.entry = e.id;
    downloads_.push_back(std::move(c));
  }
  changed();
}

void VisitChat::set_seen(bool seen) {
  seen_ = seen;
  if (seen && unread_) {
    unread_ = 0;
    changed();
  }
}

// ---------------------------------------------------------------------------
// the file being sent, and the download

std::optional<FileRead> VisitChat::poll_read() {
  if (!files_open_ || file_out_.size() >= kFileSealedAhead) return std::nullopt;
  for (auto& e : entries_) {
    if (!e.file || !e.file->upload || e.file->step != TransferStep::moving) continue;
    if (auto chunk = e.file->upload->next_read()) return FileRead{e.id, e.file->source, *chunk};
  }
  return std::nullopt;
}

void VisitChat::handle_read(const FileRead& read, ByteSpan bytes, VisitTime) {
  ChatEntry* e = find(read.entry);
  if (!e || !e->file || !e->file->upload || e->file->step != TransferStep::moving) return;
  auto frames = e->file->upload->on_read(read.chunk, bytes);
  for (auto& frame : frames) file_out_.push_back(std::move(frame));
  if (frames.empty() && !e->file->upload->sending()) {  // the file is not what was offered any more
    e->file->problem = "The file changed on this device while it was being sent.";
    stop(*e, TransferStep::failed, true);
  }
}

void VisitChat::handle_read_failed(const FileRead& read) {
  ChatEntry* e = find(read.entry);
  if (!e || !e->file || !e->file->upload || e->file->step != TransferStep::moving) return;
  e->file->upload->on_read_failed(read.chunk);
  e->file->problem = "The file could not be read on this device.";
  stop(*e, TransferStep::failed, true);
}

void VisitChat::handle_written(std::uint64_t id, VisitTime now) {
  ChatEntry* e = find(id);
  if (!e || !e->file || !e->file->download || e->file->step != TransferStep::moving) return;
  const auto ack = file_ack_encode(e->file->download->on_written(now));
  send(ChatKind::file_ack, ack);
  if (e->file->download->complete()) {
    e->file->step = TransferStep::done;
    DownloadCommand c;
    c.kind = DownloadCommand::Kind::finish;
    c.entry = id;
    downloads_.push_back(std::move(c));
    changed();
  }
}

void VisitChat::handle_write_failed(std::uint64_t id) {
  ChatEntry* e = find(id);
  if (!e || !e->file || e->file->step != TransferStep::moving) return;
  e->file->problem = "The file could not be stored on this device (is the disk full?).";
  stop(*e, TransferStep::failed, true);
}

// ---------------------------------------------------------------------------
// sealing and the outputs

void VisitChat::send(ChatKind kind, ByteSpan body, std::uint64_t entry) {
  if (chat_open_) return seal_now(kind, body, entry);
  if (waiting_.size() >= kChatMaxWaiting) return problems_.push_back({"chat", "waiting_overflow"});
  waiting_.push_back({kind, SecretBuffer(body), entry});
}

void VisitChat::seal_now(ChatKind kind, ByteSpan body, std::uint64_t entry) {
  const std::uint64_t seq = sender_.next_seq;
  auto frame = chat_seal(sender_, kind, body);
  if (!frame) return problems_.push_back({"chat_seal", chat_error_name(frame.error())});
  if (unconfirmed_.size() >= kChatMaxUnconfirmed) unconfirmed_.pop_front();
  unconfirmed_.push_back({seq, *frame});
  chat_out_.push_back(std::move(frame.value()));
  if (ChatEntry* e = entry ? find(entry) : nullptr) {
    e->delivery = Delivery::sent;
    e->seq = seq;
    changed();
  }
}

std::optional<std::vector<std::uint8_t>> VisitChat::poll_chat_frame() {
  if (chat_out_.empty()) return std::nullopt;
  auto f = std::move(chat_out_.front());
  chat_out_.pop_front();
  return f;
}

std::optional<std::vector<std::uint8_t>> VisitChat::poll_file_frame(std::size_t buffered) {
  if (file_out_.empty() || buffered >= kFileHighWaterBytes) return std::nullopt;
  auto f = std::move(file_out_.front());
  file_out_.pop_front();
  return f;
}

std::optional<DownloadCommand> VisitChat::poll_download() {
  if (downloads_.empty()) return std::nullopt;
  auto c = std::move(downloads_.front());
  downloads_.pop_front();
  return c;
}

std::optional<VisitProblem> VisitChat::poll_problem() {
  if (problems_.empty()) return std::nullopt;
  auto p = problems_.front();
  problems_.pop_front();
  return p;
}

// ---------------------------------------------------------------------------
// entries

ChatEntry& VisitChat::add_entry(bool mine, VisitTime now) {
  // The oldest finished entry goes; a file still moving stays.
  if (entries_.size() >= kChatMaxEntries) {
    auto old = std::find_if(entries_.begin(), entries_.end(), [](const ChatEntry& e) {
      return !e.file || (e.file->step != TransferStep::moving && e.file->step != TransferStep::offered);
    });
    if (old != entries_.end()) {
      wipe(*old);
      entries_.erase(old);
    }
  }
  ChatEntry& e = entries_.emplace_back();
  e.id = next_entry_++;
  e.mine = mine;
  e.at = now;
  changed();
  return e;
}

ChatEntry* VisitChat::find(std::uint64_t id) {
  for (auto& e : entries_)
    if (e.id == id) return &e;
  return nullptr;
}

const ChatEntry* VisitChat::entry(std::uint64_t id) const {
  for (const auto& e : entries_)
    if (e.id == id) return &e;
  return nullptr;
}

ChatEntry* VisitChat::find_file(const FileId& id, bool outgoing) {
  for (auto& e : entries_)
    if (e.file && e.file->outgoing == outgoing && e.file->id == id) return &e;
  return nullptr;
}

bool VisitChat::moving() const {
  return std::any_of(entries_.begin(), entries_.end(),
                     [](const ChatEntry& e) { return e.file && e.file->step == TransferStep::moving; });
}

}  // namespace tessera::client
