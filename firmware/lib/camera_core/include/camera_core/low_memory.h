// The README's low-memory warning, rate limited (docs/protocol.md, serial
// console): exactly "[WARNING] Low memory detected: <bytes> bytes" when free
// heap is below 50 000 bytes, at most once every 10 s.
#pragma once

#include <cstddef>
#include <cstdint>

namespace camcore {

class LowMemoryMonitor {
 public:
  // Returns true when the warning must be printed now.
  bool check(uint32_t free_heap, uint64_t now_us);

 private:
  bool warned_ = false;
  uint64_t last_us_ = 0;
};

// Formats the warning line (no newline); returns its length (0: too small).
size_t format_low_memory(uint32_t free_heap, char* out, size_t cap);

}  // namespace camcore
