// libFuzzer target: the handshake messages (shared/handshake.hpp), read by
// both sides: guest hello (provider), accept, deny and note (guest).
// Identities are fixed (fuzz_common.hpp), so checked-in seeds made by
// make_seeds are genuine messages of this visit. Properties, for any input:
//   - every reader returns a value or a HandshakeError;
//   - the guest accepts an accept or a deny only if it is byte for byte the
//     one the provider makes (only the visit key signs, and Ed25519 in
//     libsodium is not malleable);
//   - a hello the provider accepts carries a name that is 1..64 bytes of
//     printable UTF-8 (reference checker), and can be accepted;
//   - a note the guest opens is 1..280 bytes of printable UTF-8, and the same
//     note is then refused as a replay;
//   - with the input as a display name or note text: the sender refuses it
//     exactly when it is invalid, and otherwise the other side reads it back.
#include <algorithm>
#include <optional>

#include "shared/handshake.hpp"
#include "tests/fuzz/fuzz_fixtures.hpp"

using namespace tessera;

namespace {

using fuzz::session_for;
using Fixture = fuzz::HandshakeFixture;

Fixture& fixture() {
  static Fixture f;
  return f;
}

bool valid_text(ByteSpan t, std::size_t max) {
  return !t.empty() && t.size() <= max && fuzz::reference_utf8(t, true);
}

void as_messages(ByteSpan in) {
  Fixture& f = fixture();
  auto hello = handshake_provider_read_hello(f.visit, in);
  if (hello) {
    FUZZ_CHECK(in.size() == kGuestHelloBytes);
    FUZZ_CHECK(valid_text(hello->name.bytes(), kDisplayNameMaxBytes));
    auto a = handshake_provider_accept(f.visit, f.provider, *hello);
    FUZZ_CHECK(a.ok() || a.error() == HandshakeError::bad_key);
  }

  auto keys = handshake_guest_finish(*f.guest, in);
  if (keys) {
    FUZZ_CHECK(in.size() == f.accept.size() && std::equal(in.begin(), in.end(), f.accept.begin()));
    FUZZ_CHECK(keys->peer_session == f.provider.id && keys->peer_kx == f.provider.kx_public);
  }
  auto denied = handshake_guest_check_deny(*f.guest, in);
  if (denied) FUZZ_CHECK(in.size() == f.deny.size() && std::equal(in.begin(), in.end(), f.deny.begin()));

  f.guest->last_note_seq = 0;
  f.guest->note_seen = false;
  auto note = handshake_guest_open_note(*f.guest, in);
  if (note) {
    FUZZ_CHECK(valid_text(note->bytes(), kNoteMaxBytes));
    FUZZ_CHECK(f.guest->note_seen && f.guest->last_note_seq == load_be32(in.data() + 2 + kVisitIdBytes +
                                                                         kSessionIdBytes + kHashBytes));
    auto replay = handshake_guest_open_note(*f.guest, in);
    FUZZ_CHECK(!replay && replay.error() == HandshakeError::note_replayed);
  } else {
    FUZZ_CHECK(!f.guest->note_seen);
  }
}

void as_name(ByteSpan in) {
  Fixture& f = fixture();
  const auto seal = fuzz::fixed_bytes<kSeedBytes>(fuzz::tag::name_seal);
  auto g = handshake_guest_start(f.link, session_for(fuzz::tag::guest_session), fuzz::as_text(in),
                                 std::span<const std::uint8_t, kSeedBytes>(seal));
  FUZZ_CHECK(g.ok() == valid_text(in, kDisplayNameMaxBytes));
  if (!g) {
    FUZZ_CHECK(g.error() == HandshakeError::bad_name);
    return;
  }
  auto w = handshake_provider_read_hello(f.visit, g->hello);
  FUZZ_CHECK(w.ok() && w->name.view() == fuzz::as_text(in));
  // A relay that changes any byte of the hello is caught by the MAC.
  auto tampered = g->hello;
  tampered[2 + (in[0] % (kGuestHelloBytes - 2))] ^= 0x80;
  FUZZ_CHECK(!handshake_provider_read_hello(f.visit, tampered).ok());
}

void as_note(ByteSpan in) {
  Fixture& f = fixture();
  const auto seal = fuzz::fixed_bytes<kSeedBytes>(fuzz::tag::note_seal);
  auto n = handshake_provider_note(f.visit, *f.waiting, 9, fuzz::as_text(in),
                                   std::span<const std::uint8_t, kSeedBytes>(seal));
  FUZZ_CHECK(n.ok() == valid_text(in, kNoteMaxBytes));
  if (!n) return;
  f.guest->last_note_seq = 0;
  f.guest->note_seen = false;
  auto opened = handshake_guest_open_note(*f.guest, *n);
  FUZZ_CHECK(opened.ok() && opened->view() == fuzz::as_text(in));
  FUZZ_CHECK(f.guest->last_note_seq == 9);
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  fuzz::init();
  (void)fixture();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const ByteSpan in(data, size);
  as_messages(in);
  as_name(in);
  as_note(in);
  return 0;
}
