#include <catch2/catch.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "shared/padding.hpp"
#include "shared/text.hpp"

using namespace tessera;

TEST_CASE("UTF-8 validation rejects overlongs, surrogates, truncation and out-of-range", "[text]") {
  CHECK(text_is_utf8(""));
  CHECK(text_is_utf8("plain"));
  CHECK(text_is_utf8("Zoë 李 \xf0\x9f\x98\x80"));
  for (const char* bad : {"\x80", "\xc0\xaf", "\xe0\x80\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xf8\x88\x80\x80\x80",
                          "\xe2\x82", "\xff"})
    CHECK_FALSE(text_is_utf8(bad));
  CHECK(text_is_printable_utf8("Dr. Ámbar"));
  CHECK_FALSE(text_is_printable_utf8("tab\there"));
  CHECK_FALSE(text_is_printable_utf8("\xc2\x85"));  // NEL, a C1 control
  CHECK_FALSE(text_is_printable_utf8(std::string("nul\0", 4)));
}

TEST_CASE("padding goes to power-of-two buckets and unpads strictly", "[padding]") {
  CHECK(pad_size(0, 1024) == 64u);
  CHECK(pad_size(63, 1024) == 64u);
  CHECK(pad_size(64, 1024) == 128u);
  CHECK(pad_size(1023, 1024) == 1024u);
  CHECK_FALSE(pad_size(1024, 1024));
  for (std::size_t n : {0, 1, 63, 64, 500}) {
    std::vector<std::uint8_t> buf(*pad_size(n, 1024), 0x55);
    pad_fill(buf, n);
    CHECK(pad_content_size(buf, 1024) == n);
  }
  std::vector<std::uint8_t> no_marker(64, 0);
  CHECK_FALSE(pad_content_size(no_marker, 1024));
  std::vector<std::uint8_t> junk_tail(64, 0);
  junk_tail[10] = 0x80;
  junk_tail[20] = 0x01;
  CHECK_FALSE(pad_content_size(junk_tail, 1024));
  std::vector<std::uint8_t> not_bucket(65, 0);
  not_bucket[0] = 0x80;
  CHECK_FALSE(pad_content_size(not_bucket, 1024));
  std::vector<std::uint8_t> too_big(2048, 0);
  too_big[0] = 0x80;
  CHECK_FALSE(pad_content_size(too_big, 1024));
}
