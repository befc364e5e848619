#include "tools/bench/bench_visit.hpp"

#include <sodium.h>

#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <vector>

#include "shared/base64url.hpp"
#include "shared/envelope.hpp"
#include "shared/handshake.hpp"
#include "shared/signaling.hpp"

namespace tessera::bench {
namespace {

constexpr std::string_view kEnvelopeKey = R"({"envelope":")";
constexpr std::size_t kHeadBytes = 60;  // std::array size in Frame
constexpr std::size_t kHeadChars = 80;  // base64url of 60 bytes, no padding
constexpr std::size_t kSeqAt = kEnvelopeHeaderBytes - 8;

template <std::size_t N>
std::array<std::uint8_t, N> random_bytes() {
  std::array<std::uint8_t, N> b{};
  randombytes_buf(b.data(), b.size());
  return b;
}

// The bench builds these from its own fresh keys: a failure is a bug here.
template <typename R>
auto must(R r, const char* what) {
  if (!r) {
    std::cerr << "relay_load: " << what << " failed\n";
    std::abort();
  }
  return std::move(r).value();
}

std::string hello(SignalingRole role, const VisitId& visit, const SessionId& session) {
  const auto secret = random_bytes<kResumeSecretBytes>();
  const Hash resume = signaling_resume_hash(secret);
  SignalingMessage m;
  m.type = SignalingType::hello;
  m.role = role;
  m.visit = visit;
  m.session = session;
  m.payload.assign(resume.begin(), resume.end());
  return signaling_serialize(m);
}

std::string with_payload(SignalingType type, const VisitId& visit, const SessionId& session, ByteSpan payload) {
  SignalingMessage m;
  m.type = type;
  m.visit = visit;
  m.session = session;
  m.payload.assign(payload.begin(), payload.end());
  return signaling_serialize(m);
}

}  // namespace

BenchVisit::BenchVisit(std::size_t body_bytes) {
  const auto visit_seed = random_bytes<kVisitSeedBytes>();
  const ProviderVisit pv = provider_visit_from_seed(visit_seed);
  const VisitLink link = provider_visit_link(pv, "clinic.example");
  const auto provider_seed = random_bytes<kSessionSeedBytes>();
  const auto guest_seed = random_bytes<kSessionSeedBytes>();
  const auto seal_seed = random_bytes<kSeedBytes>();
  const Session provider = session_from_seed(provider_seed);
  const GuestHandshake guest = must(handshake_guest_start(link, session_from_seed(guest_seed), "Bench", seal_seed),
                                    "handshake_guest_start");
  const WaitingGuest waiting = must(handshake_provider_read_hello(pv, guest.hello), "handshake_provider_read_hello");
  const ProviderAccepted accepted = must(handshake_provider_accept(pv, provider, waiting), "handshake_provider_accept");
  const SessionKeys guest_keys = must(handshake_guest_finish(guest, accepted.accept), "handshake_guest_finish");

  visit_ = pv.visit_id;
  provider_ = provider.id;
  guest_ = guest.session.id;
  provider_hello_ = hello(SignalingRole::provider, visit_, provider_);
  guest_hello_ = hello(SignalingRole::guest, visit_, guest_);
  guest_join_ = with_payload(SignalingType::join, visit_, guest_, guest.hello);
  provider_admit_ = with_payload(SignalingType::admit, visit_, guest_, accepted.accept);

  const std::vector<std::uint8_t> body(body_bytes, 0x42);
  const SessionKeys* keys[2] = {&accepted.keys, &guest_keys};
  for (int side = 0; side < 2; ++side) {
    EnvelopeSender sender = envelope_sender(*keys[side]);
    const auto envelope = must(envelope_seal(sender, MessageType::sdp_offer, body), "envelope_seal");
    envelope_bytes_ = envelope.size();
    SignalingMessage m;
    m.type = SignalingType::relay;
    m.visit = visit_;
    m.payload = envelope;
    Frame& f = relay_[side];
    f.text = signaling_serialize(m);  // keys sorted: the envelope comes first
    f.envelope_at = f.text.find(kEnvelopeKey) + kEnvelopeKey.size();
    std::copy_n(envelope.begin(), kHeadBytes, f.head.begin());
  }
}

std::string BenchVisit::relay(Side from, std::uint64_t stamp) const {
  const Frame& f = relay_[static_cast<int>(from)];
  std::array<std::uint8_t, kHeadBytes> head = f.head;
  for (std::size_t i = 0; i < 8; ++i) head[kSeqAt + i] = static_cast<std::uint8_t>(stamp >> (56 - 8 * i));
  std::string text = f.text;
  base64url_encode_to(head, std::span<char>(text.data() + f.envelope_at, kHeadChars));
  return text;
}

std::optional<RelayedHeader> read_relayed_header(std::string_view text) {
  const std::size_t at = text.find(kEnvelopeKey);
  if (at == std::string_view::npos || text.size() < at + kEnvelopeKey.size() + kHeadChars) return std::nullopt;
  const std::size_t b64 = at + kEnvelopeKey.size();
  if (text.find(R"("type":"relay")", b64 + kHeadChars) == std::string_view::npos) return std::nullopt;
  std::array<std::uint8_t, kHeadBytes> head{};
  if (!base64url_decode_exact(text.substr(b64, kHeadChars), head)) return std::nullopt;
  if (head[0] != kProtocolVersion) return std::nullopt;
  RelayedHeader h;
  const auto* at_byte = head.data() + 1;
  std::copy_n(at_byte, kVisitIdBytes, h.visit.begin());
  std::copy_n(at_byte + kVisitIdBytes, kSessionIdBytes, h.sender.begin());
  std::copy_n(at_byte + kVisitIdBytes + kSessionIdBytes, kSessionIdBytes, h.recipient.begin());
  for (std::size_t i = 0; i < 8; ++i) h.seq = (h.seq << 8) | head[kSeqAt + i];
  return h;
}

}  // namespace tessera::bench
