#pragma once
// The chat of a call and the files in it, as pure logic fed bytes and the
// time (webrtc-rs style: handle_* in, poll_* out), so tests run it on a
// virtual clock. Everything said or sent is sealed with the call's chat keys
// (docs/PROTOCOL.md §9, shared/chat_channel.hpp) before it leaves; the caller
// (wasm/visit_chat_driver) moves the sealed frames over two kinds of WebRTC
// data channel: the chat channel (text, file offers, acks, cancels, receipts)
// and a files channel per direction (file chunks, §10).
//
// Messages: a text is sealed only when the chat channel is open, so what was
// written while it was down waits, in order, and goes out once when it
// returns: a frame is never sealed twice, and the receiver takes each seq
// once, so nothing shows twice. A text is "waiting", then "sent" (handed to
// the channel), then "delivered" (the peer's receipt covers its seq).
//
// A channel that breaks loses what it still buffered. So every sealed frame
// is kept until a receipt covers its seq (the newest kChatMaxUnconfirmed),
// and all kept frames go out again, in order, once the channel reopens. The
// receiver, from the reopen on, drops quietly a frame it already took
// (authentic, seq below the next: chat_already_taken) and takes the first it
// lacks; a changed frame or a replay outside that resync is still refused
// and reported. A frame lost for good (no longer kept) leaves a gap: the
// receiver takes the next authentic frame anyway, says messages may be
// missing, and names the lost seqs in its receipts, so the sender shows those
// messages as not delivered. The chat goes on.
//
// Files: an offer shows name, size and type; nothing moves before the
// receiver accepts (its first ack, next index 0); either side can cancel
// (file_cancel), a receiver that declines sends the same. Chunks that fail
// their checks stop the transfer, which both sides see (file_cancel).
// Nothing is kept after the call: the object goes with it and its texts are
// wiped.
//
// Received files go to the person's download (the browser's private file
// system, then Save) or, on a kiosk, stay in memory only: shown (pictures),
// never written to the device, released with the call. A kiosk refuses an
// offer larger than kKioskMaxFileBytes on arrival, and says why to both sides
// (a file_cancel with the reason too_large_to_show).
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "shared/chat_channel.hpp"
#include "wasm/visit/file_transfer.hpp"

