#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "camera_core/jpeg_header.h"
#include "jpeg_builder.h"

using camcore::jpeg_dimensions;
using camcore_test::ov2640_like_jpeg;
using camcore_test::put_segment;
using camcore_test::sof0_body;

namespace {

bool dims(const std::vector<uint8_t>& j, uint16_t* w, uint16_t* h) {
  return jpeg_dimensions(j.data(), j.size(), w, h);
}

}  // namespace

TEST(JpegHeader, ReadsTheSofOfEveryTableSize) {
  const uint16_t sizes[][2] = {{160, 120}, {400, 296}, {640, 480}, {1024, 768}, {1600, 1200}};
  for (const auto& s : sizes) {
    uint16_t w = 0, h = 0;
    ASSERT_TRUE(dims(ov2640_like_jpeg(s[0], s[1]), &w, &h));
    EXPECT_EQ(w, s[0]);
    EXPECT_EQ(h, s[1]);
  }
}

TEST(JpegHeader, SkipsAppSegmentsFillBytesAndStandaloneMarkers) {
  std::vector<uint8_t> j = {0xFF, 0xD8};
  put_segment(&j, 0xE4, std::vector<uint8_t>(20, 0x44));  // our APP4 metadata
  j.insert(j.end(), {0xFF, 0xFF});                        // fill bytes before a marker
  put_segment(&j, 0xE0, {'J', 'F', 'I', 'F', 0});
  j.insert(j.end(), {0xFF, 0xD0});             // RST0 carries no length
  put_segment(&j, 0xC2, sof0_body(800, 600));  // progressive SOF counts too
  uint16_t w = 0, h = 0;
  ASSERT_TRUE(dims(j, &w, &h));
  EXPECT_EQ(w, 800);
  EXPECT_EQ(h, 600);
}

TEST(JpegHeader, DhtIsNotASof) {
  std::vector<uint8_t> j = {0xFF, 0xD8};
  put_segment(&j, 0xC4, {0, 0x02, 0x04, 0x00, 0x20, 0x00, 0x10, 0x00});  // shaped like a SOF
  put_segment(&j, 0xC0, sof0_body(320, 240));
  uint16_t w = 0, h = 0;
  ASSERT_TRUE(dims(j, &w, &h));
  EXPECT_EQ(w, 320);
}

TEST(JpegHeader, RefusesWhatIsNotAWellFormedHeader) {
  uint16_t w = 7, h = 7;
  const std::vector<uint8_t> good = ov2640_like_jpeg(640, 480);
  EXPECT_FALSE(dims({}, &w, &h));
  EXPECT_FALSE(dims({0xFF}, &w, &h));
  EXPECT_FALSE(dims({0x89, 0x50, 0x4E, 0x47}, &w, &h));  // not SOI
  // truncated inside the SOF
  const size_t sof_at = 2 + 2 * 69;
  EXPECT_FALSE(dims(std::vector<uint8_t>(good.begin(), good.begin() + sof_at + 6), &w, &h));
  // SOS (or EOI) before any SOF
  std::vector<uint8_t> sos_first = {0xFF, 0xD8};
  put_segment(&sos_first, 0xDA, {1, 1, 0});
  put_segment(&sos_first, 0xC0, sof0_body(640, 480));
  EXPECT_FALSE(dims(sos_first, &w, &h));
  EXPECT_FALSE(dims({0xFF, 0xD8, 0xFF, 0xD9}, &w, &h));
  // a length below 2, a SOF too short to hold dimensions, zero dimensions
  EXPECT_FALSE(dims({0xFF, 0xD8, 0xFF, 0xDB, 0x00, 0x01, 0x00}, &w, &h));
  EXPECT_FALSE(dims({0xFF, 0xD8, 0xFF, 0xC0, 0x00, 0x05, 8, 0x01, 0xE0}, &w, &h));
  std::vector<uint8_t> zero = {0xFF, 0xD8};
  put_segment(&zero, 0xC0, sof0_body(0, 480));
  EXPECT_FALSE(dims(zero, &w, &h));
  // garbage where a marker must be
  EXPECT_FALSE(dims({0xFF, 0xD8, 0x12, 0x34, 0xFF, 0xC0}, &w, &h));
  EXPECT_EQ(w, 7);  // untouched on failure
  EXPECT_EQ(h, 7);
}

TEST(JpegHeader, ScanStopsAtTheBound) {
  std::vector<uint8_t> j = {0xFF, 0xD8};
  while (j.size() < camcore::kJpegHeaderScanBytes) {
    put_segment(&j, 0xE1, std::vector<uint8_t>(500, 0));
  }
  put_segment(&j, 0xC0, sof0_body(640, 480));
  uint16_t w = 0, h = 0;
  EXPECT_FALSE(dims(j, &w, &h));
}
