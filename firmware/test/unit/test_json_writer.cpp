#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <cstring>
#include <string>

#include "camera_core/json_writer.h"

namespace {

TEST(JsonWriter, WritesNestedStructures) {
  char buf[256];
  camcore::JsonWriter w(buf, sizeof(buf));
  w.begin_object();
  w.field("a", static_cast<int64_t>(-5));
  w.field("b", true);
  w.key("list");
  w.begin_array();
  w.begin_object();
  w.field("x", static_cast<uint64_t>(UINT64_MAX));
  w.end_object();
  w.value("s");
  w.value(static_cast<int64_t>(INT64_MIN));
  w.end_array();
  w.field_tenths("fps", 198);
  w.end_object();
  ASSERT_TRUE(w.ok());
  EXPECT_EQ(std::string(w.data()),
            R"({"a":-5,"b":true,"list":[{"x":18446744073709551615},"s",-9223372036854775808],"fps":19.8})");
}

TEST(JsonWriter, EscapesStringsSoTheyRoundTrip) {
  char buf[256];
  camcore::JsonWriter w(buf, sizeof(buf));
  const std::string nasty("q\"b\\n\n\x01\x1f\xc3\xa9", 10);
  w.begin_object();
  w.field("k", nasty.data(), nasty.size());
  w.end_object();
  ASSERT_TRUE(w.ok());
  EXPECT_EQ(nlohmann::json::parse(w.data())["k"], nasty);
}

// Regression (fuzz_commands): an unknown command name of invalid UTF-8 was
// echoed raw, making the reply an invalid WebSocket text message.
TEST(JsonWriter, InvalidUtf8BecomesReplacementCharacters) {
  char buf[256];
  camcore::JsonWriter w(buf, sizeof(buf));
  const std::string bytes = "a\xf4\xf4z\xc0\xaf\xed\xa0\x80\xf0\x9f\x98\x80\xe2\x82";
  w.begin_object();
  w.field("k", bytes.data(), bytes.size());
  w.end_object();
  ASSERT_TRUE(w.ok());
  const auto doc = nlohmann::json::parse(w.data());  // throws on invalid UTF-8
  // Bad bytes one U+FFFD each; the valid 4-byte emoji is kept as is.
  EXPECT_EQ(doc["k"], "a\xef\xbf\xbd\xef\xbf\xbdz\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"
                      "\xef\xbf\xbd\xef\xbf\xbd\xf0\x9f\x98\x80\xef\xbf\xbd\xef\xbf\xbd");
}

TEST(JsonWriter, OverflowIsReportedAndBounded) {
  char buf[16];
  std::memset(buf, 'Z', sizeof(buf));
  camcore::JsonWriter w(buf, 10);
  w.begin_object();
  w.field("key", "a long value");
  w.end_object();
  EXPECT_FALSE(w.ok());
  EXPECT_LT(w.size(), 10u);
  EXPECT_EQ(buf[10], 'Z');  // nothing past the capacity
}

TEST(JsonWriter, UnbalancedIsNotOk) {
  char buf[16];
  camcore::JsonWriter w(buf, sizeof(buf));
  w.begin_object();
  EXPECT_FALSE(w.ok());
}

}  // namespace
