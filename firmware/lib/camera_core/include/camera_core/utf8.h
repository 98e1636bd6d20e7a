// UTF-8 well-formedness (RFC 3629). Client text reaches the device as raw
// bytes (esp_http_server does not validate), but everything the device sends
// as a WebSocket text message must be valid UTF-8 (RFC 6455, 8.1).
#pragma once

#include <cstddef>

namespace camcore {

// Length of the well-formed sequence at s[0..n), or 0 when it is not one
// (no overlong forms, no surrogates, nothing above U+10FFFF). n must be > 0.
size_t utf8_sequence(const unsigned char* s, size_t n);

// Counts the characters of s[0..n) into *chars; false when s is not
// well-formed UTF-8.
bool utf8_count(const char* s, size_t n, size_t* chars);

}  // namespace camcore
