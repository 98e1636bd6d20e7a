// mirrors: espressif/esp32-camera 2.0.x driver/include/sensor.h (subset),
// included by esp_camera.h. framesize_t is complete and in the driver's order
// (FRAMESIZE_INVALID == 22). sensor_t keeps only its id and the two setters
// the glue calls, so it is not layout-compatible and is never instantiated.
#pragma once

#include <stdbool.h>
#include <stdint.h>

typedef enum {
  OV9650_PID = 0x96,
  OV7725_PID = 0x77,
  OV2640_PID = 0x26,
  OV3660_PID = 0x36,
  OV5640_PID = 0x56,
  OV7670_PID = 0x76,
  NT99141_PID = 0x14,
  GC2145_PID = 0x21,
  GC032A_PID = 0x232a,
} camera_pid_t;

typedef enum {
  PIXFORMAT_RGB565,     // 2BPP/RGB565
  PIXFORMAT_YUV422,     // 2BPP/YUV422
  PIXFORMAT_YUV420,     // 1.5BPP/YUV420
  PIXFORMAT_GRAYSCALE,  // 1BPP/GRAYSCALE
  PIXFORMAT_JPEG,       // JPEG/COMPRESSED
  PIXFORMAT_RGB888,     // 3BPP/RGB888
  PIXFORMAT_RAW,        // RAW
  PIXFORMAT_RGB444,     // 3BP2P/RGB444
  PIXFORMAT_RGB555,     // 3BP2P/RGB555
} pixformat_t;

typedef enum {
  FRAMESIZE_96X96,    // 96x96
  FRAMESIZE_QQVGA,    // 160x120
  FRAMESIZE_QCIF,     // 176x144
  FRAMESIZE_HQVGA,    // 240x176
  FRAMESIZE_240X240,  // 240x240
  FRAMESIZE_QVGA,     // 320x240
  FRAMESIZE_CIF,      // 400x296
  FRAMESIZE_HVGA,     // 480x320
  FRAMESIZE_VGA,      // 640x480
  FRAMESIZE_SVGA,     // 800x600
  FRAMESIZE_XGA,      // 1024x768
  FRAMESIZE_HD,       // 1280x720
  FRAMESIZE_SXGA,     // 1280x1024
  FRAMESIZE_UXGA,     // 1600x1200
  // 3MP Sensors
  FRAMESIZE_FHD,    // 1920x1080
  FRAMESIZE_P_HD,   //  720x1280
  FRAMESIZE_P_3MP,  //  864x1536
  FRAMESIZE_QXGA,   // 2048x1536
  // 5MP Sensors
  FRAMESIZE_QHD,    // 2560x1440
  FRAMESIZE_WQXGA,  // 2560x1600
  FRAMESIZE_P_FHD,  // 1080x1920
  FRAMESIZE_QSXGA,  // 2560x1920
  FRAMESIZE_INVALID
} framesize_t;
static_assert(FRAMESIZE_INVALID == 22, "esp32-camera 2.0.x sensor.h");

typedef struct {
  uint8_t MIDH;
  uint8_t MIDL;
  uint16_t PID;
  uint8_t VER;
} sensor_id_t;

typedef struct _sensor sensor_t;
struct _sensor {
  sensor_id_t id;
  int (*set_framesize)(sensor_t* sensor, framesize_t framesize);
  int (*set_quality)(sensor_t* sensor, int quality);
};
