// Builds JPEG headers for tests: the OV2640's layout (SOI, two DQT tables,
// SOF0 with three components, DHT, SOS, entropy data, EOI), any size.
#pragma once

#include <cstdint>
#include <vector>

namespace camcore_test {

inline void put_segment(std::vector<uint8_t>* out, uint8_t marker,
                        const std::vector<uint8_t>& body) {
  const size_t len = body.size() + 2;
  out->insert(out->end(),
              {0xFF, marker, static_cast<uint8_t>(len >> 8), static_cast<uint8_t>(len)});
  out->insert(out->end(), body.begin(), body.end());
}

inline std::vector<uint8_t> sof0_body(uint16_t width, uint16_t height) {
  return {8,
          static_cast<uint8_t>(height >> 8),
          static_cast<uint8_t>(height),
          static_cast<uint8_t>(width >> 8),
          static_cast<uint8_t>(width),
          3,
          1,
          0x21,
          0,
          2,
          0x11,
          1,
          3,
          0x11,
          1};
}

inline std::vector<uint8_t> ov2640_like_jpeg(uint16_t width, uint16_t height) {
  std::vector<uint8_t> j = {0xFF, 0xD8};
  std::vector<uint8_t> dqt(65, 0x10);
  dqt[0] = 0x00;
  put_segment(&j, 0xDB, dqt);
  dqt[0] = 0x01;
  put_segment(&j, 0xDB, dqt);
  put_segment(&j, 0xC0, sof0_body(width, height));
  put_segment(&j, 0xC4, std::vector<uint8_t>(418, 0x01));
  put_segment(&j, 0xDA, {3, 1, 0x00, 2, 0x11, 3, 0x11, 0, 0x3F, 0});
  j.insert(j.end(), {0x12, 0x34, 0xFF, 0x00, 0x56, 0xFF, 0xD9});
  return j;
}

}  // namespace camcore_test
