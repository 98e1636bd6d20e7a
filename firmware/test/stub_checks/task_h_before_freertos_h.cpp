// Must NOT compile: ESP-IDF's task.h requires FreeRTOS.h first.
#include <freertos/task.h>
