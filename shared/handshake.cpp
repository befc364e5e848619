#include "shared/handshake.hpp"

#include <cstring>
#include <optional>
#include <vector>

#include "shared/text.hpp"

namespace tessera {
namespace {

// Byte offsets of the fixed layouts (docs/PROTOCOL.md §6.2).
namespace hello {
constexpr std::size_t visit = 2, session = 18, kx = 34, name = 66, mac = 179;
}
namespace accept_at {
constexpr std::size_t visit = 2, provider_session = 18, guest_session = 34, kx = 50, th1 = 82, sig = 114;
}
namespace deny_at {
constexpr std::size_t visit = 2, guest_session = 18, th1 = 34, sig = 66;
}
namespace note_at {
constexpr std::size_t visit = 2, guest_session = 18, th1 = 34, seq = 66, sealed = 70, sig = 400;
}
static_assert(hello::mac + kHashBytes == kGuestHelloBytes);
static_assert(accept_at::sig + kSignatureBytes == kProviderAcceptBytes);
static_assert(deny_at::sig + kSignatureBytes == kProviderDenyBytes);
static_assert(note_at::sealed + kSealedNoteBytes == note_at::sig);
static_assert(note_at::sig + kSignatureBytes == kProviderNoteBytes);

template <class A>
void put(std::uint8_t* out, const A& a) {
  std::memcpy(out, a.data(), a.size());
}
template <std::size_t N>
std::array<std::uint8_t, N> get(const std::uint8_t* in) {
  std::array<std::uint8_t, N> a;
  std::memcpy(a.data(), in, N);
  return a;
}

// crypto_box_seal with its ephemeral key pair made from a seed, so output is
// reproducible; the format is exactly crypto_box_seal's (crypto_box_seal_open
// opens it): epk ‖ crypto_box_easy(m, nonce = BLAKE2b-192(epk ‖ pk), pk, esk).
// False if pk is a key no shared secret can come from (small order).
[[nodiscard]] bool seal_to(const std::uint8_t* pk, ByteSpan plain, std::span<const std::uint8_t, kSeedBytes> seed,
                           std::uint8_t* out) {
  std::uint8_t epk[crypto_box_PUBLICKEYBYTES];
  Secret<crypto_box_SECRETKEYBYTES> esk;
  crypto_box_seed_keypair(epk, esk.data(), seed.data());
  std::uint8_t nonce[crypto_box_NONCEBYTES];
  crypto_generichash_state st;
  crypto_generichash_init(&st, nullptr, 0, sizeof nonce);
  crypto_generichash_update(&st, epk, sizeof epk);
  crypto_generichash_update(&st, pk, crypto_box_PUBLICKEYBYTES);
  crypto_generichash_final(&st, nonce, sizeof nonce);
  std::memcpy(out, epk, sizeof epk);
  return crypto_box_easy(out + sizeof epk, plain.data(), plain.size(), nonce, pk, esk.data()) == 0;
}

std::vector<std::uint8_t> labelled(std::string_view label, ByteSpan body) {
  std::vector<std::uint8_t> m(label.begin(), label.end());
  m.push_back(0);
  m.insert(m.end(), body.begin(), body.end());
  return m;
}

void sign(const ProviderVisit& visit, std::string_view label, ByteSpan body, std::uint8_t* sig) {
  const auto m = labelled(label, body);
  crypto_sign_detached(sig, nullptr, m.data(), m.size(), visit.secret_key.data());
}

bool verify(const VisitPublicKey& pk, std::string_view label, ByteSpan body, const std::uint8_t* sig) {
  const auto m = labelled(label, body);
  return crypto_sign_verify_detached(sig, m.data(), m.size(), pk.data()) == 0;
}

// MAC over the hello body, keyed from the link secret and visit id.
Key hello_mac(const LinkSecret& secret, const VisitId& visit, ByteSpan body) {
  const Key mac_key = protocol_kdf(secret.span(), label::kHelloMacKey, {visit});
  return protocol_kdf(mac_key.span(), label::kHelloMac, {body});
}

Hash transcript1_of(ByteSpan hello_bytes) {
  const Hash zero{};
  return protocol_hash(label::kTranscript, {zero, hello_bytes});
}

// Common prefix checks; the rest is per message.
std::optional<HandshakeError> check_frame(ByteSpan m, std::size_t size, std::uint8_t type,
                                          const VisitId& visit) {
  if (m.size() != size) return HandshakeError::bad_length;
  if (m[0] != kProtocolVersion) return HandshakeError::bad_version;
  if (m[1] != type) return HandshakeError::wrong_type;
  if (std::memcmp(m.data() + 2, visit.data(), kVisitIdBytes) != 0) return HandshakeError::wrong_visit;
  return std::nullopt;
}

// Directional keys from crypto_kx output, the link secret and TH2.
SessionKeys make_keys(Role role, const VisitId& visit, const LinkSecret& link_secret,
                      const Session& self, const SessionId& peer_session, const KxPublicKey& peer_kx,
                      const Key& kx_g2p, const Key& kx_p2g, const Hash& th2) {
  SessionKeys k;
  k.role = role;
  k.visit_id = visit;
  k.self_session = self.id;
  k.peer_session = peer_session;
  k.self_kx = self.kx_public;
  k.peer_kx = peer_kx;
  k.transcript = th2;
  Key sig_g2p = protocol_kdf(link_secret.span(), label::kSignalG2P, {kx_g2p.span(), th2});
  Key sig_p2g = protocol_kdf(link_secret.span(), label::kSignalP2G, {kx_p2g.span(), th2});
  Key chat_g2p = protocol_kdf(link_secret.span(), label::kChatG2P, {kx_g2p.span(), th2});
  Key chat_p2g = protocol_kdf(link_secret.span(), label::kChatP2G, {kx_p2g.span(), th2});
  const bool guest = role == Role::guest;
  k.signal_send = guest ? std::move(sig_g2p) : std::move(sig_p2g);
  k.signal_recv = guest ? std::move(sig_p2g) : std::move(sig_g2p);
  k.chat_send = guest ? std::move(chat_g2p) : std::move(chat_p2g);
  k.chat_recv = guest ? std::move(chat_p2g) : std::move(chat_g2p);
  return k;
}

}  // namespace

Session session_from_seed(std::span<const std::uint8_t, kSessionSeedBytes> random) {
  Session s;
  std::memcpy(s.id.data(), random.data(), kSessionIdBytes);
  crypto_kx_seed_keypair(s.kx_public.data(), s.kx_secret.data(), random.data() + kSessionIdBytes);
  return s;
}

ProviderVisit provider_visit_from_seed(std::span<const std::uint8_t, kVisitSeedBytes> random) {
  ProviderVisit v;
  std::memcpy(v.visit_id.data(), random.data(), kVisitIdBytes);
  std::memcpy(v.link_secret.data(), random.data() + kVisitIdBytes, kLinkSecretBytes);
  crypto_sign_seed_keypair(v.public_key.data(), v.secret_key.data(),
                           random.data() + kVisitIdBytes + kLinkSecretBytes);
  return v;
}

VisitLink provider_visit_link(const ProviderVisit& visit, std::string host) {
  VisitLink link;
  link.host = std::move(host);
  link.visit_id = visit.visit_id;
  link.link_secret = visit.link_secret.clone();
  link.provider_key = visit.public_key;
  return link;
}

// ------------------------------------------------------------------ guest

Result<GuestHandshake, HandshakeError> handshake_guest_start(const VisitLink& link, Session session,
                                                             std::string_view display_name,
                                                             std::span<const std::uint8_t, kSeedBytes> seal_seed) {
  if (display_name.empty() || display_name.size() > kDisplayNameMaxBytes ||
      !text_is_printable_utf8(display_name))
    return HandshakeError::bad_name;
  std::uint8_t provider_x25519[crypto_box_PUBLICKEYBYTES];
  if (crypto_sign_ed25519_pk_to_curve25519(provider_x25519, link.provider_key.data()) != 0)
    return HandshakeError::bad_key;

  GuestHandshake g;
  g.visit_id = link.visit_id;
  g.link_secret = link.link_secret.clone();
  g.provider_key = link.provider_key;
  g.session = std::move(session);

  auto& h = g.hello;
  h[0] = kProtocolVersion;
  h[1] = kMsgGuestHello;
  put(&h[hello::visit], g.visit_id);
  put(&h[hello::session], g.session.id);
  put(&h[hello::kx], g.session.kx_public);
  Secret<kNameBlockBytes> block;  // length ‖ name ‖ zeros
  block.data()[0] = static_cast<std::uint8_t>(display_name.size());
  std::memcpy(block.data() + 1, display_name.data(), display_name.size());
  if (!seal_to(provider_x25519, block.span(), seal_seed, &h[hello::name])) return HandshakeError::bad_key;
  const Key mac = hello_mac(g.link_secret, g.visit_id, ByteSpan(h.data(), hello::mac));
  std::memcpy(&h[hello::mac], mac.data(), kHashBytes);
  g.transcript1 = transcript1_of(h);
  return g;
}

Result<SessionKeys, HandshakeError> handshake_guest_finish(const GuestHandshake& g, ByteSpan m) {
  if (auto e = check_frame(m, kProviderAcceptBytes, kMsgProviderAccept, g.visit_id)) return *e;
  if (std::memcmp(&m[accept_at::guest_session], g.session.id.data(), kSessionIdBytes) != 0)
    return HandshakeError::wrong_session;
  if (!verify(g.provider_key, label::kAccept, m.first(accept_at::sig), &m[accept_at::sig]))
    return HandshakeError::bad_signature;
  if (std::memcmp(&m[accept_at::th1], g.transcript1.data(), kHashBytes) != 0)
    return HandshakeError::transcript_mismatch;

  const auto provider_session = get<kSessionIdBytes>(&m[accept_at::provider_session]);
  const auto provider_kx = get<kKxPublicKeyBytes>(&m[accept_at::kx]);
  Key rx, tx;  // guest is the crypto_kx client: tx = g2p, rx = p2g
  if (crypto_kx_client_session_keys(rx.data(), tx.data(), g.session.kx_public.data(),
                                    g.session.kx_secret.data(), provider_kx.data()) != 0)
    return HandshakeError::bad_key;
  const Hash th2 = protocol_hash(label::kTranscript, {g.transcript1, m});
  return make_keys(Role::guest, g.visit_id, g.link_secret, g.session, provider_session, provider_kx, tx, rx,
                   th2);
}

Status<HandshakeError> handshake_guest_check_deny(const GuestHandshake& g, ByteSpan m) {
  if (auto e = check_frame(m, kProviderDenyBytes, kMsgProviderDeny, g.visit_id)) return *e;
  if (std::memcmp(&m[deny_at::guest_session], g.session.id.data(), kSessionIdBytes) != 0)
    return HandshakeError::wrong_session;
  if (!verify(g.provider_key, label::kDeny, m.first(deny_at::sig), &m[deny_at::sig]))
    return HandshakeError::bad_signature;
  if (std::memcmp(&m[deny_at::th1], g.transcript1.data(), kHashBytes) != 0)
    return HandshakeError::transcript_mismatch;
  return Unit{};
}

Result<NoteText, HandshakeError> handshake_guest_open_note(GuestHandshake& g, ByteSpan m) {
  if (auto e = check_frame(m, kProviderNoteBytes, kMsgProviderNote, g.visit_id)) return *e;
  if (std::memcmp(&m[note_at::guest_session], g.session.id.data(), kSessionIdBytes) != 0)
    return HandshakeError::wrong_session;
  if (!verify(g.provider_key, label::kNote, m.first(note_at::sig), &m[note_at::sig]))
    return HandshakeError::bad_signature;
  if (std::memcmp(&m[note_at::th1], g.transcript1.data(), kHashBytes) != 0)
    return HandshakeError::transcript_mismatch;
  const std::uint32_t seq = load_be32(&m[note_at::seq]);
  if (g.note_seen && seq <= g.last_note_seq) return HandshakeError::note_replayed;
  if (seq == 0) return HandshakeError::note_replayed;

  Secret<kNoteBlockBytes> block;
  if (crypto_box_seal_open(block.data(), &m[note_at::sealed], kSealedNoteBytes, g.session.kx_public.data(),
                           g.session.kx_secret.data()) != 0)
    return HandshakeError::bad_sealed_box;
  const std::size_t len = load_be16(block.data());
  if (len == 0 || len > kNoteMaxBytes) return HandshakeError::bad_note;
  for (std::size_t i = 2 + len; i < kNoteBlockBytes; ++i)
    if (block.data()[i] != 0) return HandshakeError::bad_note;
  const std::string_view text(reinterpret_cast<const char*>(block.data() + 2), len);
  if (!text_is_printable_utf8(text)) return HandshakeError::bad_note;
  NoteText note;
  (void)note.assign(text);  // len <= capacity, checked above
  g.last_note_seq = seq;
  g.note_seen = true;
  return note;
}

// --------------------------------------------------------------- provider

Result<WaitingGuest, HandshakeError> handshake_provider_read_hello(const ProviderVisit& visit, ByteSpan m) {
  if (auto e = check_frame(m, kGuestHelloBytes, kMsgGuestHello, visit.visit_id)) return *e;
  const Key mac = hello_mac(visit.link_secret, visit.visit_id, m.first(hello::mac));
  if (sodium_memcmp(mac.data(), &m[hello::mac], kHashBytes) != 0) return HandshakeError::bad_mac;

  std::uint8_t pk_x[crypto_box_PUBLICKEYBYTES];
  Secret<crypto_box_SECRETKEYBYTES> sk_x;
  if (crypto_sign_ed25519_pk_to_curve25519(pk_x, visit.public_key.data()) != 0 ||
      crypto_sign_ed25519_sk_to_curve25519(sk_x.data(), visit.secret_key.data()) != 0)
    return HandshakeError::bad_key;
  Secret<kNameBlockBytes> block;
  if (crypto_box_seal_open(block.data(), &m[hello::name], kSealedNameBytes, pk_x, sk_x.data()) != 0)
    return HandshakeError::bad_sealed_box;
  const std::size_t len = block.data()[0];
  if (len == 0 || len > kDisplayNameMaxBytes) return HandshakeError::bad_name;
  for (std::size_t i = 1 + len; i < kNameBlockBytes; ++i)
    if (block.data()[i] != 0) return HandshakeError::bad_name;
  const std::string_view name(reinterpret_cast<const char*>(block.data() + 1), len);
  if (!text_is_printable_utf8(name)) return HandshakeError::bad_name;

  WaitingGuest w;
  w.session = get<kSessionIdBytes>(&m[hello::session]);
  w.kx_public = get<kKxPublicKeyBytes>(&m[hello::kx]);
  (void)w.name.assign(name);  // len <= capacity, checked above
  w.transcript1 = transcript1_of(m);
  return w;
}

Result<ProviderAccepted, HandshakeError> handshake_provider_accept(const ProviderVisit& visit,
                                                                   const Session& provider,
                                                                   const WaitingGuest& guest) {
  Key rx, tx;  // provider is the crypto_kx server: rx = g2p, tx = p2g
  if (crypto_kx_server_session_keys(rx.data(), tx.data(), provider.kx_public.data(), provider.kx_secret.data(),
                                    guest.kx_public.data()) != 0)
    return HandshakeError::bad_key;
  std::array<std::uint8_t, kProviderAcceptBytes> a{};
  a[0] = kProtocolVersion;
  a[1] = kMsgProviderAccept;
  put(&a[accept_at::visit], visit.visit_id);
  put(&a[accept_at::provider_session], provider.id);
  put(&a[accept_at::guest_session], guest.session);
  put(&a[accept_at::kx], provider.kx_public);
  put(&a[accept_at::th1], guest.transcript1);
  sign(visit, label::kAccept, ByteSpan(a.data(), accept_at::sig), &a[accept_at::sig]);
  const Hash th2 = protocol_hash(label::kTranscript, {guest.transcript1, a});
  ProviderAccepted out{a, make_keys(Role::provider, visit.visit_id, visit.link_secret, provider, guest.session,
                                    guest.kx_public, rx, tx, th2)};
  return out;
}

std::array<std::uint8_t, kProviderDenyBytes> handshake_provider_deny(const ProviderVisit& visit,
                                                                     const WaitingGuest& guest) {
  std::array<std::uint8_t, kProviderDenyBytes> d{};
  d[0] = kProtocolVersion;
  d[1] = kMsgProviderDeny;
  put(&d[deny_at::visit], visit.visit_id);
  put(&d[deny_at::guest_session], guest.session);
  put(&d[deny_at::th1], guest.transcript1);
  sign(visit, label::kDeny, ByteSpan(d.data(), deny_at::sig), &d[deny_at::sig]);
  return d;
}

Result<RefusedHello, HandshakeError> handshake_provider_refuse_hello(const ProviderVisit& visit, ByteSpan m) {
  if (auto e = check_frame(m, kGuestHelloBytes, kMsgGuestHello, visit.visit_id)) return *e;
  WaitingGuest unread;
  unread.session = get<kSessionIdBytes>(&m[hello::session]);
  unread.transcript1 = transcript1_of(m);
  return RefusedHello{unread.session, handshake_provider_deny(visit, unread)};
}

Result<std::array<std::uint8_t, kProviderNoteBytes>, HandshakeError> handshake_provider_note(
    const ProviderVisit& visit, const WaitingGuest& guest, std::uint32_t seq, std::string_view text,
    std::span<const std::uint8_t, kSeedBytes> seal_seed) {
  if (text.empty() || text.size() > kNoteMaxBytes || !text_is_printable_utf8(text)) return HandshakeError::bad_note;
  if (seq == 0) return HandshakeError::note_replayed;
  std::array<std::uint8_t, kProviderNoteBytes> n{};
  n[0] = kProtocolVersion;
  n[1] = kMsgProviderNote;
  put(&n[note_at::visit], visit.visit_id);
  put(&n[note_at::guest_session], guest.session);
  put(&n[note_at::th1], guest.transcript1);
  store_be32(&n[note_at::seq], seq);
  Secret<kNoteBlockBytes> block;  // length (2 bytes) ‖ text ‖ zeros
  store_be16(block.data(), static_cast<std::uint16_t>(text.size()));
  std::memcpy(block.data() + 2, text.data(), text.size());
  if (!seal_to(guest.kx_public.data(), block.span(), seal_seed, &n[note_at::sealed])) return HandshakeError::bad_key;
  sign(visit, label::kNote, ByteSpan(n.data(), note_at::sig), &n[note_at::sig]);
  return n;
}

const char* handshake_error_name(HandshakeError e) {
  switch (e) {
    case HandshakeError::bad_length: return "bad_length";
    case HandshakeError::bad_version: return "bad_version";
    case HandshakeError::wrong_type: return "wrong_type";
    case HandshakeError::wrong_visit: return "wrong_visit";
    case HandshakeError::wrong_session: return "wrong_session";
    case HandshakeError::bad_mac: return "bad_mac";
    case HandshakeError::bad_signature: return "bad_signature";
    case HandshakeError::transcript_mismatch: return "transcript_mismatch";
    case HandshakeError::bad_sealed_box: return "bad_sealed_box";
    case HandshakeError::bad_name: return "bad_name";
    case HandshakeError::bad_note: return "bad_note";
    case HandshakeError::bad_key: return "bad_key";
    case HandshakeError::note_replayed: return "note_replayed";
  }
  return "unknown";
}

}  // namespace tessera
