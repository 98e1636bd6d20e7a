// v2 per-frame metadata (docs/protocol.md, "Binary messages"): an APP4
// segment right after SOI, which every JPEG decoder skips, and the frame
// check the device applies before sending anything it got from the camera.
#pragma once

#include <cstddef>
#include <cstdint>

namespace camcore {

struct FrameMeta {
  uint8_t frame_size;  // index into the frame-size table
  uint8_t quality;
  uint32_t sequence;
  uint64_t capture_us;
};

constexpr size_t kMetaSegmentBytes = 24;  // FF E4 + 22-byte segment (length counts itself)

enum class FrameCheck : uint8_t { Ok, TooShort, NoSoi, NoEoi, TooLarge };

// Same verdicts and order as the node's validator (test/vectors/frames.json):
// too large, too short (< SOI+EOI), no SOI at the start, no EOI at the end.
FrameCheck check_jpeg(const uint8_t* data, size_t len, size_t max_len);
const char* frame_check_name(FrameCheck check);

// Writes SOI + APP4 metadata + the rest of `jpeg` to `out`. Returns the bytes
// written, or 0 when `jpeg` does not start with SOI or `out` is too small.
size_t insert_metadata(const uint8_t* jpeg, size_t len, const FrameMeta& meta, uint8_t* out,
                       size_t out_capacity);

}  // namespace camcore
