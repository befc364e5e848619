#include "wasm/visit/call_signaling.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>

#include "shared/text.hpp"

namespace tessera::client {

// ---------------------------------------------------------------------------
// helpers

namespace {

constexpr std::string_view kFingerprintAttribute = "a=fingerprint:";

ByteSpan text_bytes(std::string_view s) { return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()}; }

bool same_fingerprint(const DtlsFingerprint& a, const DtlsFingerprint& b) {
  return a.algorithm == b.algorithm && a.size == b.size && std::equal(a.digest.begin(), a.digest.end(), b.digest.begin());
}

}  // namespace

std::optional<DtlsFingerprint> sdp_dtls_fingerprint(std::string_view sdp) {
  std::optional<DtlsFingerprint> found;
  std::size_t pos = 0;
  while (pos < sdp.size()) {
    std::size_t end = sdp.find('\n', pos);
    if (end == std::string_view::npos) end = sdp.size();
    std::string_view line = sdp.substr(pos, end - pos);
    pos = end + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.substr(0, kFingerprintAttribute.size()) != kFingerprintAttribute) continue;
    auto fp = dtls_fingerprint_parse(line.substr(kFingerprintAttribute.size()));
    if (!fp) return std::nullopt;
    if (found && !same_fingerprint(*found, *fp)) return std::nullopt;
    found = *fp;
  }
  return found;
}

CallSignaling::CallSignaling(SessionKeys keys, std::span<const std::uint8_t, kSafetyNonceBytes> safety_nonce)
    : keys_(std::move(keys)),
      sender_(envelope_sender(keys_)),
      receiver_(envelope_receiver(keys_)),
      nonce_(safety_nonce) {}

void CallSignaling::seal(MessageType type, ByteSpan body, VisitOutbox& out) {
  auto sealed = envelope_seal(sender_, type, body);
  if (!sealed) return out.problem("seal", envelope_error_name(sealed.error()));
  SignalingMessage m;
  m.type = SignalingType::relay;
  m.visit = keys_.visit_id;
  m.payload = std::move(sealed.value());
  out.send(signaling_serialize(m));
}

// ---------------------------------------------------------------------------
// our browser

void CallSignaling::start(VisitOutbox& out) {
  if (offerer()) out.webrtc({WebRtcCommand::Kind::create_offer, {}, {}, {}, {}});
}

void CallSignaling::on_local_description(std::string_view sdp, VisitOutbox& out) {
  const auto fp = sdp_dtls_fingerprint(sdp);
  if (!fp) return out.problem("local_description", "no_fingerprint");
  if (own_fingerprint_ && !same_fingerprint(*own_fingerprint_, *fp))
    return out.problem("local_description", "fingerprint_changed");
  seal(offerer() ? MessageType::sdp_offer : MessageType::sdp_answer, text_bytes(sdp), out);
  if (!own_fingerprint_) {
    own_fingerprint_ = *fp;
    safety_step(out);
  }
}

void CallSignaling::on_local_candidate(const IceCandidate& c, VisitOutbox& out) {
  nlohmann::json j = nlohmann::json::object();
  j["candidate"] = c.candidate;
  j["sdpMid"] = c.sdp_mid;
  j["sdpMLineIndex"] = c.sdp_mline_index;
  const std::string body = j.dump();
  seal(MessageType::ice_candidate, text_bytes(body), out);
}

void CallSignaling::on_ice_state(IceConnectionState state, VisitOutbox& out) {
  switch (state) {
    case IceConnectionState::connected:
    case IceConnectionState::completed:
      media_connected_ = true;
      ice_restarting_ = false;
      return;
    case IceConnectionState::failed:
      media_connected_ = false;
      if (ice_restarting_) return;  // one restart at a time
      ice_restarting_ = true;
      if (offerer()) return restart_ice(out);
      return seal(MessageType::control, text_bytes(kControlIceRestart), out);
    case IceConnectionState::disconnected:  // may recover by itself; failed follows if not
    case IceConnectionState::closed:
      media_connected_ = false;
      return;
    default:
      return;
  }
}

void CallSignaling::restart_ice(VisitOutbox& out) {
  // The browser answers with a new local offer, which on_local_description seals.
  out.webrtc({WebRtcCommand::Kind::restart_ice, {}, {}, {}, {}});
}

void CallSignaling::send_display_name(std::string_view name, VisitOutbox& out) {
  if (name.empty() || name.size() > kDisplayNameMaxBytes || !text_is_printable_utf8(name))
    return out.problem("display_name", "bad_name");
  seal(MessageType::display_name, text_bytes(name), out);
}

void CallSignaling::send_media_state(MediaState state, VisitOutbox& out) {
  const std::string body = media_state_body(state);
  seal(MessageType::control, text_bytes(body), out);
}

// ---------------------------------------------------------------------------
// the peer

