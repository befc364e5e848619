// The call's chat and files (wasm/visit/visit_chat.hpp) between two VisitChat
// objects on a virtual clock, with the data channels, the picked file and the
// download simulated here as plain byte queues: messages both ways with
// delivery states, waiting while the channel is down, offers accepted and
// declined, whole files byte-identical within the window, cancel on each
// side, resumption after the files channel broke, and chunks tampered with,
// duplicated or dropped on the way.
#include <catch2/catch.hpp>

#include <algorithm>
#include <map>

#include "tests/shared/test_util.hpp"
#include "wasm/visit/visit_chat.hpp"

namespace tessera::client::testing {
namespace {

using namespace std::chrono_literals;

// One side of the call: its VisitChat, the file it picked (source 1), what
// its download received, and the frames on the way to the other side.
struct Side {
  explicit Side(const SessionKeys& keys, ReceivedFiles received = ReceivedFiles::download) : chat(keys, received) {}
  VisitChat chat;
  std::vector<std::uint8_t> file;
  std::vector<std::uint8_t> download;
  bool download_open = false, download_finished = false, download_aborted = false;
  bool download_in_memory = false;
  std::uint64_t download_size = 0;  // as the download was opened
  std::deque<std::vector<std::uint8_t>> chat_wire, file_wire;  // sent, not yet delivered
  std::map<std::uint32_t, int> chunks_sent;                     // chunk index -> times sent
  std::size_t most_unacked = 0;                                 // bytes of chunks on the wire, at most
  int reads = 0, writes = 0;                                    // of the picked file, to the download
};

struct Call {
  // guest_receives: a kiosk's guest side keeps received files in memory only.
  explicit Call(ReceivedFiles guest_receives = ReceivedFiles::download) : guest{pair.guest_keys, guest_receives} {}
  tessera_test::Pair pair = tessera_test::make_pair(200);
  Side provider{pair.provider_keys}, guest{pair.guest_keys};
  VisitTime now{};
  // Hooks on a chunk frame on the wire: return false to drop it.
  std::function<bool(std::vector<std::uint8_t>&)> on_chunk = [](auto&) { return true; };

  void open_all() {
    for (Side* s : {&provider, &guest}) {
      s->chat.handle_chat_open();
      s->chat.handle_files_open();
      s->chat.handle_peer_files_opened();
    }
  }

  // One round: frames across both ways, reads served, writes done. True if anything moved.
  bool step() {
    bool moved = false;
    for (auto [from, to] : {std::pair{&provider, &guest}, std::pair{&guest, &provider}}) {
      moved |= collect(*from);
      moved |= deliver(*from, *to);
    }
    now += 1ms;
    return moved;
  }
  // Runs until nothing moves.
  void settle() {
    for (std::size_t round = 0; round < 100000; ++round)
      if (!step()) return;
    FAIL("the call did not settle");
  }
  // Runs a few rounds only: part of the way.
  void run(int rounds) {
    for (int i = 0; i < rounds; ++i) (void)step();
  }

  static bool collect(Side& s) {
    bool moved = false;
    while (auto f = s.chat.poll_chat_frame()) s.chat_wire.push_back(std::move(*f)), moved = true;
    // The channel's buffer is what is on the wire here.
    std::size_t on_wire = 0;
    for (const auto& f : s.file_wire) on_wire += f.size();
    while (auto f = s.chat.poll_file_frame(on_wire)) {
      ++s.chunks_sent[load_be32(f->data() + 17)];
      on_wire += f->size();
      s.file_wire.push_back(std::move(*f));
      moved = true;
    }
    s.most_unacked = std::max(s.most_unacked, on_wire);
    while (auto r = s.chat.poll_read()) {
      const ByteSpan bytes(s.file.data() + r->chunk.offset, r->chunk.length);
      ++s.reads;
      s.chat.handle_read(*r, bytes, {});
      moved = true;
    }
    while (auto c = s.chat.poll_download()) {
      moved = true;
      switch (c->kind) {
        case DownloadCommand::Kind::open:
          s.download_open = true;
          s.download_in_memory = c->in_memory;
          s.download_size = c->size;
          break;
        case DownloadCommand::Kind::write:
          s.download.insert(s.download.end(), c->bytes.data(), c->bytes.data() + c->bytes.size());
          ++s.writes;
          s.chat.handle_written(c->entry, {});
          break;
        case DownloadCommand::Kind::finish: s.download_finished = true; break;
        case DownloadCommand::Kind::abort: s.download_aborted = true; break;
      }
    }
    while (s.chat.poll_problem()) {
    }
    return moved;
  }

