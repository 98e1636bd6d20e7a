// mirrors: ESP-IDF v4.4.7 components/freertos/include/freertos/list.h (nothing
// the glue uses: present because task.h includes it).
#pragma once

#ifndef INC_FREERTOS_H
#error "FreeRTOS.h must be included before list.h"
#endif
