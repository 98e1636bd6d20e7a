// Command token comparison. Constant time in the length of the *given*
// token and independent of where the first difference is, so a client cannot
// find the configured token byte by byte from reply timing.
#pragma once

#include <cstddef>

namespace camcore {

bool token_equals(const char* given, size_t given_len, const char* expected, size_t expected_len);

}  // namespace camcore
