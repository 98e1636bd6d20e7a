// The capture-and-send loop, a FreeRTOS task pinned to the application core
// (WiFi runs on the other one).
#pragma once

namespace cam {

// Allocates the PSRAM frame slots and starts the task; false on failure.
bool stream_begin();

}  // namespace cam
