#include "wasm/visit/visit_types.hpp"

namespace tessera::client {

const char* visit_phase_name(VisitPhase p) {
  switch (p) {
    case VisitPhase::connecting: return "connecting";
    case VisitPhase::waiting_room: return "waiting_room";
    case VisitPhase::admitted: return "admitted";
    case VisitPhase::in_call: return "in_call";
    case VisitPhase::denied: return "denied";
    case VisitPhase::ended: return "ended";
  }
  return "unknown";
}

const char* end_reason_name(EndReason r) {
  switch (r) {
    case EndReason::none: return "none";
    case EndReason::provider_ended: return "provider_ended";
    case EndReason::self_ended: return "self_ended";
    case EndReason::denied: return "denied";
    case EndReason::replaced: return "replaced";
    case EndReason::connection_lost: return "connection_lost";
    case EndReason::no_visit: return "no_visit";
    case EndReason::visit_full: return "visit_full";
    case EndReason::refused: return "refused";
  }
  return "unknown";
}

}  // namespace tessera::client
