#include "wasm/visit_chat_driver.hpp"

#include <emscripten/eventloop.h>
#include <emscripten/html5.h>
#include <sodium.h>

#include <chrono>

#include "wasm/bridge.hpp"

namespace tessera::client {
namespace {
VisitTime now() { return std::chrono::steady_clock::now(); }

bool page_hidden() {
  EmscriptenVisibilityChangeEvent status{};
  return emscripten_get_visibility_status(&status) == EMSCRIPTEN_RESULT_SUCCESS && status.hidden;
}
}  // namespace

VisitChatDriver::VisitChatDriver(const SessionKeys& keys, int peer, bool opener, ReceivedFiles received,
                                 std::function<void()> on_change)
    : chat_(keys, received), peer_(peer), opener_(opener), on_change_(std::move(on_change)) {
  tessera_chat_attach(this, on_action, on_file);
  // Before the first offer: the SDP then carries the data section.
  if (opener_ && !chat_channel_.create(peer_, kChatChannelLabel)) reopen_later(chat_channel_);
}

VisitChatDriver::~VisitChatDriver() {
  if (reopen_timer_) emscripten_clear_timeout(reopen_timer_);
  if (progress_timer_) emscripten_clear_timeout(progress_timer_);
  chat_channel_.close();
  files_out_.close();
  files_in_.close();
  // The panel empties; picked files, downloads and their private files go.
  tessera_chat_detach();
}

int VisitChatDriver::file_handle(const ChatEntry& e) const {
  if (!e.file) return 0;
  if (e.file->outgoing) return e.file->source;
  const auto d = downloads_.find(e.id);
  return d == downloads_.end() ? 0 : d->second->handle;
}

void VisitChatDriver::adopt(int channel, std::string_view label) {
  if (label == kChatChannelLabel && !opener_) {
    // A new chat channel while the old one seems open: the old one goes silently, and
    // what it may have lost goes again on the new one.
    if (chat_channel_.open()) chat_.handle_chat_closed();
    chat_channel_.adopt(channel);
  } else if (label == kFilesChannelLabel) {
    files_in_.adopt(channel);
  } else {
    tessera_channel_close(channel);  // nothing else is spoken here
  }
}

void VisitChatDriver::pump() {
  while (auto frame = chat_.poll_chat_frame())
    if (!chat_channel_.send(*frame)) chat_.handle_chat_closed();  // closing as we spoke: it will say so
  while (auto frame = chat_.poll_file_frame(files_out_.buffered()))
    (void)files_out_.send(*frame);  // lost ones are re-sent on resume
  while (auto command = chat_.poll_download()) run_download(*command);
  while (auto read = chat_.poll_read()) {
    const double token = next_token_++;
    reads_[token] = *read;
    tessera_file_read(read->source, static_cast<double>(read->chunk.offset), static_cast<int>(read->chunk.length),
                      this, token, on_read);
  }
  while (auto problem = chat_.poll_problem()) tessera_page_warn(problem->what, problem->error);
  changed();
}

// The screen follows every change at once, and progress a few times a second.
void VisitChatDriver::changed() {
  if (chat_.revision() != shown_revision_) {
    shown_revision_ = chat_.revision();
    if (on_change_) on_change_();
  }
  if (chat_.moving() && !progress_timer_)
    progress_timer_ = emscripten_set_timeout(on_progress_timer, kProgressRedrawMs, this);
}

void VisitChatDriver::on_progress_timer(void* user) {
  auto* self = static_cast<VisitChatDriver*>(user);
  self->progress_timer_ = 0;
  if (self->on_progress_) self->on_progress_();
  if (self->chat_.moving()) self->progress_timer_ = emscripten_set_timeout(on_progress_timer, kProgressRedrawMs, self);
}

void VisitChatDriver::run_download(DownloadCommand& c) {
  using Kind = DownloadCommand::Kind;
  if (c.kind == Kind::open) {
    auto slot = std::make_unique<Download>();
    slot->self = this;
    slot->entry = c.entry;
    slot->handle = tessera_download_open(c.name.c_str(), c.media_type.c_str(), static_cast<double>(c.size),
                                         c.in_memory ? 1 : 0, slot.get(), on_written);
    sodium_memzero(c.name.data(), c.name.size());
    downloads_[c.entry] = std::move(slot);
    return;
  }
  const auto d = downloads_.find(c.entry);
  if (d == downloads_.end()) return;
  switch (c.kind) {
    case Kind::write: return tessera_download_write(d->second->handle, c.bytes.data(), static_cast<int>(c.bytes.size()));
    case Kind::finish: return tessera_download_finish(d->second->handle);
    case Kind::abort:
      tessera_download_abort(d->second->handle);
      downloads_.erase(d);
      return;
    case Kind::open: return;
  }
}

// ---------------------------------------------------------------------------
// the data channels

void VisitChatDriver::on_channel_open(BrowserDataChannel& channel) {
  if (&channel == &chat_channel_) {
    chat_.handle_chat_open();
    // Our own files channel, now that the association exists.
    if (!files_out_.exists() && !files_out_.create(peer_, kFilesChannelLabel)) reopen_later(files_out_);
  } else if (&channel == &files_out_) {
    chat_.handle_files_open();
  } else if (&channel == &files_in_) {
    chat_.handle_peer_files_opened();
  }
  pump();
}

void VisitChatDriver::on_channel_message(BrowserDataChannel& channel, std::span<const std::uint8_t> bytes) {
  if (&channel == &chat_channel_) {
    // A hidden tab shows nothing: what arrives now is unread (the count goes
    // to the tab's title), until the page is drawn again with the chat open.
    if (page_hidden()) chat_.set_seen(false);
    chat_.handle_chat_frame(bytes, now());
  } else if (&channel == &files_in_) {
    chat_.handle_file_frame(bytes, now());
  } else {
    return;  // our files channel carries nothing back
  }
  pump();
}

void VisitChatDriver::on_channel_closed(BrowserDataChannel& channel) {
  if (&channel == &chat_channel_) {
    chat_.handle_chat_closed();
    if (opener_) reopen_later(chat_channel_);
  } else if (&channel == &files_out_) {
    chat_.handle_files_closed();
    reopen_later(files_out_);
  }
  pump();
}

void VisitChatDriver::on_channel_drained(BrowserDataChannel& channel) {
  if (&channel == &files_out_) pump();
}

void VisitChatDriver::reopen_later(BrowserDataChannel&) {
  if (!reopen_timer_) reopen_timer_ = emscripten_set_timeout(on_reopen_timer, kChannelReopenDelayMs, this);
}

void VisitChatDriver::on_reopen_timer(void* user) {
  auto* self = static_cast<VisitChatDriver*>(user);
  self->reopen_timer_ = 0;
  bool again = false;
  if (self->opener_ && !self->chat_channel_.exists()) again |= !self->chat_channel_.create(self->peer_, kChatChannelLabel);
  if (self->chat_channel_.open() && !self->files_out_.exists())
    again |= !self->files_out_.create(self->peer_, kFilesChannelLabel);
  if (again) self->reopen_later(self->files_out_);
}

// ---------------------------------------------------------------------------
// the panel, the files and the downloads

void VisitChatDriver::on_action(void* user, double entry, int action) {
  auto* self = static_cast<VisitChatDriver*>(user);
  const auto id = static_cast<std::uint64_t>(entry);
  switch (action) {
    case tessera_chat_accept: self->chat_.accept(id); break;
    case tessera_chat_decline: self->chat_.decline(id); break;
    case tessera_chat_cancel: self->chat_.cancel(id); break;
    default: return;
  }
  self->pump();
}

void VisitChatDriver::on_file(void* user, int file, const char* name, double size, const char* media_type) {
  auto* self = static_cast<VisitChatDriver*>(user);
  FileId id;
  Key key;
  randombytes_buf(id.data(), id.size());
  randombytes_buf(key.data(), key.size());
  const auto refused = self->chat_.offer_file(file, name, media_type, static_cast<std::uint64_t>(size), id,
                                              key.span(), now());
  if (refused) {
    tessera_file_release(file);
    tessera_page_announce(*refused == FileError::too_large
                              ? "This file cannot be sent: files can be up to 2 GB, and up to 64 in a visit."
                              : "This file cannot be sent: rename it with letters and numbers only.");
  }
  self->pump();
}

void VisitChatDriver::on_read(void* user, double token, const std::uint8_t* bytes, int size) {
  auto* self = static_cast<VisitChatDriver*>(user);
  const auto r = self->reads_.find(token);
  if (r == self->reads_.end()) return;
  const FileRead read = r->second;
  self->reads_.erase(r);
  if (size < 0) {
    self->chat_.handle_read_failed(read);
  } else {
    self->chat_.handle_read(read, {bytes, static_cast<std::size_t>(size)}, now());
  }
  self->pump();
}

void VisitChatDriver::on_written(void* user, int ok) {
  auto* slot = static_cast<Download*>(user);
  VisitChatDriver* self = slot->self;
  if (ok) {
    self->chat_.handle_written(slot->entry, now());
  } else {
    self->chat_.handle_write_failed(slot->entry);
  }
  self->pump();
}

}  // namespace tessera::client
