#include "shared/text.hpp"

#include <cstdint>

namespace tessera {
namespace {

// Decodes one code point at text[i]; returns its length, or 0 if malformed.
std::size_t utf8_next(std::string_view text, std::size_t i, std::uint32_t& cp) {
  const auto b = [&](std::size_t k) { return static_cast<std::uint8_t>(text[k]); };
  const std::uint8_t c = b(i);
  std::size_t len;
  std::uint32_t min;
  if (c < 0x80) {
    cp = c;
    return 1;
  } else if ((c & 0xE0) == 0xC0) {
    len = 2, cp = c & 0x1F, min = 0x80;
  } else if ((c & 0xF0) == 0xE0) {
    len = 3, cp = c & 0x0F, min = 0x800;
  } else if ((c & 0xF8) == 0xF0) {
    len = 4, cp = c & 0x07, min = 0x10000;
  } else {
    return 0;
  }
  if (text.size() - i < len) return 0;
  for (std::size_t k = 1; k < len; ++k) {
    if ((b(i + k) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (b(i + k) & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return len;
}

bool is_control(std::uint32_t cp) { return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F); }

bool is_restricted_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '!' ||
         c == '#' || c == '$' || c == '&' || c == '-' || c == '^' || c == '_' || c == '.' || c == '+';
}

bool is_restricted_name(std::string_view s) {
  if (s.empty() || s.size() > 127) return false;
  const char first = s[0];
  if (!((first >= 'a' && first <= 'z') || (first >= 'A' && first <= 'Z') || (first >= '0' && first <= '9')))
    return false;
  for (const char c : s)
    if (!is_restricted_name_char(c)) return false;
  return true;
}

}  // namespace

bool text_is_utf8(std::string_view text) {
  std::uint32_t cp;
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t n = utf8_next(text, i, cp);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

bool text_is_printable_utf8(std::string_view text) {
  std::uint32_t cp;
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t n = utf8_next(text, i, cp);
    if (n == 0 || is_control(cp)) return false;
    i += n;
  }
  return true;
}

bool text_is_file_name(std::string_view text) {
  if (text.empty() || text == "." || text == "..") return false;
  if (text.find('/') != std::string_view::npos || text.find('\\') != std::string_view::npos) return false;
  return text_is_printable_utf8(text);
}

bool text_is_media_type(std::string_view text) {
  const auto slash = text.find('/');
  if (slash == std::string_view::npos) return false;
  return is_restricted_name(text.substr(0, slash)) && is_restricted_name(text.substr(slash + 1));
}

}  // namespace tessera
