// A DeviceControl for host tests: records what the core asked for and lets a
// test make the "hardware" fail.
#pragma once

#include <cstdint>
#include <vector>

#include "camera_core/device_control.h"

namespace camcore_test {

class FakeDevice : public camcore::DeviceControl {
 public:
  uint64_t now_us() override { return clock_us; }
  bool apply_quality(int quality) override {
    qualities.push_back(quality);
    clock_us += write_us;
    return !sensor_fails;
  }
  bool apply_frame_size(uint8_t index) override {
    frame_sizes.push_back(index);
    clock_us += write_us;
    return !sensor_fails;
  }
  void request_reset() override { ++resets; }
  bool set_server_running(bool running) override {
    server_calls.push_back(running);
    return true;
  }
  int broadcast_test() override { return test_recipients; }
  camcore::SystemInfo system_info() override { return info; }

  uint64_t clock_us = 61700123;
  uint64_t write_us = 0;  // how long a sensor register write takes (advances the clock)
  bool sensor_fails = false;
  int test_recipients = 0;
  int resets = 0;
  std::vector<int> qualities;
  std::vector<uint8_t> frame_sizes;
  std::vector<bool> server_calls;
  camcore::SystemInfo info{180000, 171000, 8u << 20, 16u << 20, 20000000, "OV2640"};
};

}  // namespace camcore_test
