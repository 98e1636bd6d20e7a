#include "camera_core/send_tracker.h"

namespace camcore {

namespace {
// token = generation << 8 | index: small, non-negative, fits a pointer-sized int.
constexpr int32_t kIndexBits = 8;
constexpr int32_t kIndexMask = (1 << kIndexBits) - 1;
}  // namespace

int32_t SendTracker::begin(const Send& send, uint64_t now_us) {
  for (size_t i = 0; i < kMaxOutstanding; ++i) {
    Record& r = records_[i];
    if (r.used) continue;
    r.used = true;
    ++r.generation;
    r.since_us = now_us;
    r.send = send;
    return (static_cast<int32_t>(r.generation) << kIndexBits) | static_cast<int32_t>(i);
  }
  return -1;
}

bool SendTracker::finish(int32_t token, Send* out) {
  if (token < 0) return false;
  const size_t index = static_cast<size_t>(token & kIndexMask);
  if (index >= kMaxOutstanding) return false;
  Record& r = records_[index];
  if (!r.used || static_cast<int32_t>(r.generation) != (token >> kIndexBits)) return false;
  r.used = false;
  *out = r.send;
  return true;
}

size_t SendTracker::reclaim(uint64_t now_us, uint64_t max_age_us, Send* out) {
  size_t n = 0;
  for (Record& r : records_) {
    if (!r.used || now_us < r.since_us || now_us - r.since_us <= max_age_us) continue;
    r.used = false;
    out[n++] = r.send;
  }
  return n;
}

size_t SendTracker::outstanding() const {
  size_t n = 0;
  for (const Record& r : records_) n += r.used ? 1 : 0;
  return n;
}

}  // namespace camcore
