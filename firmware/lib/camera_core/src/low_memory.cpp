#include "camera_core/low_memory.h"

#include <cstdio>

#include "camera_core/protocol_limits.h"

namespace camcore {

bool LowMemoryMonitor::check(uint32_t free_heap, uint64_t now_us) {
  if (free_heap >= kLowMemoryThreshold) return false;
  if (warned_ && now_us - last_us_ < kLowMemoryPeriodUs) return false;
  warned_ = true;
  last_us_ = now_us;
  return true;
}

size_t format_low_memory(uint32_t free_heap, char* out, size_t cap) {
  const int n = std::snprintf(out, cap, "[WARNING] Low memory detected: %lu bytes",
                              static_cast<unsigned long>(free_heap));
  return (n < 0 || static_cast<size_t>(n) >= cap) ? 0 : static_cast<size_t>(n);
}

}  // namespace camcore
