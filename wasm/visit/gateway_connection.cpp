#include "wasm/visit/gateway_connection.hpp"

namespace tessera::client {

bool close_code_final(std::uint16_t code) {
  switch (code) {
    case 1009:  // message too big: resending it would fail again
    case 4000:  // the visit ended
    case 4001:  // bad message
    case 4003:  // not allowed
    case 4004:  // no open room
    case 4005:  // denied
    case 4006:  // continued on another connection / a newer provider page
    case 4007:  // resume too late
    case 4009:  // waiting room full
    case 4010:  // too many open visits
    case 4011:  // we left
    case 4013:  // this kiosk was revoked: its credential is gone too
      return true;
    default:  // 1001 gateway restarting, 1006 network, 4008 rate limit, 4012 slow hello, ...
      return false;
  }
}

GatewayConnection::GatewayConnection(std::string url, SignalingRole role, const VisitId& visit,
                                     const SessionId& session, SeedStream seeds)
    : url_(std::move(url)),
      role_(role),
      visit_(visit),
      session_(session),
      seeds_(std::move(seeds)),
      backoff_(seeds_.draw<kSeedBytes>().span()) {}

std::string GatewayConnection::hello_text() {
  resume_secret_ = seeds_.draw<kResumeSecretBytes>();
  const Hash h = signaling_resume_hash(resume_secret_.span());
  SignalingMessage m;
  m.type = SignalingType::hello;
  m.role = role_;
  m.visit = visit_;
  m.session = session_;
  m.payload.assign(h.begin(), h.end());
  return signaling_serialize(m);
}

void GatewayConnection::start(VisitOutbox& out) {
  if (state_ != State::idle) return;
  state_ = State::opening;
  out.socket({SocketCommand::Kind::open, url_});
}

bool GatewayConnection::on_open(VisitOutbox& out) {
  if (state_ != State::opening) return false;
  if (!bound_) {
    bound_ = true;
    state_ = State::online;
    out.send_now(hello_text());
    out.set_online(true);
    return true;
  }
  state_ = State::resuming;
  SignalingMessage m;
  m.type = SignalingType::resume;
  m.visit = visit_;
  m.session = session_;
  m.payload.assign(resume_secret_.span().begin(), resume_secret_.span().end());
  out.send_now(signaling_serialize(m));
  return false;
}

void GatewayConnection::on_resumed(VisitOutbox& out) {
  if (state_ != State::resuming) return;
  state_ = State::online;
  backoff_.reset();
  out.send_now(hello_text());  // the secret just used is spent (PROTOCOL.md §11.2)
  out.set_online(true);
}

bool GatewayConnection::on_closed(std::uint16_t code, VisitTime now, VisitOutbox& out) {
  out.set_online(false);
  if (state_ == State::closed) return false;
  if (close_code_final(code)) {
    state_ = State::closed;
    out.drop_held();
    return false;
  }
  state_ = State::waiting;
  retry_at_ = now + backoff_.next_delay();
  return true;
}

void GatewayConnection::on_timeout(VisitTime now, VisitOutbox& out) {
  if (state_ != State::waiting || now < retry_at_) return;
  state_ = State::opening;
  out.socket({SocketCommand::Kind::open, url_});
}

void GatewayConnection::finish(VisitOutbox& out) {
  state_ = State::closed;
  out.drop_held();
}

void GatewayConnection::shutdown(VisitOutbox& out) {
  if (state_ == State::closed) return;
  finish(out);
  out.socket({SocketCommand::Kind::close, {}});
}

std::optional<VisitTime> GatewayConnection::wake() const {
  if (state_ == State::waiting) return retry_at_;
  return std::nullopt;
}

}  // namespace tessera::client
