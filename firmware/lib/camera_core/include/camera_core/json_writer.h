// Writes compact JSON into a caller-owned fixed buffer. Never allocates; on
// overflow it stops writing and ok() turns false, so a caller can fall back
// to a short error instead of sending a truncated object.
#pragma once

#include <cstddef>
#include <cstdint>

namespace camcore {

class JsonWriter {
 public:
  JsonWriter(char* buf, size_t capacity);

  void begin_object();
  void end_object();
  void begin_array();
  void end_array();
  void key(const char* k);

  void value(const char* s);
  void value(const char* s, size_t n);
  void value(int64_t v);
  void value(uint64_t v);
  void value(int v) { value(static_cast<int64_t>(v)); }
  void value(uint32_t v) { value(static_cast<uint64_t>(v)); }
  void value(bool v);
  // A number with one decimal from an integer count of tenths: 198 -> 19.8.
  void value_tenths(uint32_t tenths);

  template <typename T>
  void field(const char* k, T v) {
    key(k);
    value(v);
  }
  void field_tenths(const char* k, uint32_t tenths) {
    key(k);
    value_tenths(tenths);
  }
  void field(const char* k, const char* s, size_t n) {
    key(k);
    value(s, n);
  }

  bool ok() const { return !overflow_ && depth_ == 0; }
  const char* data() const { return buf_; }
  size_t size() const { return len_; }

 private:
  void raw(const char* s, size_t n);
  void put(char c) { raw(&c, 1); }
  void separator();
  void open(char bracket);
  void close(char bracket);
  void escaped(const char* s, size_t n);

  char* buf_;
  size_t cap_;
  size_t len_ = 0;
  uint32_t first_bits_ = 0;  // bit d set: container at depth d has no element yet
  uint8_t depth_ = 0;
  bool after_key_ = false;
  bool overflow_ = false;
};

}  // namespace camcore
