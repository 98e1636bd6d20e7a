#include "camera_core/jpeg_header.h"

namespace camcore {

namespace {

constexpr uint8_t kMarker = 0xFF;
constexpr uint8_t kSoi = 0xD8;
constexpr uint8_t kEoi = 0xD9;
constexpr uint8_t kSos = 0xDA;
constexpr uint8_t kTem = 0x01;

uint16_t be16(const uint8_t* p) { return static_cast<uint16_t>((p[0] << 8) | p[1]); }

// SOF0..SOF15, except DHT (C4), JPG (C8) and DAC (CC), which share the range.
bool is_sof(uint8_t m) { return m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC; }

// Markers without a length field (ITU T.81 B.1.1.3): TEM and RST0..7.
bool is_standalone(uint8_t m) { return m == kTem || (m >= 0xD0 && m <= 0xD7); }

}  // namespace

bool jpeg_dimensions(const uint8_t* data, size_t len, uint16_t* width, uint16_t* height) {
  const size_t end = len < kJpegHeaderScanBytes ? len : kJpegHeaderScanBytes;
  if (end < 2 || data[0] != kMarker || data[1] != kSoi) return false;
  size_t pos = 2;
  while (pos + 1 < end) {
    if (data[pos] != kMarker) return false;
    uint8_t marker = data[pos + 1];
    pos += 2;
    if (marker == kMarker) {  // fill byte: the marker follows
      pos -= 1;
      continue;
    }
    if (is_standalone(marker)) continue;
    if (marker == kSoi || marker == kEoi || marker == kSos) return false;
    if (pos + 2 > end) return false;
    const uint16_t seg = be16(data + pos);  // counts itself, not the marker
    if (seg < 2 || pos + seg > end) return false;
    if (is_sof(marker)) {
      // length(2) precision(1) height(2) width(2) components(1) ...
      if (seg < 8) return false;
      const uint16_t h = be16(data + pos + 3);
      const uint16_t w = be16(data + pos + 5);
      if (w == 0 || h == 0) return false;
      *width = w;
      *height = h;
      return true;
    }
    pos += seg;
  }
  return false;
}

}  // namespace camcore
