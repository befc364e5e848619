#pragma once
// Runs a call's VisitChat in the browser: its data channels, the files the
// person picks and the downloads of the files they accept. Like
// VisitDriver, everything here runs from callbacks (data channel, file
// read, download write, the chat panel, timers), never from animation frames.
//
// Channels: the offerer (the provider) makes the chat channel before its
// first offer, so the SDP carries the data section; the answerer adopts it.
// Each side makes its own files channel for the chunks it sends, once the
// chat channel is open (no renegotiation: the SCTP association exists). A
// channel this side made and lost while the call lives is made again after
// kChannelReopenDelay; the other side adopts the new one.
//
// Only sealed bytes reach tessera_channel_send. Plaintext goes to the chat
// panel (the screen) and to tessera_download_write (the person's download,
// or on a kiosk the page's memory).
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string_view>

#include "shared/handshake.hpp"
#include "wasm/data_channel.hpp"
#include "wasm/visit/visit_chat.hpp"

namespace tessera::client {

inline constexpr const char* kChatChannelLabel = "tessera-chat";
inline constexpr const char* kFilesChannelLabel = "tessera-files";
inline constexpr double kChannelReopenDelayMs = 500;
inline constexpr double kProgressRedrawMs = 500;  // progress bars move at most this often

class VisitChatDriver final : DataChannelEvents {
 public:
  // peer: the RTCPeerConnection's bridge handle. opener: this side makes the chat channel.
  // received: where received files go (in memory only on a kiosk).
  VisitChatDriver(const SessionKeys& keys, int peer, bool opener, ReceivedFiles received,
                  std::function<void()> on_change);
  VisitChatDriver(const VisitChatDriver&) = delete;
  VisitChatDriver& operator=(const VisitChatDriver&) = delete;
  ~VisitChatDriver();

  [[nodiscard]] VisitChat& chat() { return chat_; }
  [[nodiscard]] const VisitChat& chat() const { return chat_; }
  // The other side opened a data channel.
  void adopt(int channel, std::string_view label);
  // After an action on chat(): send, read and write what it asks.
  void pump();
  // The bridge handle whose object URL previews or saves an entry's file (0: none yet).
  [[nodiscard]] int file_handle(const ChatEntry& e) const;
  // Progress moved: the panel shows it (set by the view). Progress alone
  // redraws no frame: the bars are DOM, and frames cost the main thread
  // what the transfer needs.
  void on_progress(std::function<void()> show) { on_progress_ = std::move(show); }

 private:
  struct Download {
    VisitChatDriver* self = nullptr;
    std::uint64_t entry = 0;
    int handle = 0;
  };

  void on_channel_open(BrowserDataChannel& channel) override;
  void on_channel_message(BrowserDataChannel& channel, std::span<const std::uint8_t> bytes) override;
  void on_channel_closed(BrowserDataChannel& channel) override;
  void on_channel_drained(BrowserDataChannel& channel) override;
  void run_download(DownloadCommand& c);
  void reopen_later(BrowserDataChannel& channel);
  void changed();
  static void on_reopen_timer(void* user);
  static void on_progress_timer(void* user);
  static void on_action(void* user, double entry, int action);
  static void on_file(void* user, int file, const char* name, double size, const char* media_type);
  static void on_read(void* user, double token, const std::uint8_t* bytes, int size);
  static void on_written(void* user, int ok);

  VisitChat chat_;
  int peer_;
  bool opener_;
  std::function<void()> on_change_;
  std::function<void()> on_progress_;
  BrowserDataChannel chat_channel_{*this, 0};
  BrowserDataChannel files_out_{*this, kFileLowWaterBytes};
  BrowserDataChannel files_in_{*this, 0};
  std::map<double, FileRead> reads_;  // by token
  double next_token_ = 1;
  std::map<std::uint64_t, std::unique_ptr<Download>> downloads_;  // by entry
  long reopen_timer_ = 0;
  long progress_timer_ = 0;
  std::uint64_t shown_revision_ = 0;
};

}  // namespace tessera::client
