#pragma once
// Fixed identities of the fuzz targets, shared with the seed generator so
// that its seeds are messages the targets can open (envelopes under the
// fixed key and route, chunks of the fixed file, the visit's handshake).
#include <optional>

#include "shared/chat_channel.hpp"
#include "shared/envelope.hpp"
#include "shared/file_stream.hpp"
#include "shared/handshake.hpp"
#include "tests/fuzz/fuzz_common.hpp"

namespace tessera::fuzz {

// Envelopes: sent by `sender` to `recipient` in `visit`.
struct Route {
  VisitId visit = fixed_bytes<kVisitIdBytes>(tag::visit_id);
  SessionId sender = fixed_bytes<kSessionIdBytes>(tag::sender_session);
  SessionId recipient = fixed_bytes<kSessionIdBytes>(tag::recipient_session);
};
inline EnvelopeSender envelope_sender_for(const Route& r, std::uint64_t seq) {
  return EnvelopeSender{r.visit, r.sender, r.recipient, fixed_key(tag::envelope_key), seq};
}
inline EnvelopeReceiver envelope_receiver_for(const Route& r) {
  return EnvelopeReceiver{r.visit, r.recipient, r.sender, fixed_key(tag::envelope_key)};
}

// Chat frames: one key, numbers from seq.
inline ChatSender chat_sender_at(std::uint64_t seq) { return ChatSender{fixed_key(tag::chat_key), seq}; }
inline ChatReceiver chat_receiver_at(std::uint64_t seq) { return ChatReceiver{fixed_key(tag::chat_key), seq}; }

// Files: fixed id and key, "scan.pdf", application/pdf.
inline FileDescription fixed_file(std::uint64_t size, std::uint32_t chunk_size) {
  const auto key = fixed_bytes<kKeyBytes>(tag::file_key);
  auto d = file_description_make(fixed_bytes<kFileIdBytes>(tag::file_id),
                                 std::span<const std::uint8_t, kKeyBytes>(key), size, chunk_size, "scan.pdf",
                                 "application/pdf");
  FUZZ_CHECK(d.ok());
  return std::move(d).value();
}
// The file whose chunks the chunk-frame seeds are: three chunks.
inline constexpr std::uint64_t kFrameFileSize = 2 * 1024 + 500;
inline constexpr std::uint32_t kFrameFileChunk = 1024;

// Handshake: one visit, one guest ("Pat") and the provider's answers.
inline Session session_for(std::uint8_t t) {
  const auto seed = fixed_bytes<kSessionSeedBytes>(t);
  return session_from_seed(std::span<const std::uint8_t, kSessionSeedBytes>(seed));
}

struct HandshakeFixture {
  ProviderVisit visit;
  VisitLink link;
  Session provider = session_for(tag::provider_session);
  std::optional<GuestHandshake> guest;
  std::optional<WaitingGuest> waiting;
  std::array<std::uint8_t, kProviderAcceptBytes> accept{};
  std::array<std::uint8_t, kProviderDenyBytes> deny{};

  HandshakeFixture() {
    const auto vseed = fixed_bytes<kVisitSeedBytes>(tag::visit_seed);
    visit = provider_visit_from_seed(std::span<const std::uint8_t, kVisitSeedBytes>(vseed));
    link = provider_visit_link(visit, "clinic.example");
    const auto seal = fixed_bytes<kSeedBytes>(tag::name_seal);
    auto g = handshake_guest_start(link, session_for(tag::guest_session), "Pat",
                                   std::span<const std::uint8_t, kSeedBytes>(seal));
    FUZZ_CHECK(g.ok());
    guest.emplace(std::move(g).value());
    auto w = handshake_provider_read_hello(visit, guest->hello);
    FUZZ_CHECK(w.ok());
    waiting.emplace(std::move(w).value());
    auto a = handshake_provider_accept(visit, provider, *waiting);
    FUZZ_CHECK(a.ok());
    accept = a->accept;
    deny = handshake_provider_deny(visit, *waiting);
  }
};

}  // namespace tessera::fuzz
