#include "shared/file_stream.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "shared/chat_channel.hpp"
#include "test_util.hpp"

using namespace tessera;
using tessera_test::make_pair;
using tessera_test::seeded;

namespace {

FileDescription make_file(std::uint32_t tag, std::uint64_t size, std::uint32_t chunk = kFileChunkMin) {
  auto d = file_description_make(seeded<kFileIdBytes>(tag), seeded<kKeyBytes>(tag + 1), size, chunk,
                                 "lab results.pdf", "application/pdf");
  REQUIRE(d);
  return std::move(d.value());
}

std::vector<std::uint8_t> content(std::uint64_t size) {
  std::vector<std::uint8_t> c(size);
  for (std::size_t i = 0; i < c.size(); ++i) c[i] = static_cast<std::uint8_t>(i * 7 + 3);
  return c;
}

std::vector<std::vector<std::uint8_t>> seal_all(const FileDescription& d, const std::vector<std::uint8_t>& data) {
  std::vector<std::vector<std::uint8_t>> out;
  std::size_t at = 0;
  for (std::uint32_t i = 0; i < file_chunk_count(d); ++i) {
    const std::size_t n = file_chunk_length(d, i);
    auto c = file_chunk_seal(d, i, ByteSpan(data.data() + at, n));
    REQUIRE(c);
    out.push_back(std::move(c.value()));
    at += n;
  }
  return out;
}

FileReceiver receiver_for(const FileDescription& d) {
  return file_receiver(std::move(file_description_parse(file_description_encode(d).span()).value()));
}

FileError open_error(FileReceiver& r, ByteSpan m) {
  auto o = file_chunk_open(r, m);
  REQUIRE_FALSE(o);
  return o.error();
}

}  // namespace

TEST_CASE("a file travels as an offer in chat and authenticated chunks", "[file]") {
  auto p = make_pair(120);
  for (std::uint64_t size : {std::uint64_t{0}, std::uint64_t{1}, std::uint64_t{1024}, std::uint64_t{1025},
                             std::uint64_t{5000}}) {
    CAPTURE(size);
    const auto d = make_file(121, size);
    const auto data = content(size);
    // The offer goes through the chat channel.
    auto tx = chat_sender(p.guest_keys);
    auto rx = chat_receiver(p.provider_keys);
    auto offer = chat_seal(tx, ChatKind::file_offer, file_description_encode(d).span());
    REQUIRE(offer);
    auto got = chat_open(rx, *offer);
    REQUIRE(got);
    REQUIRE(got->kind == ChatKind::file_offer);
    auto desc = file_description_parse(got->body.span());
    REQUIRE(desc);
    CHECK(desc->name.view() == "lab results.pdf");
    CHECK(desc->media_type.view() == "application/pdf");
    CHECK(desc->size == size);

    auto r = file_receiver(std::move(desc.value()));
    std::vector<std::uint8_t> received;
    for (const auto& c : seal_all(d, data)) {
      auto plain = file_chunk_open(r, c);
      REQUIRE(plain);
      received.insert(received.end(), plain->span().begin(), plain->span().end());
    }
    CHECK(r.complete);
    CHECK(received == data);
  }
}

TEST_CASE("file chunks: truncation, reordering, duplication and splicing are rejected", "[file]") {
  const auto d = make_file(130, 4000);  // chunks of 1024, 1024, 1024, 928
  const auto chunks = seal_all(d, content(4000));
  REQUIRE(chunks.size() == 4);

  auto r = receiver_for(d);
  CHECK(open_error(r, chunks[1]) == FileError::out_of_order);
  REQUIRE(file_chunk_open(r, chunks[0]));
  CHECK(open_error(r, chunks[0]) == FileError::duplicate);
  REQUIRE(file_chunk_open(r, chunks[1]));
  REQUIRE(file_chunk_open(r, chunks[2]));
  // Truncation: without the final chunk the transfer never completes, and
  // an earlier chunk cannot be relabelled as final.
  CHECK_FALSE(r.complete);
  auto fake_final = chunks[2];
  fake_final[21] = kFileFlagFinal;
  CHECK(open_error(r, fake_final) == FileError::duplicate);
  auto r2 = receiver_for(d);
  auto early_final = chunks[0];
  early_final[21] = kFileFlagFinal;
  CHECK(open_error(r2, early_final) == FileError::bad_flags);
  auto cut = chunks[3];
  cut.resize(cut.size() - 1);
  CHECK(open_error(r, cut) == FileError::bad_size);
  REQUIRE(file_chunk_open(r, chunks[3]));
  CHECK(r.complete);
  CHECK(open_error(r, chunks[3]) == FileError::complete);

  // Splicing: a chunk of another file with the same index. Even with its id
  // rewritten it fails: the key differs.
  const auto other = make_file(140, 4000);
  const auto other_chunks = seal_all(other, content(4000));
  auto r3 = receiver_for(d);
  CHECK(open_error(r3, other_chunks[0]) == FileError::wrong_file);
  auto spliced = other_chunks[0];
  std::copy(d.id.begin(), d.id.end(), spliced.begin() + 1);
  CHECK(open_error(r3, spliced) == FileError::forged);
}

