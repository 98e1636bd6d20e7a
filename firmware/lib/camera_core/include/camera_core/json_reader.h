// A bounded reader for the one JSON shape the device accepts: an object whose
// members are scalars (commands: {"cmd":..,"arg":..,"id":..,"token":..}).
//
// Why not a general JSON library: the device must not grow its heap on input
// from the network. Everything lives in this object: decoded strings are
// copied into a fixed arena no larger than the input (a decoded JSON string
// is never longer than its source), and at most kMaxFields members are kept.
// Nested arrays/objects are validated (depth-limited) but not stored; their
// value reads as JsonType::Container so a command can reject it.
#pragma once

#include <cstddef>
#include <cstdint>

#include "camera_core/protocol_limits.h"

namespace camcore {

enum class JsonType : uint8_t { Null, Bool, Integer, Number, String, Container };

struct JsonValue {
  JsonType type = JsonType::Null;
  bool boolean = false;
  int64_t integer = 0;    // JsonType::Integer: no fraction, no exponent, fits int64
  const char* str = nullptr;  // JsonType::String: decoded UTF-8, NUL-terminated
  size_t len = 0;             // bytes in str (it may contain \u0000)
};

enum class JsonError : uint8_t {
  None,
  TooLong,        // input longer than kMaxInput
  NotObject,      // valid start, but not an object (e.g. an array)
  Syntax,         // not JSON (or NaN/Infinity, bad escapes, trailing bytes)
  TooManyFields,  // more than kMaxFields members
  DuplicateKey,   // a key twice: ambiguous (which token counts?), so refused
  TooDeep,        // nesting deeper than kMaxDepth
};

class FlatJsonReader {
 public:
  static constexpr size_t kMaxInput = kMaxWsText;
  static constexpr size_t kMaxFields = 8;
  static constexpr size_t kMaxDepth = 8;

  // Parses `text` (not NUL-terminated). Previous results are discarded.
  JsonError parse(const char* text, size_t len);

  // The member named `key` (exact bytes), or nullptr.
  const JsonValue* find(const char* key) const;
  size_t size() const { return count_; }

 private:
  struct Field {
    const char* key;
    size_t key_len;
    JsonValue value;
  };

  JsonError parse_object(const char* text, size_t len);
  // Cursor helpers; each returns false on a syntax error.
  void skip_ws();
  bool parse_string(bool store, const char** out, size_t* out_len);
  bool parse_number(JsonValue* out);
  bool parse_literal(const char* word, size_t n);
  bool skip_container(size_t depth);
  bool parse_scalar_or_skip(JsonValue* out, size_t depth);
  bool put_utf8(uint32_t cp, bool store);

  const char* p_ = nullptr;
  const char* end_ = nullptr;
  JsonError nested_error_ = JsonError::None;
  char arena_[kMaxInput + 1] = {};
  size_t arena_used_ = 0;
  Field fields_[kMaxFields] = {};
  size_t count_ = 0;
};

}  // namespace camcore
