#include <gtest/gtest.h>

#include <string>

#include "camera_core/utf8.h"

namespace {

size_t count(const std::string& s, bool* ok) {
  size_t n = 0;
  *ok = camcore::utf8_count(s.data(), s.size(), &n);
  return n;
}

TEST(Utf8, CountsCharacters) {
  bool ok = false;
  EXPECT_EQ(count("abc", &ok), 3u);
  EXPECT_TRUE(ok);
  EXPECT_EQ(count("\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80", &ok), 3u);  // é € 😀
  EXPECT_TRUE(ok);
  EXPECT_EQ(count("", &ok), 0u);
  EXPECT_TRUE(ok);
}

TEST(Utf8, RejectsMalformedSequences) {
  bool ok = true;
  for (const char* bad : {"\x80", "\xc0\xaf", "\xc3", "\xe0\x80\xaf", "\xed\xa0\x80",
                          "\xf4\x90\x80\x80", "\xf5\x80\x80\x80", "\xff", "a\xe2\x82"}) {
    count(bad, &ok);
    EXPECT_FALSE(ok) << bad;
  }
}

}  // namespace
