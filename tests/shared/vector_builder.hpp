#pragma once
// Builds the known-answer vectors of tests/vectors/*.json from a fixed seed,
// through the public API of shared/. tools/make_vectors writes them once;
// vectors_test.cpp rebuilds them on every target and requires byte equality,
// so any change to the wire format or derivations shows up as a diff.
// Bytes are lower-case hex; links and fingerprints are text as on the wire.
#include <sodium.h>

#include <nlohmann/json.hpp>

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "shared/base64url.hpp"
#include "shared/chat_channel.hpp"
#include "shared/envelope.hpp"
#include "shared/file_stream.hpp"
#include "shared/handshake.hpp"
#include "shared/safety_code.hpp"
#include "shared/share_content.hpp"
#include "shared/visit_link.hpp"

namespace tessera_vectors {

using json = nlohmann::json;
using namespace tessera;

inline std::string hex(ByteSpan b) {
  std::string out(b.size() * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), b.data(), b.size());
  out.pop_back();
  return out;
}
inline std::string hex(std::string_view s) {
  return hex(ByteSpan(reinterpret_cast<const std::uint8_t*>(s.data()), s.size()));
}

// Deterministic "random" bytes: randombytes_buf_deterministic seeded with
// BLAKE2b-256("tessera/vectors/v1/" + name).
template <std::size_t N>
std::array<std::uint8_t, N> det(std::string_view name) {
  const std::string full = "tessera/vectors/v1/" + std::string(name);
  std::array<std::uint8_t, randombytes_SEEDBYTES> seed{};
  crypto_generichash(seed.data(), seed.size(), reinterpret_cast<const std::uint8_t*>(full.data()), full.size(),
                     nullptr, 0);
  std::array<std::uint8_t, N> out{};
  randombytes_buf_deterministic(out.data(), N, seed.data());
  return out;
}

inline std::string fingerprint_text(ByteSpan digest) {
  std::string s = "sha-256 ";
  static const char* digits = "0123456789ABCDEF";
  for (std::size_t i = 0; i < digest.size(); ++i) {
    if (i) s += ':';
    s += digits[digest[i] >> 4];
    s += digits[digest[i] & 15];
  }
  return s;
}

inline json session_json(const Session& s, ByteSpan seed) {
  return {{"seed", hex(seed)},
          {"session_id", hex(s.id)},
          {"kx_public", hex(s.kx_public)},
          {"kx_secret", hex(s.kx_secret.span())}};
}

