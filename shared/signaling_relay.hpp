#pragma once
// The `relay` message (docs/PROTOCOL.md §11) on the gateway's hot path: read
// and written without a JSON document, and without decoding more of the
// sealed envelope than its header (§7.1), which is all the gateway may read.
//
// signaling_parse_relay recognises one common form of the message and
// accepts nothing signaling_parse would refuse: an object of exactly the
// members "envelope", "type" and "visit" (any order, JSON whitespace between
// tokens), each a string of base64url characters, "type" being "relay". For
// anything else it says nullopt and the caller asks signaling_parse, which
// accepts or says why not — so the two together reject exactly what
// signaling_parse alone rejects. Clients send this form (signaling_serialize
// writes it), so a relay normally never reaches the general parser.
#include <optional>
#include <string>
#include <string_view>

#include "shared/envelope.hpp"
#include "shared/protocol.hpp"

namespace tessera {

struct SignalingRelay {
  VisitId visit{};
  EnvelopeHeader header;      // the envelope's, naming the same visit
  std::string_view envelope;  // the envelope's canonical base64url text, inside the parsed text
};

// The relay message in text when it is in the common form and signaling_parse
// would accept it (with visit, and envelope decoding to its payload);
// nullopt otherwise: ask signaling_parse.
[[nodiscard]] std::optional<SignalingRelay> signaling_parse_relay(std::string_view text);

// What signaling_serialize writes for relay{visit, envelope}, envelope being
// canonical base64url (as signaling_parse_relay's is), in one allocation.
[[nodiscard]] std::string signaling_serialize_relay(const VisitId& visit, std::string_view envelope);

}  // namespace tessera
