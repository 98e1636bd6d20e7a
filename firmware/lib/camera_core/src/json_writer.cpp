#include "camera_core/json_writer.h"

#include <cstring>

#include "camera_core/utf8.h"

namespace camcore {

namespace {
constexpr uint8_t kMaxDepth = 31;  // first_bits_ has one bit per level
}  // namespace

JsonWriter::JsonWriter(char* buf, size_t capacity) : buf_(buf), cap_(capacity) {
  if (cap_ > 0) buf_[0] = '\0';
}

void JsonWriter::raw(const char* s, size_t n) {
  // Keep one byte for the terminating NUL so data() is always a C string.
  if (overflow_ || cap_ == 0 || n > cap_ - 1 - len_) {
    overflow_ = true;
    return;
  }
  std::memcpy(buf_ + len_, s, n);
  len_ += n;
  buf_[len_] = '\0';
}

void JsonWriter::separator() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (depth_ == 0) return;
  const uint32_t bit = 1u << depth_;
  if (first_bits_ & bit) {
    first_bits_ &= ~bit;
  } else {
    put(',');
  }
}

void JsonWriter::open(char bracket) {
  separator();
  put(bracket);
  if (depth_ >= kMaxDepth) {
    overflow_ = true;
    return;
  }
  ++depth_;
  first_bits_ |= 1u << depth_;
}

void JsonWriter::close(char bracket) {
  put(bracket);
  if (depth_ > 0) --depth_;
}

void JsonWriter::begin_object() { open('{'); }
void JsonWriter::end_object() { close('}'); }
void JsonWriter::begin_array() { open('['); }
void JsonWriter::end_array() { close(']'); }

void JsonWriter::key(const char* k) {
  separator();
  escaped(k, std::strlen(k));
  put(':');
  after_key_ = true;
}

// Escapes a string. Bytes that are not well-formed UTF-8 (anything echoed
// from a client may be) become U+FFFD: a WebSocket text message must be
// valid UTF-8 or the client fails the connection (RFC 6455, 8.1).
void JsonWriter::escaped(const char* s, size_t n) {
  static const char kHex[] = "0123456789abcdef";
  const unsigned char* u = reinterpret_cast<const unsigned char*>(s);
  put('"');
  size_t i = 0;
  while (i < n) {
    const unsigned char c = u[i];
    if (c >= 0x80) {
      const size_t len = utf8_sequence(u + i, n - i);
      if (len == 0) {
        raw("\\ufffd", 6);
        ++i;
      } else {
        raw(s + i, len);
        i += len;
      }
      continue;
    }
    switch (c) {
      case '"': raw("\\\"", 2); break;
      case '\\': raw("\\\\", 2); break;
      case '\n': raw("\\n", 2); break;
      case '\r': raw("\\r", 2); break;
      case '\t': raw("\\t", 2); break;
      default:
        if (c < 0x20) {
          const char esc[6] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 0xF]};
          raw(esc, sizeof(esc));
        } else {
          put(static_cast<char>(c));
        }
    }
    ++i;
  }
  put('"');
}

void JsonWriter::value(const char* s) {
  separator();
  escaped(s, std::strlen(s));
}

void JsonWriter::value(const char* s, size_t n) {
  separator();
  escaped(s, n);
}

void JsonWriter::value(uint64_t v) {
  separator();
  char digits[20];
  size_t n = 0;
  do {
    digits[n++] = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v != 0);
  char out[20];
  for (size_t i = 0; i < n; ++i) out[i] = digits[n - 1 - i];
  raw(out, n);
}

void JsonWriter::value(int64_t v) {
  if (v < 0) {
    separator();
    put('-');
    after_key_ = true;  // the digits follow the sign without a separator
    value(static_cast<uint64_t>(0) - static_cast<uint64_t>(v));
    return;
  }
  value(static_cast<uint64_t>(v));
}

void JsonWriter::value(bool v) {
  separator();
  if (v) raw("true", 4);
  else raw("false", 5);
}

void JsonWriter::value_tenths(uint32_t tenths) {
  value(static_cast<uint64_t>(tenths / 10));
  const char frac[2] = {'.', static_cast<char>('0' + tenths % 10)};
  raw(frac, 2);
}

}  // namespace camcore