// name -> document. Aborts (via value()) if the API fails, which a test reports.
inline std::map<std::string, json> build_vectors() {
  std::map<std::string, json> out;
  if (sodium_init() < 0) return out;

  // ---- visit link
  const auto visit_seed = det<kVisitSeedBytes>("visit");
  const ProviderVisit visit = provider_visit_from_seed(visit_seed);
  const VisitLink link = provider_visit_link(visit, "clinic.example:8443");
  const auto link_text = visit_link_format(link);
  const std::string link_str(link_text->view());
  json invalid = json::array();
  const auto add_invalid = [&](std::string text) {
    auto r = visit_link_parse(text);
    invalid.push_back({{"link", text}, {"error", r ? "none" : link_error_name(r.error())}});
  };
  add_invalid("http" + link_str.substr(5));
  add_invalid(link_str.substr(0, link_str.find('#')));
  add_invalid(link_str.substr(0, link_str.size() - 1));
  add_invalid(link_str + "=");
  add_invalid(link_str.substr(0, link_str.find("/v/")) + "/w/" + link_str.substr(link_str.find("/v/") + 3));
  {
    std::vector<std::uint8_t> raw{0x02};
    raw.insert(raw.end(), visit.link_secret.data(), visit.link_secret.data() + 32);
    raw.insert(raw.end(), visit.public_key.begin(), visit.public_key.end());
    add_invalid(link_str.substr(0, link_str.find('#') + 1) + base64url_encode(raw));
  }
  out["visit_link"] = {
      {"description", "A visit link (PROTOCOL.md §5) and links that must be rejected, with the error."},
      {"visit_seed", hex(visit_seed)},
      {"host", link.host},
      {"visit_id", hex(visit.visit_id)},
      {"link_secret", hex(visit.link_secret.span())},
      {"provider_public_key", hex(visit.public_key)},
      {"provider_secret_key", hex(visit.secret_key.span())},
      {"link", link_str},
      {"invalid", invalid}};

  // ---- handshake
  const auto guest_seed = det<kSessionSeedBytes>("guest-session");
  const auto provider_seed = det<kSessionSeedBytes>("provider-session");
  const auto name_seal_seed = det<kSeedBytes>("name-seal");
  const std::string display_name = "Zoë Ámbar";
  const Session provider = session_from_seed(provider_seed);
  auto guest = handshake_guest_start(*visit_link_parse(link_str), session_from_seed(guest_seed), display_name,
                                     name_seal_seed);
  auto waiting = handshake_provider_read_hello(visit, guest->hello);
  auto accepted = handshake_provider_accept(visit, provider, *waiting);
  auto guest_keys = handshake_guest_finish(*guest, accepted->accept);
  const SessionKeys& gk = *guest_keys;
  const auto deny = handshake_provider_deny(visit, *waiting);
  const auto note_seed = det<kSeedBytes>("note-seal");
  const std::string note_text = "The doctor will be with you in 5 minutes.";
  const auto note = handshake_provider_note(visit, *waiting, 1, note_text, note_seed);
  out["handshake"] = {
      {"description", "GuestHello, ProviderAccept/Deny/Note and the session keys (PROTOCOL.md §6)."},
      {"link", link_str},
      {"provider_secret_key", hex(visit.secret_key.span())},
      {"guest_session", session_json(guest->session, guest_seed)},
      {"provider_session", session_json(provider, provider_seed)},
      {"display_name", display_name},
      {"name_seal_seed", hex(name_seal_seed)},
      {"hello", hex(guest->hello)},
      {"th1", hex(guest->transcript1)},
      {"accept", hex(accepted->accept)},
      {"th2", hex(gk.transcript)},
      {"signal_g2p", hex(gk.signal_send.span())},
      {"signal_p2g", hex(gk.signal_recv.span())},
      {"chat_g2p", hex(gk.chat_send.span())},
      {"chat_p2g", hex(gk.chat_recv.span())},
      {"deny", hex(deny)},
      {"note", {{"seq", 1}, {"text", note_text}, {"seal_seed", hex(note_seed)}, {"message", hex(*note)}}}};

  // ---- envelopes, both directions
  auto g_tx = envelope_sender(gk);
  auto p_tx = envelope_sender(accepted->keys);
  json envelopes = json::array();
  const auto add_env = [&](EnvelopeSender& s, std::string_view dir, MessageType t, std::string_view body) {
    const std::uint64_t seq = s.next_seq;
    auto e = envelope_seal(s, t, ByteSpan(reinterpret_cast<const std::uint8_t*>(body.data()), body.size()));
    envelopes.push_back({{"direction", dir}, {"type", static_cast<int>(t)}, {"seq", seq},
                         {"body", hex(body)}, {"envelope", hex(*e)}});
  };
  add_env(g_tx, "g2p", MessageType::sdp_offer, "v=0\r\no=- 4611731400430051336 2 IN IP4 127.0.0.1\r\ns=-\r\n");
  add_env(p_tx, "p2g", MessageType::sdp_answer, "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\n");
  add_env(g_tx, "g2p", MessageType::ice_candidate, "candidate:1 1 udp 2122260223 192.0.2.7 54321 typ host");
  add_env(p_tx, "p2g", MessageType::control, "");
  add_env(g_tx, "g2p", MessageType::control, std::string(200, 'x'));
  out["envelope"] = {{"description", "Sealed envelopes made with the handshake's signal keys (PROTOCOL.md §7)."},
                     {"envelopes", envelopes}};

  // ---- safety code
  const auto fp_p_digest = det<32>("fingerprint-provider");
  const auto fp_g_digest = det<32>("fingerprint-guest");
  const std::string fp_p = fingerprint_text(fp_p_digest), fp_g = fingerprint_text(fp_g_digest);
  const auto nonce_p = det<kSafetyNonceBytes>("safety-nonce-provider");
  const auto nonce_g = det<kSafetyNonceBytes>("safety-nonce-guest");
  auto ep = safety_start(accepted->keys, *dtls_fingerprint_parse(fp_p), nonce_p);
  auto eg = safety_start(gk, *dtls_fingerprint_parse(fp_g), nonce_g);
  (void)safety_receive_commit(ep, safety_commit_message(eg));
  (void)safety_receive_commit(eg, safety_commit_message(ep));
  const auto reveal_p = *safety_reveal_message(ep);
  const auto reveal_g = *safety_reveal_message(eg);
  const auto code = safety_receive_reveal(ep, reveal_g, *dtls_fingerprint_parse(fp_g));
  out["safety_code"] = {
      {"description", "Commit/reveal bodies and the resulting code (PROTOCOL.md §8), session of handshake.json."},
      {"provider", {{"fingerprint", fp_p}, {"nonce", hex(nonce_p)}, {"commit", hex(ep.own_commit)},
                    {"reveal", hex(reveal_p)}}},
      {"guest", {{"fingerprint", fp_g}, {"nonce", hex(nonce_g)}, {"commit", hex(eg.own_commit)},
                 {"reveal", hex(reveal_g)}}},
      {"code_hash", hex(code->hash)},
      {"digits", safety_code_digits(*code)},
      {"words", safety_code_words(*code)}};

  // ---- chat and a file offered through it
  auto c_g = chat_sender(gk);
  auto c_p = chat_sender(accepted->keys);
  json frames = json::array();
  const auto add_chat = [&](ChatSender& s, std::string_view dir, ChatKind k, ByteSpan body) {
    const std::uint64_t seq = s.next_seq;
    auto f = chat_seal(s, k, body);
    frames.push_back({{"direction", dir}, {"seq", seq}, {"kind", static_cast<int>(k)}, {"body", hex(body)},
                      {"frame", hex(*f)}});
  };
  const auto text = [](std::string_view s) { return ByteSpan(reinterpret_cast<const std::uint8_t*>(s.data()), s.size()); };
  add_chat(c_g, "g2p", ChatKind::text, text("Hello, I can hear you."));
  add_chat(c_p, "p2g", ChatKind::text, text("Good morning! How are you feeling today?"));
  add_chat(c_g, "g2p", ChatKind::text, text(""));

  const std::uint64_t file_size = 2600;
  std::vector<std::uint8_t> content(file_size);
  for (std::size_t i = 0; i < content.size(); ++i) content[i] = static_cast<std::uint8_t>((i * 131 + 7) & 0xff);
  auto desc = file_description_make(det<kFileIdBytes>("file-id"), det<kKeyBytes>("file-key"), file_size, 1024,
                                    "blood pressure log.csv", "text/csv");
  const auto encoded = file_description_encode(*desc);
  add_chat(c_g, "g2p", ChatKind::file_offer, encoded.span());
  json chunks = json::array();
  for (std::uint32_t i = 0; i < file_chunk_count(*desc); ++i)
    chunks.push_back(hex(*file_chunk_seal(*desc, i, ByteSpan(content.data() + std::size_t{i} * 1024,
                                                             file_chunk_length(*desc, i)))));
  auto r = file_receiver(std::move(desc.value()));
  add_chat(c_p, "p2g", ChatKind::file_ack, file_ack_encode(r));
  // The receipt for the three g2p text and offer frames above (next_seq 3), then the offer withdrawn.
  const std::array<std::uint8_t, 8> next_seq_3{0, 0, 0, 0, 0, 0, 0, 3};
  add_chat(c_p, "p2g", ChatKind::delivered, next_seq_3);
  add_chat(c_g, "g2p", ChatKind::file_cancel, det<kFileIdBytes>("file-id"));
  // A receipt that names frames lost for good: g2p below 4 arrived, except [1, 3).
  const std::array<std::uint8_t, 24> next_4_lost_1_3{0, 0, 0, 0, 0, 0, 0, 4, 0, 0, 0, 0, 0, 0, 0, 1,
                                                     0, 0, 0, 0, 0, 0, 0, 3};
  add_chat(c_p, "p2g", ChatKind::delivered, next_4_lost_1_3);
  out["chat"] = {{"description", "Chat frames with the handshake's chat keys (PROTOCOL.md §9)."},
                 {"frames", frames}};
  out["file_stream"] = {
      {"description", "A file offered in chat frame 3 (g2p seq 2) and its chunks (PROTOCOL.md §10)."},
      {"offer_frame_index", 3},
      {"description_bytes", hex(encoded.span())},
      {"name", "blood pressure log.csv"},
      {"media_type", "text/csv"},
      {"size", file_size},
      {"chunk_size", 1024},
      {"content", hex(content)},
      {"chunks", chunks}};

  // ---- ephemeral share (PROTOCOL.md §13): the visit's keys under a share id
  VisitLink share_link{link.host, det<kVisitIdBytes>("share-id"), visit.link_secret.clone(), visit.public_key};
  const auto share_text = share_link_format(share_link);
  const std::string share_str(share_text->view());
  json sealed_shares = json::array();
  const auto add_share = [&](ShareKind kind, std::string_view file_name, std::string_view media_type,
                             ByteSpan body, std::string_view nonce_name) {
    ShareContent c;
    c.kind = kind;
    c.provider_name = "Dr. Ada Lovelace";
    c.file_name = std::string(file_name);
    c.media_type = std::string(media_type);
    c.body = SecretBuffer(body);
    const auto nonce = det<kAeadNonceBytes>(nonce_name);
    const auto sealed = share_seal_with_nonce(share_link.link_secret, share_link.visit_id, c, nonce);
    sealed_shares.push_back({{"kind", static_cast<int>(kind)},
                             {"provider_name", c.provider_name},
                             {"file_name", c.file_name},
                             {"media_type", c.media_type},
                             {"body", hex(body)},
                             {"sealed", hex(*sealed)}});
  };
  add_share(ShareKind::note, "", "", text("Take 5 mg of amlodipine every morning."), "share-nonce-1");
  add_share(ShareKind::file, "blood pressure log.csv", "text/csv", ByteSpan(content.data(), 300), "share-nonce-2");
  out["share"] = {{"description", "Share links and sealed share content (PROTOCOL.md §13)."},
                  {"link", share_str},
                  {"share_id", hex(share_link.visit_id)},
                  {"link_secret", hex(share_link.link_secret.span())},
                  {"content_key", hex(share_content_key(share_link.link_secret, share_link.visit_id).span())},
                  {"open_proof", hex(share_open_proof(share_link.link_secret, share_link.visit_id))},
                  {"open_verifier",
                   hex(share_open_verifier(share_open_proof(share_link.link_secret, share_link.visit_id)))},
                  {"sealed", sealed_shares}};
  return out;
}

}  // namespace tessera_vectors
