#include "camera_core/utf8.h"

namespace camcore {

size_t utf8_sequence(const unsigned char* s, size_t n) {
  const unsigned char c = s[0];
  size_t len;
  unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
  if (c < 0x80) return 1;
  if (c >= 0xC2 && c <= 0xDF) {
    len = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    len = 3;
    if (c == 0xE0) lo = 0xA0;  // overlong
    if (c == 0xED) hi = 0x9F;  // surrogates
  } else if (c >= 0xF0 && c <= 0xF4) {
    len = 4;
    if (c == 0xF0) lo = 0x90;  // overlong
    if (c == 0xF4) hi = 0x8F;  // above U+10FFFF
  } else {
    return 0;
  }
  if (n < len || s[1] < lo || s[1] > hi) return 0;
  for (size_t i = 2; i < len; ++i) {
    if (s[i] < 0x80 || s[i] > 0xBF) return 0;
  }
  return len;
}

bool utf8_count(const char* s, size_t n, size_t* chars) {
  const unsigned char* u = reinterpret_cast<const unsigned char*>(s);
  size_t count = 0;
  for (size_t i = 0; i < n; ++count) {
    const size_t len = utf8_sequence(u + i, n - i);
    if (len == 0) return false;
    i += len;
  }
  *chars = count;
  return true;
}

}  // namespace camcore
