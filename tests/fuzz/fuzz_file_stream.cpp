// libFuzzer target: file descriptions, chunk framing and acknowledgements
// (shared/file_stream.hpp).
// Each input is used four ways:
//   1. as a description: file_description_parse is total, and what it
//      accepts encodes back to exactly the input (the encoding is canonical)
//      with a name and media type the text checks accept;
//   2. as a chunk frame: file_chunk_header_parse is total and agrees with the
//      bytes; file_chunk_open against a fixed 3-chunk file (receiver placed at
//      the frame's index so the decryption is reached) is total, advances only
//      on success, and what it accepts re-seals to the same bytes;
//   3. as file contents (chunk size from the first byte): every chunk seals
//      and opens in order back to the input; the receiver is complete only
//      after the final chunk; a duplicate, a skipped chunk, a chunk after the
//      final one, a chunk of another file and a forged final flag are refused;
//   4. as an acknowledgement: file_ack_parse accepts exactly 20 bytes, which
//      file_ack_encode reproduces.
#include <algorithm>
#include <vector>

#include "shared/file_stream.hpp"
#include "shared/text.hpp"
#include "tests/fuzz/fuzz_fixtures.hpp"

using namespace tessera;

namespace {

using fuzz::fixed_file;

void as_description(ByteSpan in) {
  auto d = file_description_parse(in);
  if (!d) return;
  FUZZ_CHECK(d->size <= kFileMaxSize);
  FUZZ_CHECK(d->chunk_size >= kFileChunkMin && d->chunk_size <= kFileChunkMax);
  FUZZ_CHECK(text_is_file_name(d->name.view()) && d->name.size() <= kFileNameMaxBytes);
  FUZZ_CHECK(fuzz::reference_utf8(d->name.bytes(), true));
  FUZZ_CHECK(text_is_media_type(d->media_type.view()) && d->media_type.size() <= kMediaTypeMaxBytes);
  const SecretBuffer enc = file_description_encode(*d);
  FUZZ_CHECK(enc.size() == in.size() && std::equal(in.begin(), in.end(), enc.data()));
  const std::uint32_t n = file_chunk_count(*d);
  FUZZ_CHECK(n >= 1);
  std::uint64_t total = 0;
  // Lengths add up to the size (checked on the first and last chunk; the rest are chunk_size).
  total = std::uint64_t{d->chunk_size} * (n - 1) + file_chunk_length(*d, n - 1);
  FUZZ_CHECK(total == d->size);
  FUZZ_CHECK(file_chunk_length(*d, n) == 0);
}

void as_frame(ByteSpan in) {
  auto h = file_chunk_header_parse(in);
  std::uint32_t index = 0;
  if (h) {
    FUZZ_CHECK(in[0] == kProtocolVersion && load_be32(&in[17]) == h->index);
    FUZZ_CHECK(std::equal(h->id.begin(), h->id.end(), in.begin() + 1));
    FUZZ_CHECK(in[21] == (h->final ? kFileFlagFinal : 0));
    index = h->index;
  }
  FileDescription d = fixed_file(fuzz::kFrameFileSize, fuzz::kFrameFileChunk);
  const std::uint32_t count = file_chunk_count(d);
  auto r = file_receiver(std::move(d));
  if (index < count) r.next_index = index;
  const std::uint32_t before = r.next_index;
  auto plain = file_chunk_open(r, in);
  if (!plain) {
    FUZZ_CHECK(r.next_index == before && !r.complete);
    return;
  }
  FUZZ_CHECK(h.ok() && r.next_index == index + 1 && r.complete == (index + 1 == count));
  auto again = file_chunk_seal(r.description, index, plain->span());
  FUZZ_CHECK(again.ok() && again->size() == in.size() && std::equal(again->begin(), again->end(), in.begin()));
}

void as_contents(ByteSpan in) {
  if (in.empty()) return;
  const std::uint32_t chunk_size = kFileChunkMin + std::uint32_t{in[0]} * 8;  // 1024 .. 3064
  const ByteSpan file = in.subspan(1);
  const FileDescription d = fixed_file(file.size(), chunk_size);
  const std::uint32_t n = file_chunk_count(d);
  std::vector<std::vector<std::uint8_t>> frames;
  std::size_t at = 0;
  for (std::uint32_t i = 0; i < n; ++i) {
    const std::size_t len = file_chunk_length(d, i);
    FUZZ_CHECK(at + len <= file.size());
    // A wrong length is refused.
    if (len > 0) FUZZ_CHECK(!file_chunk_seal(d, i, file.subspan(at, len - 1)).ok());
    auto sealed = file_chunk_seal(d, i, file.subspan(at, len));
    FUZZ_CHECK(sealed.ok());
    frames.push_back(std::move(sealed).value());
    at += len;
  }
  FUZZ_CHECK(at == file.size());
  FUZZ_CHECK(!file_chunk_seal(d, n, ByteSpan()).ok());

  auto desc = file_description_parse(file_description_encode(d).span());
  FUZZ_CHECK(desc.ok());
  auto r = file_receiver(std::move(desc).value());
  if (n > 1) {
    auto skipped = file_chunk_open(r, frames[1]);
    FUZZ_CHECK(!skipped && skipped.error() == FileError::out_of_order);
  }
  std::vector<std::uint8_t> got;
  for (std::uint32_t i = 0; i < n; ++i) {
    FUZZ_CHECK(!r.complete);
    auto plain = file_chunk_open(r, frames[i]);
    FUZZ_CHECK(plain.ok());
    got.insert(got.end(), plain->data(), plain->data() + plain->size());
    if (i > 0) {
      auto dup = file_chunk_open(r, frames[i - 1]);
      FUZZ_CHECK(!dup && dup.error() == (r.complete ? FileError::complete : FileError::duplicate));
    }
  }
  FUZZ_CHECK(r.complete && r.next_index == n);
  FUZZ_CHECK(got.size() == file.size() && std::equal(got.begin(), got.end(), file.begin()));
  auto after = file_chunk_open(r, frames[n - 1]);
  FUZZ_CHECK(!after && after.error() == FileError::complete);
  const auto ack = file_ack_encode(r);
  auto parsed = file_ack_parse(ack);
  FUZZ_CHECK(parsed.ok() && parsed->id == d.id && parsed->next_index == n);

  // Splicing: the first chunk into another file (another id, same key) is refused.
  FileDescription other = fixed_file(file.size(), chunk_size);
  other.id[0] ^= 1;
  auto r2 = file_receiver(std::move(other));
  auto spliced = file_chunk_open(r2, frames[0]);
  FUZZ_CHECK(!spliced && spliced.error() == FileError::wrong_file);
  // Tampering with the final flag (truncation) is refused.
  if (n > 1) {
    std::vector<std::uint8_t> fake_final = frames[0];
    fake_final[21] |= kFileFlagFinal;
    auto r3 = file_receiver(fixed_file(file.size(), chunk_size));
    FUZZ_CHECK(!file_chunk_open(r3, fake_final).ok() && !r3.complete && r3.next_index == 0);
  }
}

void as_ack(ByteSpan in) {
  auto a = file_ack_parse(in);
  FUZZ_CHECK(a.ok() == (in.size() == kFileAckBytes));
  if (!a) return;
  FileReceiver r = file_receiver(fixed_file(0, kFileChunkMin));
  r.description.id = a->id;
  r.next_index = a->next_index;
  const auto enc = file_ack_encode(r);
  FUZZ_CHECK(std::equal(enc.begin(), enc.end(), in.begin()));
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  fuzz::init();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const ByteSpan in(data, size);
  as_description(in);
  as_frame(in);
  as_contents(in);
  as_ack(in);
  return 0;
}
