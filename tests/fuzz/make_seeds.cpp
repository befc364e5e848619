// Seed generator for the fuzz corpora: writes small, valid inputs for each
// target under <out>/<target>/seed-*.bin, made with the fixed identities of
// fuzz_fixtures.hpp so the targets get past authentication on them.
// Deterministic: the same tree gives the same files.
//   fuzz_make_seeds tests/fuzz/corpus
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "shared/base64url.hpp"
#include "shared/chat_channel.hpp"
#include "shared/envelope.hpp"
#include "shared/file_stream.hpp"
#include "shared/handshake.hpp"
#include "shared/safety_code.hpp"
#include "shared/share_content.hpp"
#if TESSERA_FUZZ_SIGNALING
#include "shared/signaling.hpp"
#endif
#include "shared/visit_link.hpp"
#include "tests/fuzz/fuzz_fixtures.hpp"

using namespace tessera;
namespace fs = std::filesystem;

namespace {

fs::path g_out;

void write(const std::string& target, const std::string& name, ByteSpan bytes) {
  const fs::path dir = g_out / target;
  fs::create_directories(dir);
  std::ofstream f(dir / ("seed-" + name + ".bin"), std::ios::binary | std::ios::trunc);
  f.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  if (!f) {
    std::fprintf(stderr, "cannot write %s/%s\n", dir.c_str(), name.c_str());
    std::exit(1);
  }
}
void write(const std::string& target, const std::string& name, std::string_view text) {
  write(target, name, ByteSpan(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()));
}

std::vector<std::uint8_t> pattern(std::size_t n, std::uint8_t start) {
  std::vector<std::uint8_t> v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = static_cast<std::uint8_t>(start + i * 7);
  return v;
}

void link_seeds(const fuzz::HandshakeFixture& hs) {
  const std::string t = "fuzz_visit_link";
  const char* hosts[] = {"clinic.example", "clinic.example:8443", "127.0.0.1:8080", "[::1]:8443", "a-b.c-d.example"};
  int i = 0;
  for (const char* host : hosts) {
    VisitLink link = provider_visit_link(hs.visit, host);
    auto text = visit_link_format(link);
    FUZZ_CHECK(text.ok());
    write(t, "link" + std::to_string(i++), text->view());
  }
  write(t, "visit-id", visit_id_format(hs.visit.visit_id));
  write(t, "b64-empty", "");
  write(t, "b64-1", "QQ");
  write(t, "b64-2", "QUI");
  write(t, "b64-3", "QUJD");
  write(t, "bad-query", "https://clinic.example/v/AAAAAAAAAAAAAAAAAAAAAA?x=1#AA");
  write(t, "bad-padding", "https://clinic.example/v/AAAAAAAAAAAAAAAAAAAAAA==#AA");
}

void envelope_seeds() {
  const std::string t = "fuzz_envelope";
  const fuzz::Route route;
  auto s = fuzz::envelope_sender_for(route, 0);
  const struct {
    MessageType type;
    std::size_t size;
  } seeds[] = {{MessageType::sdp_offer, 0},       {MessageType::ice_candidate, 200},
               {MessageType::sdp_answer, 2000},   {MessageType::safety_commit, 32},
               {MessageType::safety_reveal, 130}, {MessageType::display_name, 20},
               {MessageType::control, 16000}};
  int i = 0;
  for (const auto& seed : seeds) {
    auto m = envelope_seal(s, seed.type, pattern(seed.size, static_cast<std::uint8_t>(i)));
    FUZZ_CHECK(m.ok());
    write(t, "envelope" + std::to_string(i++), *m);
  }
  write(t, "body-text", "{\"type\":\"offer\",\"sdp\":\"v=0\"}");
  write(t, "seqs", pattern(40, 0x80));
}

void handshake_seeds(fuzz::HandshakeFixture& hs) {
  const std::string t = "fuzz_handshake";
  write(t, "hello", hs.guest->hello);
  write(t, "accept", hs.accept);
  write(t, "deny", hs.deny);
  const auto seal = fuzz::fixed_bytes<kSeedBytes>(fuzz::tag::note_seal);
  auto note = handshake_provider_note(hs.visit, *hs.waiting, 1, "Running five minutes late, sorry.",
                                      std::span<const std::uint8_t, kSeedBytes>(seal));
  FUZZ_CHECK(note.ok());
  write(t, "note", *note);
  write(t, "name-ascii", "Pat");
  write(t, "name-utf8", "Zo\xc3\xab Ng\xe1\xbb\xa5y\xe1\xbb\x85n");
  write(t, "name-control", "Pat\x07");
}

void chat_seeds() {
  const std::string t = "fuzz_chat_frame";
  auto s = fuzz::chat_sender_at(0);
  const std::string hello = "Hello doctor, can you hear me? \xf0\x9f\x91\x8b";
  auto m0 = chat_seal(s, ChatKind::text, ByteSpan(reinterpret_cast<const std::uint8_t*>(hello.data()), hello.size()));
  auto m1 = chat_seal(s, ChatKind::file_offer, pattern(90, 3));
  auto m2 = chat_seal(s, ChatKind::file_ack, pattern(kFileAckBytes, 5));
  auto m3 = chat_seal(s, ChatKind::file_cancel, pattern(kFileIdBytes, 9));
  auto m4 = chat_seal(s, ChatKind::text, pattern(3000, 'a'));
  FUZZ_CHECK(m0.ok() && m1.ok() && m2.ok() && m3.ok() && !m4.ok());  // pattern() is not UTF-8 past 0x7f
  write(t, "frame-text", *m0);
  write(t, "frame-offer", *m1);
  write(t, "frame-ack", *m2);
  write(t, "frame-cancel", *m3);
  write(t, "text-ascii", "\x01See you at 3pm.");
  write(t, "text-utf8", "\x01\xe6\x82\xa3\xe8\x80\x85 \xd0\xbf\xd0\xb0\xd1\x86\xd0\xb8\xd0\xb5\xd0\xbd\xd1\x82");
  write(t, "text-bad", "\x01\xed\xa0\x80\xc0\xaf\xf4\x90\x80\x80");
}

void file_seeds() {
  const std::string t = "fuzz_file_stream";
  const FileDescription d = fuzz::fixed_file(fuzz::kFrameFileSize, fuzz::kFrameFileChunk);
  write(t, "description", file_description_encode(d).span());
  const auto contents = pattern(fuzz::kFrameFileSize, 1);
  std::size_t at = 0;
  for (std::uint32_t i = 0; i < file_chunk_count(d); ++i) {
    const std::size_t len = file_chunk_length(d, i);
    auto c = file_chunk_seal(d, i, ByteSpan(contents).subspan(at, len));
    FUZZ_CHECK(c.ok());
    write(t, "chunk" + std::to_string(i), *c);
    at += len;
  }
  FileReceiver r = file_receiver(fuzz::fixed_file(0, kFileChunkMin));
  r.next_index = 2;
  write(t, "ack", file_ack_encode(r));
  write(t, "contents-small", pattern(100, 0));
  write(t, "contents-3k", pattern(3000, 0));
}

void safety_seeds() {
  const std::string t = "fuzz_safety_code";
  write(t, "sha256", "sha-256 4A:AD:B9:B1:3F:82:18:3B:54:02:12:DF:3E:5D:49:6B:19:E5:7C:AB:3E:4B:65:76:9A:52:5E:A4:FB:35:5F:9C");
  write(t, "sha384",
        "SHA-384 00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff:00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff:"
        "00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff");
  write(t, "sha512-short", "sha-512 00:11");
  write(t, "commit", pattern(kSafetyCommitBytes, 0));
  write(t, "reveal", pattern(2 + 32 + kKxPublicKeyBytes + kSafetyNonceBytes, 2));
}

void share_seeds() {
  const std::string t = "fuzz_share_content";
  const Key secret = fuzz::fixed_key(fuzz::tag::share_secret);
  const auto share = fuzz::fixed_bytes<kVisitIdBytes>(fuzz::tag::share_id);
  const auto nonce = fuzz::fixed_bytes<kAeadNonceBytes>(fuzz::tag::share_id);
  ShareContent note;
  note.provider_name = "Dr. Ng\xe1\xbb\xa5y\xe1\xbb\x85n";
  const std::string text = "Take one tablet twice a day.\n**Call us** if the rash spreads.";
  note.body = SecretBuffer(ByteSpan(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()));
  ShareContent file;
  file.kind = ShareKind::file;
  file.provider_name = "Dr. Ng";
  file.file_name = "lab results.pdf";
  file.media_type = "application/pdf";
  file.body = SecretBuffer(pattern(700, 4));
  auto sealed_note = share_seal_with_nonce(secret, share, note, nonce);
  auto sealed_file = share_seal_with_nonce(secret, share, file, nonce);
  FUZZ_CHECK(sealed_note.ok() && sealed_file.ok());
  write(t, "sealed-note", *sealed_note);
  write(t, "sealed-file", *sealed_file);
  // Fields: two cut points, the kind (odd: a file), the media type's length, then the bytes.
  static constexpr char fields_note[] = "\x06\x06\x00\x00" "Dr. Ng" "See you on Monday.";
  static constexpr char fields_file[] = "\x02\x0c\x01\x09" "Dr" "scan 1.png" "image/png" "\x89PNG";
  write(t, "fields-note", std::string_view(fields_note, sizeof fields_note - 1));
  write(t, "fields-file", std::string_view(fields_file, sizeof fields_file - 1));
}

#if TESSERA_FUZZ_SIGNALING
void signaling_seeds(fuzz::HandshakeFixture& hs) {
  const std::string t = "fuzz_signaling";
  const fuzz::Route route;
  auto sender = fuzz::envelope_sender_for(route, 0);
  auto envelope = envelope_seal(sender, MessageType::ice_candidate, pattern(150, 1));
  FUZZ_CHECK(envelope.ok());
  const auto seal = fuzz::fixed_bytes<kSeedBytes>(fuzz::tag::note_seal);
  auto note = handshake_provider_note(hs.visit, *hs.waiting, 1, "Please wait, the doctor is finishing a call.",
                                      std::span<const std::uint8_t, kSeedBytes>(seal));
  FUZZ_CHECK(note.ok());
  const auto resume = fuzz::fixed_bytes<kResumeSecretBytes>(30);

  const auto msg = [&](SignalingType type, ByteSpan payload) {
    SignalingMessage m;
    m.type = type;
    m.visit = type == SignalingType::relay ? route.visit : hs.visit.visit_id;
    m.session = hs.guest->session.id;
    m.payload.assign(payload.begin(), payload.end());
    return m;
  };
  const Hash resume_hash = signaling_resume_hash(std::span<const std::uint8_t, kResumeSecretBytes>(resume));
  SignalingMessage hello = msg(SignalingType::hello, resume_hash);
  hello.role = SignalingRole::provider;
  SignalingMessage error = msg(SignalingType::error, {});
  error.code = SignalingErrorCode::visit_full;
  error.detail = "This visit already has two people.";
  SignalingMessage timeout = msg(SignalingType::error, {});
  timeout.code = SignalingErrorCode::timeout;
  timeout.detail = "no hello in time";
  const SignalingMessage all[] = {
      std::move(hello),
      msg(SignalingType::join, hs.guest->hello),
      msg(SignalingType::waiting, hs.guest->hello),
      msg(SignalingType::admit, hs.accept),
      msg(SignalingType::deny, hs.deny),
      msg(SignalingType::note, *note),
      msg(SignalingType::relay, *envelope),
      msg(SignalingType::resume, resume),
      msg(SignalingType::resumed, {}),
      msg(SignalingType::end, {}),
      std::move(error),
      std::move(timeout),
  };
  const char* names[] = {"hello", "join",    "waiting", "admit", "deny",  "note",
                         "relay", "resume",  "resumed", "end",   "error", "error-timeout"};
  static_assert(sizeof(names) / sizeof(names[0]) == sizeof(all) / sizeof(all[0]));
  int i = 0;
  for (const auto& m : all) {
    const std::string text = signaling_serialize(m);
    const bool to = signaling_parse(text, SignalingDirection::to_gateway).ok();
    const bool from = signaling_parse(text, SignalingDirection::from_gateway).ok();
    FUZZ_CHECK(to || from);
    write(t, names[i++], text);
  }
  write(t, "nested", "{\"type\":\"end\",\"visit\":{\"a\":[1,2]}}");
  write(t, "duplicate", "{\"type\":\"end\",\"type\":\"end\"}");
  write(t, "escapes", "{\"type\":\"error\",\"code\":\"internal\",\"detail\":\"\\u00e9\\ud83d\\ude00\"}");
  // The relay fast path (shared/signaling_relay.hpp): another member order
  // and whitespace (its form), an escape and a duplicate (not its form).
  const std::string envelope_text = base64url_encode(*envelope), visit_text = base64url_encode(route.visit);
  const std::string envelope_member = "\"envelope\":\"" + envelope_text + "\"";
  const std::string visit_member = "\"visit\":\"" + visit_text + "\"";
  write(t, "relay-spaced", " {" + visit_member + " ,\n\"type\" : \"relay\", " + envelope_member + "}\n");
  write(t, "relay-escaped", "{" + envelope_member + ",\"type\":\"rel\\u0061y\"," + visit_member + "}");
  write(t, "relay-duplicate", "{" + envelope_member + "," + envelope_member + "," + visit_member + "}");
}
#endif

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s CORPUS_DIR\n", argv[0]);
    return 2;
  }
  fuzz::init();
  g_out = argv[1];
  fuzz::HandshakeFixture hs;
  link_seeds(hs);
  envelope_seeds();
  handshake_seeds(hs);
  chat_seeds();
  file_seeds();
  safety_seeds();
  share_seeds();
#if TESSERA_FUZZ_SIGNALING
  signaling_seeds(hs);
#endif
  std::printf("seeds written under %s\n", g_out.c_str());
  return 0;
}
