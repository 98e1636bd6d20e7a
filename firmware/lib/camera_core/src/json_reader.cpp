#include "camera_core/json_reader.h"

#include <cstring>

namespace camcore {

namespace {

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

void FlatJsonReader::skip_ws() {
  while (p_ < end_ && (*p_ == ' ' || *p_ == '\t' || *p_ == '\n' || *p_ == '\r')) ++p_;
}

bool FlatJsonReader::put_utf8(uint32_t cp, bool store) {
  char buf[4];
  size_t n;
  if (cp < 0x80) {
    buf[0] = static_cast<char>(cp);
    n = 1;
  } else if (cp < 0x800) {
    buf[0] = static_cast<char>(0xC0 | (cp >> 6));
    buf[1] = static_cast<char>(0x80 | (cp & 0x3F));
    n = 2;
  } else if (cp < 0x10000) {
    buf[0] = static_cast<char>(0xE0 | (cp >> 12));
    buf[1] = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    buf[2] = static_cast<char>(0x80 | (cp & 0x3F));
    n = 3;
  } else {
    buf[0] = static_cast<char>(0xF0 | (cp >> 18));
    buf[1] = static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    buf[2] = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    buf[3] = static_cast<char>(0x80 | (cp & 0x3F));
    n = 4;
  }
  if (!store) return true;
  // The arena is sized so this cannot trigger; the check keeps it a bound, not a belief.
  if (arena_used_ + n >= sizeof(arena_)) return false;
  std::memcpy(arena_ + arena_used_, buf, n);
  arena_used_ += n;
  return true;
}

// Reads a string starting at the opening quote. With `store`, the decoded
// bytes go to the arena (NUL-terminated) and *out/*out_len point at them.
bool FlatJsonReader::parse_string(bool store, const char** out, size_t* out_len) {
  if (p_ >= end_ || *p_ != '"') return false;
  ++p_;
  const size_t start = arena_used_;
  while (p_ < end_) {
    const unsigned char c = static_cast<unsigned char>(*p_++);
    if (c == '"') {
      if (store) {
        if (arena_used_ >= sizeof(arena_)) return false;
        arena_[arena_used_++] = '\0';
        *out = arena_ + start;
        *out_len = arena_used_ - start - 1;
      }
      return true;
    }
    if (c < 0x20) return false;  // raw control characters are not JSON
    if (c != '\\') {
      if (store) {
        if (arena_used_ + 1 >= sizeof(arena_)) return false;
        arena_[arena_used_++] = static_cast<char>(c);
      }
      continue;
    }
    if (p_ >= end_) return false;
    const char e = *p_++;
    uint32_t cp;
    switch (e) {
      case '"': cp = '"'; break;
      case '\\': cp = '\\'; break;
      case '/': cp = '/'; break;
      case 'b': cp = '\b'; break;
      case 'f': cp = '\f'; break;
      case 'n': cp = '\n'; break;
      case 'r': cp = '\r'; break;
      case 't': cp = '\t'; break;
      case 'u': {
        if (end_ - p_ < 4) return false;
        cp = 0;
        for (int i = 0; i < 4; ++i) {
          const int d = hex_digit(p_[i]);
          if (d < 0) return false;
          cp = (cp << 4) | static_cast<uint32_t>(d);
        }
        p_ += 4;
        if (cp >= 0xDC00 && cp <= 0xDFFF) return false;  // lone low surrogate
        if (cp >= 0xD800 && cp <= 0xDBFF) {
          // A high surrogate must be followed by an escaped low surrogate.
          if (end_ - p_ < 6 || p_[0] != '\\' || p_[1] != 'u') return false;
          uint32_t low = 0;
          for (int i = 2; i < 6; ++i) {
            const int d = hex_digit(p_[i]);
            if (d < 0) return false;
            low = (low << 4) | static_cast<uint32_t>(d);
          }
          if (low < 0xDC00 || low > 0xDFFF) return false;
          p_ += 6;
          cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
        }
        break;
      }
      default:
        return false;
    }
    if (!put_utf8(cp, store)) return false;
  }
  return false;  // no closing quote
}

// JSON number grammar only: no leading '+', no leading zeros, no NaN/Infinity.
bool FlatJsonReader::parse_number(JsonValue* out) {
  bool negative = false;
  if (p_ < end_ && *p_ == '-') {
    negative = true;
    ++p_;
  }
  if (p_ >= end_ || !is_digit(*p_)) return false;
  uint64_t magnitude = 0;
  bool overflow = false;
  if (*p_ == '0') {
    ++p_;
  } else {
    while (p_ < end_ && is_digit(*p_)) {
      const uint64_t d = static_cast<uint64_t>(*p_ - '0');
      if (magnitude > (UINT64_MAX - d) / 10) overflow = true;
      else magnitude = magnitude * 10 + d;
      ++p_;
    }
  }
  bool integral = true;
  if (p_ < end_ && *p_ == '.') {
    integral = false;
    ++p_;
    if (p_ >= end_ || !is_digit(*p_)) return false;
    while (p_ < end_ && is_digit(*p_)) ++p_;
  }
  if (p_ < end_ && (*p_ == 'e' || *p_ == 'E')) {
    integral = false;
    ++p_;
    if (p_ < end_ && (*p_ == '+' || *p_ == '-')) ++p_;
    if (p_ >= end_ || !is_digit(*p_)) return false;
    while (p_ < end_ && is_digit(*p_)) ++p_;
  }
  const uint64_t limit = negative ? (uint64_t{1} << 63) : static_cast<uint64_t>(INT64_MAX);
  if (integral && !overflow && magnitude <= limit) {
    out->type = JsonType::Integer;
    // Two's complement negation of the magnitude is exact even for INT64_MIN.
    out->integer = negative ? static_cast<int64_t>(0 - magnitude) : static_cast<int64_t>(magnitude);
  } else {
    out->type = JsonType::Number;  // fractional, exponent or out of int64 range
  }
  return true;
}

bool FlatJsonReader::parse_literal(const char* word, size_t n) {
  if (static_cast<size_t>(end_ - p_) < n || std::memcmp(p_, word, n) != 0) return false;
  p_ += n;
  return true;
}

// Validates an array or object without storing anything. Recursion depth is
// bounded by kMaxDepth, so stack use is bounded too.
bool FlatJsonReader::skip_container(size_t depth) {
  if (depth > kMaxDepth) {
    nested_error_ = JsonError::TooDeep;
    return false;
  }
  const char open = *p_++;
  const char close = open == '[' ? ']' : '}';
  skip_ws();
  if (p_ < end_ && *p_ == close) {
    ++p_;
    return true;
  }
  while (true) {
    skip_ws();
    if (open == '{') {
      if (!parse_string(false, nullptr, nullptr)) return false;
      skip_ws();
      if (p_ >= end_ || *p_ != ':') return false;
      ++p_;
      skip_ws();
    }
    JsonValue ignored;
    if (!parse_scalar_or_skip(&ignored, depth)) return false;
    skip_ws();
    if (p_ >= end_) return false;
    if (*p_ == ',') {
      ++p_;
      continue;
    }
    if (*p_ == close) {
      ++p_;
      return true;
    }
    return false;
  }
}

bool FlatJsonReader::parse_scalar_or_skip(JsonValue* out, size_t depth) {
  if (p_ >= end_) return false;
  *out = JsonValue{};
  switch (*p_) {
    case '"': {
      // Only top-level member values (depth 1) are kept.
      const bool store = depth == 1;
      out->type = JsonType::String;
      return parse_string(store, &out->str, &out->len);
    }
    case '{':
    case '[':
      out->type = JsonType::Container;
      return skip_container(depth + 1);
    case 't':
      out->type = JsonType::Bool;
      out->boolean = true;
      return parse_literal("true", 4);
    case 'f':
      out->type = JsonType::Bool;
      return parse_literal("false", 5);
    case 'n':
      out->type = JsonType::Null;
      return parse_literal("null", 4);
    default:
      return parse_number(out);
  }
}

JsonError FlatJsonReader::parse(const char* text, size_t len) {
  const JsonError error = parse_object(text, len);
  if (error != JsonError::None) count_ = 0;  // a failed parse exposes no members
  return error;
}

JsonError FlatJsonReader::parse_object(const char* text, size_t len) {
  count_ = 0;
  arena_used_ = 0;
  nested_error_ = JsonError::None;
  if (len > kMaxInput) return JsonError::TooLong;
  p_ = text;
  end_ = text + len;
  skip_ws();
  if (p_ >= end_) return JsonError::Syntax;
  if (*p_ != '{') {
    // Tell "valid JSON but not an object" apart from garbage, for the message.
    JsonValue ignored;
    if (!parse_scalar_or_skip(&ignored, 0)) {
      return nested_error_ != JsonError::None ? nested_error_ : JsonError::Syntax;
    }
    skip_ws();
    return p_ == end_ ? JsonError::NotObject : JsonError::Syntax;
  }
  ++p_;
  skip_ws();
  if (p_ < end_ && *p_ == '}') {
    ++p_;
  } else {
    while (true) {
      skip_ws();
      const char* key = nullptr;
      size_t key_len = 0;
      if (!parse_string(true, &key, &key_len)) return JsonError::Syntax;
      skip_ws();
      if (p_ >= end_ || *p_ != ':') return JsonError::Syntax;
      ++p_;
      skip_ws();
      JsonValue value;
      if (!parse_scalar_or_skip(&value, 1)) {
        return nested_error_ != JsonError::None ? nested_error_ : JsonError::Syntax;
      }
      for (size_t i = 0; i < count_; ++i) {
        if (fields_[i].key_len == key_len && std::memcmp(fields_[i].key, key, key_len) == 0) {
          return JsonError::DuplicateKey;
        }
      }
      if (count_ == kMaxFields) return JsonError::TooManyFields;
      fields_[count_++] = Field{key, key_len, value};
      skip_ws();
      if (p_ >= end_) return JsonError::Syntax;
      if (*p_ == ',') {
        ++p_;
        continue;
      }
      if (*p_ == '}') {
        ++p_;
        break;
      }
      return JsonError::Syntax;
    }
  }
  skip_ws();
  return p_ == end_ ? JsonError::None : JsonError::Syntax;
}

const JsonValue* FlatJsonReader::find(const char* key) const {
  const size_t n = std::strlen(key);
  for (size_t i = 0; i < count_; ++i) {
    if (fields_[i].key_len == n && std::memcmp(fields_[i].key, key, n) == 0) {
      return &fields_[i].value;
    }
  }
  return nullptr;
}

}  // namespace camcore
