// Writes a command's result once into two forms: the JSON `result` object of
// the reply, and (for the human serial console) readable lines such as
// "[CMD] JPEG quality set to 10" followed by "  key: value". Handlers write
// each field once; no handler formats text twice.
#pragma once

#include <cstdarg>
#include <cstddef>
#include <cstdint>

#include "camera_core/json_writer.h"

namespace camcore {

// Bounded text accumulator (printf-style); excess text is cut, never overflows.
class TextBuffer {
 public:
  TextBuffer(char* buf, size_t cap);
  void append(const char* fmt, ...)
#if defined(__GNUC__)
      __attribute__((format(printf, 2, 3)))
#endif
      ;
  void vappend(const char* fmt, va_list args);
  void clear();
  const char* data() const { return buf_; }
  size_t size() const { return len_; }

 private:
  char* buf_;
  size_t cap_;
  size_t len_ = 0;
};

class ResultWriter {
 public:
  ResultWriter(JsonWriter& json, TextBuffer* human) : json_(json), human_(human) {}

  // The human headline, prefixed with "[CMD] ".
  void say(const char* fmt, ...)
#if defined(__GNUC__)
      __attribute__((format(printf, 2, 3)))
#endif
      ;

  void field(const char* key, uint64_t v);
  void field(const char* key, uint32_t v) { field(key, static_cast<uint64_t>(v)); }
  void field(const char* key, int v);
  void field(const char* key, bool v);
  void field(const char* key, const char* v);
  void field_tenths(const char* key, uint32_t tenths);

  // A list of objects: begin_list, then begin_item/fields/end_item per element.
  void begin_list(const char* key);
  void begin_item();
  void end_item();
  void end_list();

 private:
  void human_key(const char* key);

  JsonWriter& json_;
  TextBuffer* human_;
  bool in_item_ = false;
};

}  // namespace camcore