namespace tessera::client {

inline constexpr std::size_t kChatMaxEntries = 1000;    // the oldest go first
inline constexpr std::size_t kChatMaxWaiting = 256;     // frames held while the channel is down
inline constexpr std::size_t kChatMaxTransfers = 64;    // files offered in one call, both ways
// Sealed frames kept until a receipt covers them, to send again after a
// reopen (at most 256 x 16 KiB = 4 MiB): the newest stay. A receiver sends a
// receipt after every text or offer and after every kChatReceiptEvery frames
// of any kind, so only frames sealed faster than receipts return, or into a
// channel that broke unnoticed, go first. One of those lost in the break is
// skipped by the receiver, which says messages may be missing, and its
// receipts name what it skipped, so the sender shows those as not delivered.
inline constexpr std::size_t kChatMaxUnconfirmed = 256;
inline constexpr std::size_t kChatReceiptEvery = 64;

// Where received files go.
enum class ReceivedFiles {
  download,    // written to the private file system as they arrive, then offered to save
  shown_only,  // a kiosk: in memory only, shown, never written to the device
};
// The largest file a kiosk takes: it holds the whole file in the page's
// memory (twice, briefly, while a picture's Blob is made). Phone photos and
// lab PDFs are a few MB; a tablet's memory is not the place for more.
inline constexpr std::uint64_t kKioskMaxFileBytes = 32ull * 1000 * 1000;
// Why a file_cancel stops a file: the optional byte after its id (none: the person stopped it).
enum class CancelReason : std::uint8_t { too_large_to_show = 0x01 };

// lost: the peer's receipt says it never arrived (lost in a break, and no
// longer kept to send again: kChatMaxUnconfirmed).
enum class Delivery { waiting, sent, delivered, lost };
// refused: a kiosk refused the offer, too large to hold in memory (kKioskMaxFileBytes).
enum class TransferStep { offered, moving, done, declined, cancelled, failed, refused };

struct ChatFile {
  FileId id{};
  bool outgoing = false;
  std::string name;
  std::string media_type;
  std::uint64_t size = 0;
  TransferStep step = TransferStep::offered;
  bool cancelled_here = false;     // cancelled or declined on this side
  const char* problem = "";        // failed: what went wrong, in words for the person
  int source = 0;                  // outgoing: the caller's handle of the file
  std::optional<FileUpload> upload;
  std::optional<FileDownload> download;
  [[nodiscard]] std::uint64_t bytes_done() const;
  [[nodiscard]] const TransferRate* rate() const;
};

struct ChatEntry {
  std::uint64_t id = 0;  // stable, for the screen's buttons
  bool mine = false;
  VisitTime at{};
  std::string text;      // a message (empty for a file)
  Delivery delivery = Delivery::waiting;
  std::uint64_t seq = 0;  // mine, once sent: the frame's seq
  std::optional<ChatFile> file;
};

// A read of an outgoing file for the caller: `source` is its file handle.
struct FileRead {
  std::uint64_t entry = 0;
  int source = 0;
  ChunkRead chunk;
};

// Where an accepted file's bytes go (the browser's download).
struct DownloadCommand {
  enum class Kind { open, write, finish, abort };
  Kind kind = Kind::open;
  std::uint64_t entry = 0;
  std::string name, media_type;  // open
  std::uint64_t size = 0;        // open: the size offered, so the file's room can be set aside at once
  bool in_memory = false;        // open: in the page's memory only, never on the device (a kiosk)
  SecretBuffer bytes;            // write
};

// Why a message could not be sent (static words for the person).
enum class SendRefusal { none, empty, too_long, not_text, too_many_waiting };

class VisitChat {
 public:
  explicit VisitChat(const SessionKeys& keys, ReceivedFiles received = ReceivedFiles::download);
  VisitChat(const VisitChat&) = delete;
  VisitChat& operator=(const VisitChat&) = delete;
  ~VisitChat();

  // ---- the data channels
  void handle_chat_open();
  void handle_chat_closed();
  void handle_files_open();    // this side's files channel
  void handle_files_closed();
  void handle_peer_files_opened();  // the other side's files channel (re)opened
  void handle_chat_frame(ByteSpan frame, VisitTime now);
  void handle_file_frame(ByteSpan frame, VisitTime now);

  // ---- this person
  [[nodiscard]] SendRefusal send_text(std::string_view text, VisitTime now);
  // id and key: fresh random bytes. An empty media type is sent as application/octet-stream.
  [[nodiscard]] std::optional<FileError> offer_file(int source, std::string_view name, std::string_view media_type,
                                                    std::uint64_t size, const FileId& id,
                                                    std::span<const std::uint8_t, kKeyBytes> key, VisitTime now);
  void accept(std::uint64_t entry);
  void decline(std::uint64_t entry);
  void cancel(std::uint64_t entry);
  // Whether the person sees the messages (the panel is open): new ones count as unread while not.
  void set_seen(bool seen);

  // ---- the file being sent, and the download
  // The next read the windows allow: while less than a block of sealed
  // chunks waits for the files channel.
  [[nodiscard]] std::optional<FileRead> poll_read();
  void handle_read(const FileRead& read, ByteSpan bytes, VisitTime now);
  void handle_read_failed(const FileRead& read);
  void handle_written(std::uint64_t entry, VisitTime now);
  void handle_write_failed(std::uint64_t entry);

