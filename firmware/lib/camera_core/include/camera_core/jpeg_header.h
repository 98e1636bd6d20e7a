// The frame's real dimensions, read from its own JPEG header (SOFn). The
// driver's camera_fb_t width/height are the sensor's *current* setting
// (esp32-camera's esp_camera_fb_get fills them when the frame is taken out
// of the queue), so after a `framesize` change the first frames may carry a
// size they were not captured at; the SOF segment cannot lie.
#pragma once

#include <cstddef>
#include <cstdint>

namespace camcore {

// Header bytes scanned at most: the OV2640 puts SOF0 after its two DQT
// tables, about 160 bytes in; the bound keeps a malformed frame's scan short.
constexpr size_t kJpegHeaderScanBytes = 2048;

// Reads width and height from the first SOFn segment before SOS. False when
// the data does not start with SOI, a segment is malformed or truncated, or
// no SOF comes within kJpegHeaderScanBytes.
bool jpeg_dimensions(const uint8_t* data, size_t len, uint16_t* width, uint16_t* height);

}  // namespace camcore