void CallSignaling::on_envelope(ByteSpan envelope, VisitOutbox& out) {
  const TypeSet allowed =
      offerer() ? type_set({MessageType::sdp_answer, MessageType::ice_candidate, MessageType::safety_commit,
                            MessageType::safety_reveal, MessageType::control})
                : type_set({MessageType::sdp_offer, MessageType::ice_candidate, MessageType::safety_commit,
                            MessageType::safety_reveal, MessageType::display_name, MessageType::control});
  auto opened = envelope_open(receiver_, envelope, allowed);
  if (!opened) return out.problem("envelope", envelope_error_name(opened.error()));
  const SecretBuffer& body = opened->body;
  switch (opened->type) {
    case MessageType::sdp_offer:
    case MessageType::sdp_answer:
      return on_remote_description(body, out);
    case MessageType::ice_candidate:
      return on_remote_candidate(body, out);
    case MessageType::safety_commit:
    case MessageType::safety_reveal: {
      auto& slot = opened->type == MessageType::safety_commit ? pending_commit_ : pending_reveal_;
      if (slot) return out.problem("safety", safety_error_name(SafetyError::duplicate));
      slot.emplace(body.span().begin(), body.span().end());
      return safety_step(out);
    }
    case MessageType::display_name:
      if (body.size() == 0 || !text_is_printable_utf8(body.text()) || !peer_name_.assign(body.text()))
        return out.problem("display_name", "bad_name");
      return;
    case MessageType::control:
      return on_control(body, opened->seq, out);
  }
}

void CallSignaling::on_remote_description(const SecretBuffer& sdp, VisitOutbox& out) {
  if (!text_is_utf8(sdp.text())) return out.problem("remote_description", "not_utf8");
  const auto fp = sdp_dtls_fingerprint(sdp.text());
  if (!fp) return out.problem("remote_description", "no_fingerprint");
  if (peer_fingerprint_ && !same_fingerprint(*peer_fingerprint_, *fp))
    return out.problem("remote_description", "fingerprint_changed");
  WebRtcCommand set{WebRtcCommand::Kind::set_remote_description, offerer() ? "answer" : "offer",
                    std::string(sdp.text()), {}, {}};
  out.webrtc(std::move(set));
  if (!offerer()) out.webrtc({WebRtcCommand::Kind::create_answer, {}, {}, {}, {}});
  if (!peer_fingerprint_) {
    peer_fingerprint_ = *fp;
    safety_step(out);
  }
}

void CallSignaling::on_remote_candidate(const SecretBuffer& body, VisitOutbox& out) {
  const auto j = nlohmann::json::parse(body.text(), nullptr, false);
  if (j.is_discarded() || !j.is_object() || j.size() != 3 || !j.contains("candidate") || !j["candidate"].is_string() ||
      !j.contains("sdpMid") || !j["sdpMid"].is_string() || !j.contains("sdpMLineIndex") ||
      !j["sdpMLineIndex"].is_number_unsigned() || j["sdpMLineIndex"].get<std::uint64_t>() > 1024)
    return out.problem("ice_candidate", "bad_candidate");
  WebRtcCommand add{WebRtcCommand::Kind::add_ice_candidate, {}, {}, {}, {}};
  add.candidate.candidate = j["candidate"].get<std::string>();
  add.candidate.sdp_mid = j["sdpMid"].get<std::string>();
  add.candidate.sdp_mline_index = static_cast<int>(j["sdpMLineIndex"].get<std::uint64_t>());
  out.webrtc(std::move(add));
}

void CallSignaling::on_control(const SecretBuffer& body, std::uint64_t seq, VisitOutbox& out) {
  if (body.text() == kControlIceRestart && offerer()) return restart_ice(out);
  if (const auto media = media_state_parse(body.text())) {
    // The envelope window accepts a late arrival: it must not undo a newer state.
    if (peer_media_seq_ && seq < *peer_media_seq_) return;
    peer_media_seq_ = seq;
    peer_media_ = *media;
    return;
  }
  out.problem("control", "unknown_control");
}

// ---------------------------------------------------------------------------
// safety code

void CallSignaling::safety_step(VisitOutbox& out) {
  if (!own_fingerprint_) return;  // a peer's commit waits in pending_commit_
  if (!safety_) {
    safety_ = safety_start(keys_, *own_fingerprint_, nonce_.span());
    nonce_.wipe();
    seal(MessageType::safety_commit, safety_commit_message(*safety_), out);
  }
  if (pending_commit_ && !safety_->have_peer_commit) {
    if (auto ok = safety_receive_commit(*safety_, *pending_commit_); !ok) {
      pending_commit_.reset();  // a broken commit does not block a good one
      return out.problem("safety", safety_error_name(ok.error()));
    }
  }
  if (safety_->have_peer_commit && !reveal_sent_) {
    auto reveal = safety_reveal_message(*safety_);
    if (!reveal) return out.problem("safety", safety_error_name(reveal.error()));
    reveal_sent_ = true;
    seal(MessageType::safety_reveal, *reveal, out);
  }
  if (pending_reveal_ && peer_fingerprint_ && !reveal_checked_) {
    reveal_checked_ = true;  // only the first reveal counts (PROTOCOL.md §8.2)
    auto code = safety_receive_reveal(*safety_, *pending_reveal_, *peer_fingerprint_);
    if (!code) return out.problem("safety", safety_error_name(code.error()));
    code_ = *code;
  }
}

}  // namespace tessera::client
