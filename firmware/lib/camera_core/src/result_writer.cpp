#include "camera_core/result_writer.h"

#include <cinttypes>
#include <cstdio>

namespace camcore {

TextBuffer::TextBuffer(char* buf, size_t cap) : buf_(buf), cap_(cap) { clear(); }

void TextBuffer::clear() {
  len_ = 0;
  if (cap_ > 0) buf_[0] = '\0';
}

void TextBuffer::vappend(const char* fmt, va_list args) {
  if (cap_ == 0 || len_ >= cap_ - 1) return;
  const int n = std::vsnprintf(buf_ + len_, cap_ - len_, fmt, args);
  if (n < 0) return;
  // vsnprintf truncates and terminates; keep len_ on the real end.
  const size_t room = cap_ - 1 - len_;
  len_ += static_cast<size_t>(n) < room ? static_cast<size_t>(n) : room;
}

void TextBuffer::append(const char* fmt, ...) {
  va_list args;
  va_start(args, fmt);
  vappend(fmt, args);
  va_end(args);
}

void ResultWriter::say(const char* fmt, ...) {
  if (human_ == nullptr) return;
  human_->append("[CMD] ");
  va_list args;
  va_start(args, fmt);
  human_->vappend(fmt, args);
  va_end(args);
  human_->append("\n");
}

void ResultWriter::human_key(const char* key) {
  if (in_item_) human_->append(" %s=", key);
  else human_->append("  %s: ", key);
}

void ResultWriter::field(const char* key, uint64_t v) {
  json_.field(key, v);
  if (human_ == nullptr) return;
  human_key(key);
  human_->append("%" PRIu64 "%s", v, in_item_ ? "" : "\n");
}

void ResultWriter::field(const char* key, int v) {
  json_.field(key, v);
  if (human_ == nullptr) return;
  human_key(key);
  human_->append("%d%s", v, in_item_ ? "" : "\n");
}

void ResultWriter::field(const char* key, bool v) {
  json_.field(key, v);
  if (human_ == nullptr) return;
  human_key(key);
  human_->append("%s%s", v ? "true" : "false", in_item_ ? "" : "\n");
}

void ResultWriter::field(const char* key, const char* v) {
  json_.field(key, v);
  if (human_ == nullptr) return;
  human_key(key);
  human_->append("%s%s", v, in_item_ ? "" : "\n");
}

void ResultWriter::field_tenths(const char* key, uint32_t tenths) {
  json_.key(key);
  json_.value_tenths(tenths);
  if (human_ == nullptr) return;
  human_key(key);
  human_->append("%lu.%lu%s", static_cast<unsigned long>(tenths / 10),
                 static_cast<unsigned long>(tenths % 10), in_item_ ? "" : "\n");
}

void ResultWriter::begin_list(const char* key) {
  json_.key(key);
  json_.begin_array();
  if (human_ != nullptr) human_->append("  %s:\n", key);
}

void ResultWriter::begin_item() {
  json_.begin_object();
  in_item_ = true;
  if (human_ != nullptr) human_->append("   -");
}

void ResultWriter::end_item() {
  json_.end_object();
  in_item_ = false;
  if (human_ != nullptr) human_->append("\n");
}

void ResultWriter::end_list() { json_.end_array(); }

}  // namespace camcore
