// The core's include path must not shadow a system header. Its public headers
// used to sit flat in lib/camera_core/src with a "limits.h" among them, so any
// file with the core on its include path (FreeRTOS's portmacro.h, lwIP's
// arch.h, this one) got the project's file for <limits.h>, and INT_MAX did
// not exist. This translation unit is compiled with the core's include path
// by the unit tests and by the glue compile check (test/CMakeLists.txt): if a
// core header shadows <limits.h> again, the static_asserts fail the build.
#include <limits.h>

#include <climits>

#include "camera_core/protocol_limits.h"

static_assert(INT_MAX == 2147483647, "<limits.h> must be the C library's");
static_assert(CHAR_BIT == 8, "<climits> must be the C library's");

#if __has_include(<gtest/gtest.h>) && !defined(CAMCORE_COMPILE_CHECK_ONLY)
#include <gtest/gtest.h>

TEST(SystemHeaders, LimitsIsTheCLibrarys) {
  EXPECT_EQ(INT_MAX, 2147483647);
  EXPECT_EQ(UINT8_MAX, 255);
  EXPECT_GT(LONG_MAX, 0L);
}
#endif
