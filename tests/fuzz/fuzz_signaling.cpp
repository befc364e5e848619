// libFuzzer target: signaling JSON (shared/signaling.hpp), in both directions.
// Properties, for any input text x and direction d:
//   - signaling_parse(x, d) returns a message or a SignalingParseError, and
//     throws nothing (the WebAssembly client has no exceptions);
//   - a parsed message serializes to text that parses again, in the same
//     direction, to the same message: parse(serialize(parse(x))) == parse(x);
//     and serializing that again gives the same text (a fixed point);
//   - serialized text stays within kSignalingMaxBytes;
//   - the relay fast path (signaling_parse_relay) accepts nothing that
//     signaling_parse refuses, in either direction, and reads the same visit
//     and envelope, and signaling_serialize_relay writes the same text: so the
//     gateway, which tries it first, rejects exactly what signaling_parse rejects.
#include <string>

#include "shared/base64url.hpp"
#include "shared/signaling.hpp"
#include "shared/signaling_relay.hpp"
#include "tests/fuzz/fuzz_common.hpp"

using namespace tessera;

namespace {

bool same(const SignalingMessage& a, const SignalingMessage& b) {
  return a.type == b.type && a.role == b.role && a.visit == b.visit && a.session == b.session &&
         a.payload == b.payload && a.code == b.code && a.detail == b.detail;
}

void check(std::string_view text, SignalingDirection d) {
  auto m = signaling_parse(text, d);
  if (!m) return;
  const std::string once = signaling_serialize(*m);
  FUZZ_CHECK(once.size() <= kSignalingMaxBytes);
  auto again = signaling_parse(once, d);
  FUZZ_CHECK(again.ok());
  FUZZ_CHECK(same(*m, *again));
  FUZZ_CHECK(signaling_serialize(*again) == once);
}

void check_relay_fast_path(std::string_view text) {
  const auto fast = signaling_parse_relay(text);
  if (!fast) return;
  for (const auto d : {SignalingDirection::to_gateway, SignalingDirection::from_gateway}) {
    const auto m = signaling_parse(text, d);
    FUZZ_CHECK(m.ok());
    FUZZ_CHECK(m->type == SignalingType::relay && m->visit == fast->visit);
    FUZZ_CHECK(base64url_encode(m->payload) == fast->envelope);
    FUZZ_CHECK(signaling_serialize(*m) == signaling_serialize_relay(fast->visit, fast->envelope));
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  fuzz::init();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = fuzz::as_text({data, size});
  check(text, SignalingDirection::to_gateway);
  check(text, SignalingDirection::from_gateway);
  check_relay_fast_path(text);
  return 0;
}