  // ---- what to do
  [[nodiscard]] std::optional<std::vector<std::uint8_t>> poll_chat_frame();
  // The next sealed chunk for the files channel while it buffers less than
  // kFileHighWaterBytes (buffered: its bufferedAmount); the caller asks
  // again when it drains to kFileLowWaterBytes (bufferedamountlow).
  [[nodiscard]] std::optional<std::vector<std::uint8_t>> poll_file_frame(std::size_t buffered);
  [[nodiscard]] std::optional<DownloadCommand> poll_download();
  [[nodiscard]] std::optional<VisitProblem> poll_problem();

  // ---- what the screen shows
  [[nodiscard]] const std::deque<ChatEntry>& entries() const { return entries_; }
  [[nodiscard]] const ChatEntry* entry(std::uint64_t id) const;
  [[nodiscard]] std::size_t unread() const { return unread_; }
  [[nodiscard]] bool chat_open() const { return chat_open_; }
  // Frames from the other side that failed their checks and were dropped.
  [[nodiscard]] std::size_t rejected() const { return rejected_; }
  // Frames from the other side sent again after a reopen that were already here: dropped quietly.
  [[nodiscard]] std::size_t duplicates() const { return duplicates_; }
  // Frames from the other side lost for good (it no longer held them when
  // the channel reopened): skipped, so the chat goes on.
  [[nodiscard]] std::uint64_t skipped() const { return skipped_; }
  // Sealed frames kept to send again after a reopen (no receipt covers them yet).
  [[nodiscard]] std::size_t unconfirmed() const { return unconfirmed_.size(); }
  // Bumped on every change the screen shows (not on progress alone).
  [[nodiscard]] std::uint64_t revision() const { return revision_; }
  [[nodiscard]] bool moving() const;

 private:
  struct LostFrames {
    std::uint64_t from = 0, to = 0;  // seqs [from, to)
  };
  struct Waiting {
    ChatKind kind;
    SecretBuffer body;
    std::uint64_t entry;  // a text or offer entry to mark sent, or 0
  };
  struct Unconfirmed {
    std::uint64_t seq;
    std::vector<std::uint8_t> frame;  // sealed: nothing to wipe
  };
  ChatEntry& add_entry(bool mine, VisitTime now);
  ChatEntry* find(std::uint64_t id);
  ChatEntry* find_file(const FileId& id, bool outgoing);
  void send(ChatKind kind, ByteSpan body, std::uint64_t entry = 0);
  void seal_now(ChatKind kind, ByteSpan body, std::uint64_t entry);
  void on_text(const SecretBuffer& body, VisitTime now);
  void on_offer(const SecretBuffer& body, VisitTime now);
  void on_ack(const SecretBuffer& body, VisitTime now);
  void on_cancel(const SecretBuffer& body);
  void on_delivered(const SecretBuffer& body);
  void fail_download(ChatEntry& e, FileError error);
  void stop(ChatEntry& e, TransferStep step, bool here);
  void changed() { ++revision_; }

  ChatSender sender_;
  ChatReceiver receiver_;
  ReceivedFiles received_;
  bool chat_open_ = false;
  bool resyncing_ = false;  // the chat channel reopened: frames sent again may arrive
  bool files_open_ = false;
  bool seen_ = true;
  std::size_t unread_ = 0;
  std::size_t rejected_ = 0;
  std::size_t duplicates_ = 0;
  std::uint64_t skipped_ = 0;
  std::optional<LostFrames> lost_;  // the latest frames skipped, told in every receipt
  std::size_t taken_since_receipt_ = 0;
  std::size_t transfers_ = 0;
  std::uint64_t next_entry_ = 1;
  std::uint64_t revision_ = 0;
  std::deque<ChatEntry> entries_;
  std::deque<Waiting> waiting_;
  std::deque<Unconfirmed> unconfirmed_;
  std::deque<std::vector<std::uint8_t>> chat_out_, file_out_;
  std::deque<DownloadCommand> downloads_;
  std::deque<VisitProblem> problems_;
};

[[nodiscard]] const char* send_refusal_words(SendRefusal r);

}  // namespace tessera::client
