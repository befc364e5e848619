#include "wasm/browser_peer.hpp"

#include <nlohmann/json.hpp>

#include "wasm/bridge.hpp"

namespace tessera::client {

std::string ice_servers_json(const TurnGrant& grant) {
  nlohmann::json urls = nlohmann::json::array();
  std::string_view rest = grant.urls;
  while (!rest.empty()) {
    const auto space = rest.find(' ');
    const auto url = rest.substr(0, space);
    if (!url.empty()) urls.push_back(std::string(url));
    if (space == std::string_view::npos) break;
    rest.remove_prefix(space + 1);
  }
  if (urls.empty()) return "[]";
  nlohmann::json server = {{"urls", urls}};
  if (!grant.username.empty()) server["username"] = grant.username;
  if (!grant.credential.empty()) server["credential"] = grant.credential;
  return nlohmann::json::array({server}).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

int BrowserPeer::peer() {
  if (!handle_) {
    ice_state_ = IceConnectionState::new_state;
    handle_ = tessera_peer_create(ice_servers_.c_str(), media_ ? 1 : 0, this, described, candidate, state, channel);
    events_.on_peer_created(handle_);
  }
  return handle_;
}

void BrowserPeer::run(const WebRtcCommand& c) {
  using Kind = WebRtcCommand::Kind;
  switch (c.kind) {
    case Kind::set_ice_servers:
      ice_servers_ = ice_servers_json(c.ice_servers);
      if (handle_) tessera_peer_set_ice_servers(handle_, ice_servers_.c_str());
      return;
    case Kind::create_offer: return tessera_peer_create_offer(peer(), 0);
    case Kind::restart_ice: return tessera_peer_create_offer(peer(), 1);
    case Kind::create_answer: return tessera_peer_create_answer(peer());
    case Kind::set_remote_description:
      return tessera_peer_set_remote(peer(), c.sdp_type.c_str(), c.sdp.c_str());
    case Kind::add_ice_candidate:
      return tessera_peer_add_candidate(peer(), c.candidate.candidate.c_str(), c.candidate.sdp_mid.c_str(),
                                        c.candidate.sdp_mline_index);
    case Kind::close: return close();
  }
}

BrowserPeer::~BrowserPeer() {
  if (handle_) tessera_peer_close(handle_);
}

void BrowserPeer::close() {
  const bool was_open = handle_ != 0;
  if (handle_) tessera_peer_close(handle_);
  handle_ = 0;
  if (was_open) events_.on_peer_closed();
  ice_state_ = IceConnectionState::closed;
}

void BrowserPeer::request_stats() {
  if (handle_) tessera_peer_stats(handle_, this, sampled);
}

void BrowserPeer::sampled(void* user, const char* json) {
  if (auto sample = transport_sample_parse(json)) static_cast<BrowserPeer*>(user)->events_.on_transport_sample(*sample);
}

void BrowserPeer::channel(void* user, int channel, const char* label) {
  static_cast<BrowserPeer*>(user)->events_.on_data_channel(channel, label);
}

void BrowserPeer::described(void* user, const char* sdp) {
  static_cast<BrowserPeer*>(user)->events_.on_local_description(sdp);
}

void BrowserPeer::candidate(void* user, const char* candidate, const char* sdp_mid, int sdp_mline_index) {
  static_cast<BrowserPeer*>(user)->events_.on_local_candidate({candidate, sdp_mid, sdp_mline_index});
}

void BrowserPeer::state(void* user, int index) {
  auto* self = static_cast<BrowserPeer*>(user);
  if (index < 0 || index > static_cast<int>(IceConnectionState::closed)) return;
  self->ice_state_ = static_cast<IceConnectionState>(index);
  self->events_.on_ice_state(self->ice_state_);
}

}  // namespace tessera::client
