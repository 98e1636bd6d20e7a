// Data-driven: test/vectors/frames.json. The device runs the validation
// verdicts on camera output before sending, and must produce exactly the
// "insertion" bytes.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "camera_core/frame_metadata.h"
#include "vectors.h"

using nlohmann::json;

namespace {

std::vector<uint8_t> from_hex(const std::string& hex) {
  std::vector<uint8_t> out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<uint8_t>(std::stoul(hex.substr(i, 2), nullptr, 16)));
  }
  return out;
}

camcore::FrameMeta meta_of(const json& j) {
  return camcore::FrameMeta{j.at("frame_size").get<uint8_t>(), j.at("quality").get<uint8_t>(),
                            j.at("seq").get<uint32_t>(), j.at("capture_us").get<uint64_t>()};
}

TEST(FrameVectors, ValidationVerdicts) {
  const json vectors = camcore_test::load_vectors("frames.json");
  ASSERT_FALSE(vectors.at("cases").empty());
  for (const json& c : vectors.at("cases")) {
    const std::vector<uint8_t> data = from_hex(c.at("hex"));
    const camcore::FrameCheck check =
        camcore::check_jpeg(data.data(), data.size(), c.at("max_size").get<size_t>());
    EXPECT_EQ(camcore::frame_check_name(check), c.at("expect").at("reason").get<std::string>())
        << c.at("name");
    EXPECT_EQ(check == camcore::FrameCheck::Ok, c.at("expect").at("valid").get<bool>())
        << c.at("name");
  }
}

TEST(FrameVectors, FramesWithMetadataAreWhatTheDeviceWrites) {
  // A case whose expected meta is not null must equal the plain JPEG body
  // with our segment inserted: the device and the node agree byte for byte.
  const json vectors = camcore_test::load_vectors("frames.json");
  int checked = 0;
  for (const json& c : vectors.at("cases")) {
    const json& meta = c.at("expect").at("meta");
    if (meta.is_null()) continue;
    const std::vector<uint8_t> frame = from_hex(c.at("hex"));
    ASSERT_GT(frame.size(), camcore::kMetaSegmentBytes + 2);
    std::vector<uint8_t> plain = {0xFF, 0xD8};
    plain.insert(plain.end(), frame.begin() + 2 + camcore::kMetaSegmentBytes, frame.end());
    std::vector<uint8_t> out(frame.size());
    const size_t n = camcore::insert_metadata(plain.data(), plain.size(), meta_of(meta),
                                              out.data(), out.size());
    EXPECT_EQ(n, frame.size()) << c.at("name");
    EXPECT_EQ(out, frame) << c.at("name");
    ++checked;
  }
  EXPECT_GE(checked, 2);
}

TEST(FrameVectors, Insertion) {
  const json vectors = camcore_test::load_vectors("frames.json");
  ASSERT_FALSE(vectors.at("insertion").empty());
  for (const json& c : vectors.at("insertion")) {
    const std::vector<uint8_t> jpeg = from_hex(c.at("jpeg_hex"));
    std::vector<uint8_t> out(jpeg.size() + camcore::kMetaSegmentBytes);
    const size_t n =
        camcore::insert_metadata(jpeg.data(), jpeg.size(), meta_of(c), out.data(), out.size());
    if (c.at("expect_hex").is_null()) {
      EXPECT_EQ(n, 0u) << c.at("name");
      continue;
    }
    const std::vector<uint8_t> expect = from_hex(c.at("expect_hex"));
    ASSERT_EQ(n, expect.size()) << c.at("name");
    out.resize(n);
    EXPECT_EQ(out, expect) << c.at("name");
  }
}

TEST(FrameMetadata, RefusesAnOutputBufferOneByteShort) {
  const std::vector<uint8_t> jpeg = from_hex("ffd8ffdb0004ffc00004ffda0004123456ffd9");
  std::vector<uint8_t> out(jpeg.size() + camcore::kMetaSegmentBytes - 1, 0xAA);
  EXPECT_EQ(camcore::insert_metadata(jpeg.data(), jpeg.size(), {5, 12, 1, 1}, out.data(),
                                     out.size()),
            0u);
  for (uint8_t b : out) EXPECT_EQ(b, 0xAA);  // nothing written
}

TEST(FrameMetadata, SegmentIsSkippableApp4) {
  const std::vector<uint8_t> jpeg = {0xFF, 0xD8, 0xFF, 0xD9};
  std::vector<uint8_t> out(64);
  const size_t n = camcore::insert_metadata(jpeg.data(), jpeg.size(), {5, 12, 7, 9}, out.data(),
                                            out.size());
  ASSERT_EQ(n, 28u);
  // The length field lets a decoder skip the segment: 2 + length lands on the next marker.
  const size_t length = (static_cast<size_t>(out[4]) << 8) | out[5];
  EXPECT_EQ(out[4 + length], 0xFF);
  EXPECT_EQ(out[5 + length], 0xD9);
}

}  // namespace