TEST_CASE("file chunks: every flipped byte is rejected", "[file]") {
  const auto d = make_file(150, 1500);
  const auto chunks = seal_all(d, content(1500));
  for (std::size_t k = 0; k < chunks.size(); ++k) {
    for (std::size_t i = 0; i < chunks[k].size(); ++i) {
      auto r = receiver_for(d);
      if (k == 1) REQUIRE(file_chunk_open(r, chunks[0]));
      auto m = chunks[k];
      m[i] ^= 0x01;
      CAPTURE(k, i);
      const FileError e = open_error(r, m);
      if (i == 0) CHECK(e == FileError::bad_version);
      else if (i < 17) CHECK(e == FileError::wrong_file);
      else if (i < 21) CHECK((e == FileError::out_of_order || e == FileError::duplicate));
      else if (i == 21) CHECK(e == FileError::bad_flags);
      else CHECK(e == FileError::forged);
    }
  }
}

TEST_CASE("file transfer resumes at an acknowledged chunk with identical ciphertext", "[file]") {
  const auto d = make_file(160, 10 * 1024 + 5);
  const auto data = content(10 * 1024 + 5);
  const auto first_try = seal_all(d, data);
  auto r = receiver_for(d);
  for (int i = 0; i < 4; ++i) REQUIRE(file_chunk_open(r, first_try[static_cast<std::size_t>(i)]));
  // The connection drops; the receiver tells the sender where it stands.
  const auto ack = file_ack_parse(file_ack_encode(r));
  REQUIRE(ack);
  CHECK(ack->id == d.id);
  CHECK(ack->next_index == 4);
  // The sender re-seals from there: same bytes, same nonce, same ciphertext
  // (no nonce ever covers two different plaintexts).
  std::vector<std::uint8_t> received(data.begin(), data.begin() + 4 * 1024);
  for (std::uint32_t i = ack->next_index; i < file_chunk_count(d); ++i) {
    const std::size_t n = file_chunk_length(d, i);
    auto c = file_chunk_seal(d, i, ByteSpan(data.data() + std::size_t{i} * 1024, n));
    REQUIRE(c);
    CHECK(*c == first_try[i]);
    auto plain = file_chunk_open(r, *c);
    REQUIRE(plain);
    received.insert(received.end(), plain->span().begin(), plain->span().end());
  }
  CHECK(r.complete);
  CHECK(received == data);
  CHECK_FALSE(file_ack_parse(ByteSpan(file_ack_encode(r)).first(19)));
}

TEST_CASE("file descriptions enforce the stated limits", "[file]") {
  const auto id = seeded<kFileIdBytes>(1);
  const auto key = seeded<kKeyBytes>(2);
  const auto make = [&](std::uint64_t size, std::uint32_t chunk, std::string_view name, std::string_view type) {
    return file_description_make(id, key, size, chunk, name, type);
  };
  CHECK(make(kFileMaxSize, kFileChunkMax, "a", "a/b"));
  CHECK(make(kFileMaxSize + 1, kFileChunkMax, "a", "a/b").error() == FileError::too_large);
  CHECK(make(1, kFileChunkMin - 1, "a", "a/b").error() == FileError::bad_chunk_size);
  CHECK(make(1, kFileChunkMax + 1, "a", "a/b").error() == FileError::bad_chunk_size);
  CHECK(make(1, kFileChunkMin, std::string(kFileNameMaxBytes, 'n'), "a/b"));
  CHECK(make(1, kFileChunkMin, std::string(kFileNameMaxBytes + 1, 'n'), "a/b").error() == FileError::bad_name);
  for (std::string_view bad : {"", ".", "..", "a/b", "a\\b", "a\nb", "\xc0\xaf"})
    CHECK(make(1, kFileChunkMin, bad, "a/b").error() == FileError::bad_name);
  for (std::string_view bad : {"", "pdf", "/pdf", "application/", "a/b/c", "a b/c", "-a/b"})
    CHECK(make(1, kFileChunkMin, "a", bad).error() == FileError::bad_media_type);
  CHECK(make(1, kFileChunkMin, "a", std::string(64, 'a') + "/" + std::string(62, 'b')));
  CHECK(make(1, kFileChunkMin, "a", std::string(64, 'a') + "/" + std::string(63, 'b')).error() ==
        FileError::bad_media_type);

  // Parsing is total over truncations and extensions of a good encoding.
  const auto good = make(5, kFileChunkMin, "x.txt", "text/plain");
  const auto enc = file_description_encode(*good);
  for (std::size_t n = 0; n < enc.size(); ++n) CHECK_FALSE(file_description_parse(enc.span().first(n)));
  std::vector<std::uint8_t> longer(enc.span().begin(), enc.span().end());
  longer.push_back(0);
  CHECK(file_description_parse(longer).error() == FileError::bad_description);
  CHECK(file_description_parse(enc.span()));

  // Sealing refuses a wrong index or length.
  CHECK(file_chunk_seal(*good, 1, std::vector<std::uint8_t>(0)).error() == FileError::bad_index);
  CHECK(file_chunk_seal(*good, 0, std::vector<std::uint8_t>(4)).error() == FileError::bad_index);
}
