// libFuzzer target: signaling JSON (shared/signaling.hpp), in both directions.
// Properties, for any input text x and direction d:
//   - signaling_parse(x, d) returns a message or a SignalingParseError, and
//     throws nothing (the WebAssembly client has no exceptions);
//   - a parsed message serializes to text that parses again, in the same
//     direction, to the same message: parse(serialize(parse(x))) == parse(x);
//     and serializing that again gives the same text (a fixed point);
//   - serialized text stays within kSignalingMaxBytes.
#include <string>

#include "shared/signaling.hpp"
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

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  fuzz::init();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = fuzz::as_text({data, size});
  check(text, SignalingDirection::to_gateway);
  check(text, SignalingDirection::from_gateway);
  return 0;
}
