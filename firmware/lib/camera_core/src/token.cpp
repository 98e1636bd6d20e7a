#include "camera_core/token.h"

namespace camcore {

bool token_equals(const char* given, size_t given_len, const char* expected,
                  size_t expected_len) {
  // Every byte of the given token is compared against the expected one
  // (cycled), with no early exit; the length difference is folded in last.
  unsigned diff = given_len == expected_len ? 0u : 1u;
  for (size_t i = 0; i < given_len; ++i) {
    const unsigned char e =
        expected_len == 0 ? 0 : static_cast<unsigned char>(expected[i % expected_len]);
    diff |= static_cast<unsigned char>(given[i]) ^ e;
  }
  return diff == 0 && expected_len != 0;
}

}  // namespace camcore
