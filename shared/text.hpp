#pragma once
// Validation of the short texts the protocol carries (display names, notes,
// file names, media types). Pure functions over bytes; total.
#include <string_view>

namespace tessera {

// Well-formed UTF-8 (no overlongs, no surrogates, nothing above U+10FFFF).
[[nodiscard]] bool text_is_utf8(std::string_view text);

// UTF-8 with no control characters (C0, DEL, C1): safe to show on a screen.
[[nodiscard]] bool text_is_printable_utf8(std::string_view text);

// A file name to offer for saving: printable UTF-8, no '/' or '\\', not
// empty, not "." or "..".
[[nodiscard]] bool text_is_file_name(std::string_view text);

// A media type "type/subtype" of RFC 6838 restricted-name characters.
[[nodiscard]] bool text_is_media_type(std::string_view text);

}  // namespace tessera
