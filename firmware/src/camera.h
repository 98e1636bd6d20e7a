// The OV2640 through the esp32-camera driver: JPEG into two PSRAM frame
// buffers, CAMERA_GRAB_LATEST (a late reader gets the newest frame, never a
// stale one), 20 MHz XCLK. Only the stream task grabs frames and
// (re)initialises; sensor settings may come from any task.
#pragma once

#include <cstdint>

#include <esp_camera.h>

namespace cam {

// Initialises the driver and applies the frame size and quality.
bool camera_begin(uint8_t frame_size_index, int quality);
// De-initialises and initialises again (the `reset` command, or repeated
// capture failures), keeping the current frame size and quality.
bool camera_reinit(uint8_t frame_size_index, int quality);

// The newest frame, or nullptr on a capture failure. Give it back with
// camera_release() as soon as its bytes are copied.
camera_fb_t* camera_grab();
void camera_release(camera_fb_t* fb);

// The clock of camera_fb_t::timestamp, in µs: esp32-camera 2.0.x stamps a
// frame with gettimeofday() when it starts; without SNTP (the camera is its
// own access point) that clock counts from boot, like esp_timer.
uint64_t camera_frame_clock_us();

bool camera_set_quality(int quality);
bool camera_set_frame_size(uint8_t frame_size_index);
const char* camera_sensor_name();

}  // namespace cam
