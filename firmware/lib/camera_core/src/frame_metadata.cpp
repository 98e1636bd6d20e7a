#include "camera_core/frame_metadata.h"

#include <cstring>

namespace camcore {

namespace {

constexpr uint8_t kMarker = 0xFF;
constexpr uint8_t kSoi = 0xD8;
constexpr uint8_t kEoi = 0xD9;
constexpr uint8_t kApp4 = 0xE4;
constexpr uint8_t kSegmentLength = 22;  // length field + identifier + payload
constexpr uint8_t kMetaVersion = 1;
constexpr uint8_t kIdentifier[5] = {'D', 'C', 'A', 'M', 0};

void put_be(uint8_t* out, uint64_t v, size_t bytes) {
  for (size_t i = 0; i < bytes; ++i) out[i] = static_cast<uint8_t>(v >> (8 * (bytes - 1 - i)));
}

}  // namespace

FrameCheck check_jpeg(const uint8_t* data, size_t len, size_t max_len) {
  if (len > max_len) return FrameCheck::TooLarge;
  if (len < 4) return FrameCheck::TooShort;
  if (data[0] != kMarker || data[1] != kSoi) return FrameCheck::NoSoi;
  if (data[len - 2] != kMarker || data[len - 1] != kEoi) return FrameCheck::NoEoi;
  return FrameCheck::Ok;
}

const char* frame_check_name(FrameCheck check) {
  switch (check) {
    case FrameCheck::Ok: return "ok";
    case FrameCheck::TooShort: return "too_short";
    case FrameCheck::NoSoi: return "no_soi";
    case FrameCheck::NoEoi: return "no_eoi";
    case FrameCheck::TooLarge: return "too_large";
  }
  return "unknown";
}

size_t insert_metadata(const uint8_t* jpeg, size_t len, const FrameMeta& meta, uint8_t* out,
                       size_t out_capacity) {
  if (len < 2 || jpeg[0] != kMarker || jpeg[1] != kSoi) return 0;
  const size_t total = len + kMetaSegmentBytes;
  if (total < len || total > out_capacity) return 0;
  uint8_t* p = out;
  *p++ = kMarker;
  *p++ = kSoi;
  *p++ = kMarker;
  *p++ = kApp4;
  put_be(p, kSegmentLength, 2);
  p += 2;
  std::memcpy(p, kIdentifier, sizeof(kIdentifier));
  p += sizeof(kIdentifier);
  *p++ = kMetaVersion;
  *p++ = meta.frame_size;
  *p++ = meta.quality;
  put_be(p, meta.sequence, 4);
  p += 4;
  put_be(p, meta.capture_us, 8);
  p += 8;
  std::memcpy(p, jpeg + 2, len - 2);
  return total;
}

}  // namespace camcore