  bool deliver(Side& from, Side& to) {
    bool moved = false;
    while (!from.chat_wire.empty()) {
      to.chat.handle_chat_frame(from.chat_wire.front(), now);
      from.chat_wire.pop_front();
      moved = true;
    }
    // One chunk per round: acks come back while chunks flow, as on a real link.
    if (!from.file_wire.empty()) {
      auto frame = std::move(from.file_wire.front());
      from.file_wire.pop_front();
      if (on_chunk(frame)) to.chat.handle_file_frame(frame, now);
      moved = true;
    }
    return moved;
  }
};

std::vector<std::uint8_t> random_file(std::size_t n, std::uint32_t tag) {
  std::vector<std::uint8_t> out(n);
  std::array<std::uint8_t, randombytes_SEEDBYTES> seed{};
  seed[0] = static_cast<std::uint8_t>(tag);
  randombytes_buf_deterministic(out.data(), n, seed.data());
  return out;
}

// The provider offers its file; returns the two entries (provider's, guest's).
std::pair<std::uint64_t, std::uint64_t> offer(Call& call, std::size_t size, std::string_view type = "image/png") {
  call.provider.file = random_file(size, 7);
  FileId id{};
  id[0] = 0x42;
  const auto key = tessera_test::seeded<kKeyBytes>(9);
  REQUIRE_FALSE(call.provider.chat.offer_file(1, "rash photo.png", type, size, id, key, call.now));
  call.settle();
  const auto& mine = call.provider.chat.entries().back();
  const auto& theirs = call.guest.chat.entries().back();
  REQUIRE(theirs.file);
  CHECK(theirs.file->name == "rash photo.png");
  CHECK(theirs.file->size == size);
  CHECK(theirs.file->media_type == type);
  CHECK(theirs.file->step == TransferStep::offered);
  return {mine.id, theirs.id};
}

const ChatFile& file_of(const Side& s, std::uint64_t entry) { return *s.chat.entry(entry)->file; }

}  // namespace

TEST_CASE("chat: messages both ways in any script, sent then delivered, unread while the panel is hidden",
          "[chat]") {
  Call call;
  call.open_all();
  const std::string hello = "Olá, doutora! Der Ausschlag juckt 🙂 — 发痒 — حكة";
  call.guest.chat.set_seen(false);
  REQUIRE(call.provider.chat.send_text(hello, call.now) == SendRefusal::none);
  CHECK(call.provider.chat.entries().back().delivery == Delivery::sent);
  call.settle();
  CHECK(call.provider.chat.entries().back().delivery == Delivery::delivered);
  REQUIRE(call.guest.chat.entries().size() == 1);
  CHECK(call.guest.chat.entries().back().text == hello);
  CHECK_FALSE(call.guest.chat.entries().back().mine);
  CHECK(call.guest.chat.unread() == 1);
  call.guest.chat.set_seen(true);
  CHECK(call.guest.chat.unread() == 0);

  REQUIRE(call.guest.chat.send_text("Thank you 👍🏽", call.now) == SendRefusal::none);
  call.settle();
  CHECK(call.provider.chat.entries().back().text == "Thank you 👍🏽");
  CHECK(call.guest.chat.entries().back().delivery == Delivery::delivered);
  CHECK(call.provider.chat.rejected() == 0);
  CHECK(call.guest.chat.rejected() == 0);

  CHECK(call.guest.chat.send_text("   ", call.now) == SendRefusal::empty);
  CHECK(call.guest.chat.send_text(std::string(kChatMaxBody + 1, 'x'), call.now) == SendRefusal::too_long);
  CHECK(call.guest.chat.send_text("\xff\xfe", call.now) == SendRefusal::not_text);
}

TEST_CASE("chat: what is written while the channel is down waits, then goes once and in order", "[chat]") {
  Call call;
  call.open_all();
  call.guest.chat.handle_chat_closed();
  for (const char* text : {"one", "two", "three"})
    REQUIRE(call.guest.chat.send_text(text, call.now) == SendRefusal::none);
  call.settle();
  CHECK(call.provider.chat.entries().empty());
  for (const auto& e : call.guest.chat.entries()) CHECK(e.delivery == Delivery::waiting);

  call.guest.chat.handle_chat_open();
  call.guest.chat.handle_chat_open();  // told twice: still once
  call.settle();
  REQUIRE(call.provider.chat.entries().size() == 3);
  CHECK(call.provider.chat.entries()[0].text == "one");
  CHECK(call.provider.chat.entries()[2].text == "three");
  for (const auto& e : call.guest.chat.entries()) CHECK(e.delivery == Delivery::delivered);

  // A frame replayed on the wire is refused and counted, and shows nothing twice.
  call.guest.chat.handle_chat_closed();
  for (std::size_t i = 0; i < kChatMaxWaiting; ++i) (void)call.guest.chat.send_text("x", call.now);
  CHECK(call.guest.chat.send_text("one too many", call.now) == SendRefusal::too_many_waiting);
}

TEST_CASE("chat: a frame lost as the channel breaks goes again after the reopen, once", "[chat]") {
  Call call;
  call.open_all();
  REQUIRE(call.guest.chat.send_text("before", call.now) == SendRefusal::none);
  call.settle();
  CHECK(call.guest.chat.unconfirmed() == 0);  // the receipt covered it

  // Sent, then lost with the channel: handed to it, never delivered.
  REQUIRE(call.guest.chat.send_text("lost in the break", call.now) == SendRefusal::none);
  Call::collect(call.guest);
  REQUIRE(call.guest.chat_wire.size() == 1);
  call.guest.chat_wire.clear();
  CHECK(call.guest.chat.entries().back().delivery == Delivery::sent);
  CHECK(call.guest.chat.unconfirmed() == 1);
  for (Side* s : {&call.provider, &call.guest}) s->chat.handle_chat_closed();
  REQUIRE(call.guest.chat.send_text("written while down", call.now) == SendRefusal::none);
  call.settle();
  CHECK(call.provider.chat.entries().size() == 1);

  for (Side* s : {&call.provider, &call.guest}) s->chat.handle_chat_open();
  call.settle();
  REQUIRE(call.provider.chat.entries().size() == 3);
  CHECK(call.provider.chat.entries()[1].text == "lost in the break");
  CHECK(call.provider.chat.entries()[2].text == "written while down");
  for (const auto& e : call.guest.chat.entries()) CHECK(e.delivery == Delivery::delivered);
  CHECK(call.provider.chat.rejected() == 0);
  CHECK(call.guest.chat.rejected() == 0);
  CHECK(call.guest.chat.unconfirmed() == 0);
}

TEST_CASE("chat: frames sent again that already arrived are dropped quietly; changed or out of order ones are not",
          "[chat]") {
  Call call;
  call.open_all();
  // The provider's frames arrive but its receipt is lost with the channel: the
  // guest keeps its message, the provider keeps its receipt.
  REQUIRE(call.guest.chat.send_text("arrived", call.now) == SendRefusal::none);
  Call::collect(call.guest);
  call.deliver(call.guest, call.provider);
  Call::collect(call.provider);
  call.provider.chat_wire.clear();
  CHECK(call.guest.chat.unconfirmed() == 1);
  for (Side* s : {&call.provider, &call.guest}) s->chat.handle_chat_closed();
  for (Side* s : {&call.provider, &call.guest}) s->chat.handle_chat_open();
  Call::collect(call.guest);
  REQUIRE(call.guest.chat_wire.size() == 1);
  const std::vector<std::uint8_t> again = call.guest.chat_wire.front();
  call.settle();
  REQUIRE(call.provider.chat.entries().size() == 1);  // shown once
  CHECK(call.provider.chat.duplicates() == 1);
  CHECK(call.provider.chat.rejected() == 0);
  CHECK(call.guest.chat.entries().back().delivery == Delivery::delivered);

  // While still resyncing, the same frame changed is refused and reported.
  auto changed = again;
  changed.back() ^= 0x01;
  call.provider.chat.handle_chat_frame(changed, call.now);
  CHECK(call.provider.chat.rejected() == 1);
  // Once a new frame arrived the resync is over: the same frame again is a replay.
  REQUIRE(call.guest.chat.send_text("next", call.now) == SendRefusal::none);
  call.settle();
  call.provider.chat.handle_chat_frame(again, call.now);
  CHECK(call.provider.chat.rejected() == 2);
  CHECK(call.provider.chat.duplicates() == 1);
  CHECK(call.provider.chat.entries().size() == 2);

  // A frame lost for good: the next one is taken, the loss is reported to
  // both people (the receipt names the lost frame), and the chat goes on.
  REQUIRE(call.guest.chat.send_text("dropped", call.now) == SendRefusal::none);
  Call::collect(call.guest);
  call.guest.chat_wire.clear();
  REQUIRE(call.guest.chat.send_text("after the drop", call.now) == SendRefusal::none);
  call.settle();
  CHECK(call.provider.chat.rejected() == 2);
  CHECK(call.provider.chat.skipped() == 1);
  REQUIRE(call.provider.chat.entries().size() == 3);
  CHECK(call.provider.chat.entries()[2].text == "after the drop");
  const auto& sent = call.guest.chat.entries();
  REQUIRE(sent.size() == 4);
  CHECK(sent[2].text == "dropped");
  CHECK(sent[2].delivery == Delivery::lost);
  CHECK(sent[3].delivery == Delivery::delivered);
  REQUIRE(call.guest.chat.send_text("and on", call.now) == SendRefusal::none);
  call.settle();
  CHECK(call.provider.chat.entries().back().text == "and on");
  CHECK(call.guest.chat.entries()[2].delivery == Delivery::lost);  // later receipts do not claim it
}

TEST_CASE("chat: what is kept to send again is bounded; frames lost beyond it are skipped, and both people told",
          "[chat]") {
  Call call;
  call.open_all();
  for (std::size_t i = 0; i < kChatMaxUnconfirmed + 10; ++i)
    REQUIRE(call.guest.chat.send_text("m" + std::to_string(i), call.now) == SendRefusal::none);
  Call::collect(call.guest);
  call.guest.chat_wire.clear();  // all lost
  CHECK(call.guest.chat.unconfirmed() == kChatMaxUnconfirmed);
  for (Side* s : {&call.provider, &call.guest}) s->chat.handle_chat_closed();
  for (Side* s : {&call.provider, &call.guest}) s->chat.handle_chat_open();
  call.settle();
  // The ten oldest were not kept: skipped. The rest show, once, in order.
  CHECK(call.provider.chat.rejected() == 0);
  CHECK(call.provider.chat.skipped() == 10);
  REQUIRE(call.provider.chat.entries().size() == kChatMaxUnconfirmed);
  CHECK(call.provider.chat.entries().front().text == "m10");
  const auto& sent = call.guest.chat.entries();
  for (std::size_t i = 0; i < sent.size(); ++i) {
    CAPTURE(i);
    CHECK(sent[i].delivery == (i < 10 ? Delivery::lost : Delivery::delivered));
  }
  CHECK(call.guest.chat.unconfirmed() < kChatReceiptEvery);  // its receipts of the provider's receipts
  // Both ways still work.
  REQUIRE(call.provider.chat.send_text("still here?", call.now) == SendRefusal::none);
  REQUIRE(call.guest.chat.send_text("yes", call.now) == SendRefusal::none);
  call.settle();
  CHECK(call.guest.chat.entries().back().text == "still here?");
  CHECK(call.provider.chat.entries().back().text == "yes");
  CHECK(call.guest.chat.entries()[kChatMaxUnconfirmed + 9].delivery == Delivery::delivered);
}

TEST_CASE("chat: frames that show nothing get receipts too, so what a long download keeps stays small", "[chat]") {
  Call call;
  call.open_all();
  // 100 blocks: 101 acks from the guest, more than kChatReceiptEvery; the
  // provider's receipts answer them, and the guest's answer those only once
  // in kChatReceiptEvery.
  auto [mine, theirs] = offer(call, std::size_t{100} * kFileBlockChunks * kFileChunkDefault);
  call.guest.chat.accept(theirs);
  call.settle();
  REQUIRE(file_of(call.guest, theirs).step == TransferStep::done);
  CHECK(call.guest.chat.unconfirmed() < kChatReceiptEvery);
  CHECK(call.provider.chat.unconfirmed() < kChatReceiptEvery);
  CHECK(call.provider.chat.rejected() == 0);
  CHECK(call.guest.chat.skipped() == 0);
}

TEST_CASE("chat: a receipt that names lost frames wrongly is refused", "[chat]") {
  Call call;
  call.open_all();
  REQUIRE(call.guest.chat.send_text("hello", call.now) == SendRefusal::none);
  Call::collect(call.guest);
  call.guest.chat_wire.clear();
  // Sealed by hand with the provider's chat key, as its page would: lost [1, 1) is empty, [0, 2) reaches next.
  auto sender = chat_sender(call.pair.provider_keys);
  for (auto [from, to] : {std::pair<std::uint64_t, std::uint64_t>{1, 1}, {0, 2}}) {
    std::uint8_t body[24];
    store_be64(body, 2);
    store_be64(body + 8, from);
    store_be64(body + 16, to);
    call.guest.chat.handle_chat_frame(*chat_seal(sender, ChatKind::delivered, body), call.now);
  }
  std::vector<std::string> problems;
  while (auto p = call.guest.chat.poll_problem()) problems.push_back(std::string(p->what) + " " + p->error);
  CHECK(problems == std::vector<std::string>{"delivered bad_range", "delivered bad_range"});
  CHECK(call.guest.chat.entries().back().delivery == Delivery::sent);
}

TEST_CASE("files: a declined offer moves nothing; the sender sees it declined", "[chat][files]") {
  Call call;
  call.open_all();
  auto [mine, theirs] = offer(call, 300000);
  call.guest.chat.decline(theirs);
  call.settle();
  CHECK(file_of(call.guest, theirs).step == TransferStep::declined);
  CHECK(file_of(call.provider, mine).step == TransferStep::declined);
  CHECK(call.provider.chunks_sent.empty());
  CHECK_FALSE(call.guest.download_open);
}

TEST_CASE("files: an accepted file arrives byte-identical, within the window, with progress", "[chat][files]") {
  Call call;
  call.open_all();
  const std::size_t size = 40 * kFileChunkDefault + 1234;
  auto [mine, theirs] = offer(call, size);
  CHECK(call.provider.chunks_sent.empty());  // nothing before acceptance
  call.guest.chat.accept(theirs);
  call.settle();
  CHECK(file_of(call.guest, theirs).step == TransferStep::done);
  CHECK(file_of(call.provider, mine).step == TransferStep::done);
  CHECK(call.guest.download_finished);
  CHECK(call.guest.download == call.provider.file);
  CHECK(file_of(call.guest, theirs).bytes_done() == size);
  for (const auto& [index, times] : call.provider.chunks_sent) CHECK(times == 1);
  CHECK(call.provider.chunks_sent.size() == 41);
  // Never more than the channel's high water (and a chunk) on the wire, whatever the file's size.
  CHECK(call.provider.most_unacked <= kFileHighWaterBytes + kFileChunkDefault + 38);
  // The file is read and written in blocks: 41 chunks are 3 reads and 3 writes.
  CHECK(call.provider.reads == 3);
  CHECK(call.guest.writes == 3);
  CHECK(call.guest.chat.rejected() == 0);
}

TEST_CASE("files: cancel mid-way on either side stops both; the download is dropped", "[chat][files]") {
  for (const bool by_sender : {true, false}) {
    CAPTURE(by_sender);
    Call call;
    call.open_all();
    const std::uint32_t chunks = 3 * kFileWindowChunks;  // more than the window lets out before the cancel
    auto [mine, theirs] = offer(call, std::size_t{chunks} * kFileChunkDefault);
    call.guest.chat.accept(theirs);
    call.run(30);  // part of the way
    REQUIRE(file_of(call.guest, theirs).step == TransferStep::moving);
    if (by_sender) {
      call.provider.chat.cancel(mine);
    } else {
      call.guest.chat.cancel(theirs);
    }
    call.settle();
    CHECK(file_of(call.provider, mine).step == TransferStep::cancelled);
    CHECK(file_of(call.guest, theirs).step == TransferStep::cancelled);
    CHECK(file_of(call.provider, mine).cancelled_here == by_sender);
    CHECK(call.guest.download_aborted);
    CHECK(call.provider.chunks_sent.size() < chunks);
  }
}

TEST_CASE("files: after the files channel broke the upload resumes at the last ack, re-sending no acked chunk",
          "[chat][files]") {
  Call call;
  call.open_all();
  const std::size_t size = std::size_t{3 * kFileWindowChunks} * kFileChunkDefault;
  auto [mine, theirs] = offer(call, size);
  call.guest.chat.accept(theirs);
  call.run(40);
  REQUIRE(file_of(call.guest, theirs).step == TransferStep::moving);
  const std::uint64_t acked = file_of(call.provider, mine).bytes_done();
  REQUIRE(acked > 0);
  // The channel breaks: what was on it is lost.
  call.provider.file_wire.clear();
  call.provider.chat.handle_files_closed();
  call.settle();
  CHECK(file_of(call.provider, mine).step == TransferStep::moving);
  call.provider.chat.handle_files_open();
  call.guest.chat.handle_peer_files_opened();
  call.settle();
  CHECK(file_of(call.guest, theirs).step == TransferStep::done);
  CHECK(call.guest.download == call.provider.file);
  const auto acked_chunks = static_cast<std::uint32_t>(acked / kFileChunkDefault);
  for (const auto& [index, times] : call.provider.chunks_sent) {
    CAPTURE(index);
    if (index < acked_chunks) CHECK(times == 1);  // held by the receiver before the break: never again
    CHECK(times <= 2);
  }
  CHECK(call.guest.chat.rejected() == 0);
}

TEST_CASE("files: a chunk tampered with, duplicated or dropped on the way fails the download, on both screens",
          "[chat][files]") {
  enum class Harm { tamper, duplicate, drop };
  for (const Harm harm : {Harm::tamper, Harm::duplicate, Harm::drop}) {
    CAPTURE(static_cast<int>(harm));
    Call call;
    call.open_all();
    auto [mine, theirs] = offer(call, 20 * kFileChunkDefault);
    int seen = 0;
    std::vector<std::uint8_t> copy;
    call.on_chunk = [&](std::vector<std::uint8_t>& frame) {
      if (++seen != 5) return true;
      switch (harm) {
        case Harm::tamper: frame[100] ^= 0x01; return true;
        case Harm::duplicate: call.provider.file_wire.push_front(frame); return true;
        case Harm::drop: return false;
      }
      return true;
    };
    call.guest.chat.accept(theirs);
    call.settle();
    const ChatFile& got = file_of(call.guest, theirs);
    CHECK(got.step == TransferStep::failed);
    CHECK(std::string(got.problem).size() > 0);
    CHECK(call.guest.chat.rejected() >= 1);
    CHECK(call.guest.download_aborted);
    CHECK(file_of(call.provider, mine).step == TransferStep::cancelled);
  }
}

TEST_CASE("files on a kiosk: held in memory, never the device's files; larger than the limit refused, both told",
          "[chat][files]") {
  {
    Call call;  // a patient's own device: the download goes to the private file system
    call.open_all();
    const auto [mine, theirs] = offer(call, 1000);
    call.guest.chat.accept(theirs);
    call.settle();
    CHECK(call.guest.download_open);
    CHECK(call.guest.download_size == 1000);  // the room the download's file is given at once
    CHECK_FALSE(call.guest.download_in_memory);
  }
  Call call(ReceivedFiles::shown_only);
  call.open_all();
  // Up to the limit: accepted into memory only, and it arrives whole.
  const auto [mine, theirs] = offer(call, 3 * kFileChunkDefault + 5);
  call.guest.chat.accept(theirs);
  call.settle();
  CHECK(call.guest.download_open);
  CHECK(call.guest.download_in_memory);
  CHECK(call.guest.download_finished);
  CHECK(call.guest.download == call.provider.file);
  CHECK(file_of(call.guest, theirs).step == TransferStep::done);

  // One byte over: refused on arrival, nothing moves, both sides see why.
  const std::size_t chunks_before = call.provider.chunks_sent.size();
  call.guest.download_open = false;
  FileId big_id{};
  big_id[0] = 0x43;
  REQUIRE_FALSE(call.provider.chat.offer_file(2, "scan.bin", "application/octet-stream", kKioskMaxFileBytes + 1, big_id,
                                              tessera_test::seeded<kKeyBytes>(10), call.now));
  call.settle();
  const ChatEntry& sent = call.provider.chat.entries().back();
  const ChatEntry& refused = call.guest.chat.entries().back();
  REQUIRE(refused.file);
  CHECK(refused.file->name == "scan.bin");
  CHECK(refused.file->step == TransferStep::refused);
  CHECK(refused.file->cancelled_here);
  CHECK(sent.file->step == TransferStep::refused);
  CHECK_FALSE(sent.file->cancelled_here);
  call.guest.chat.accept(refused.id);  // too late to accept
  call.settle();
  CHECK_FALSE(call.guest.download_open);
  CHECK(call.provider.chunks_sent.size() == chunks_before);
  CHECK(call.provider.chat.rejected() == 0);
  CHECK(call.guest.chat.rejected() == 0);

  // Exactly the limit is taken (the offer only: its bytes are not needed here).
  FileId edge_id{};
  edge_id[0] = 0x44;
  REQUIRE_FALSE(call.provider.chat.offer_file(3, "edge.bin", "application/octet-stream", kKioskMaxFileBytes, edge_id,
                                              tessera_test::seeded<kKeyBytes>(11), call.now));
  call.settle();
  CHECK(call.guest.chat.entries().back().file->step == TransferStep::offered);
}

}  // namespace tessera::client::testing
