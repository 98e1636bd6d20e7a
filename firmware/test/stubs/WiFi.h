// mirrors: arduino-esp32 2.0.17 libraries/WiFi/src/WiFi.h (subset): WiFiClass
// derives from WiFiGenericClass (mode, setSleep) and WiFiAPClass (softAP*).
#pragma once

#include <stdint.h>

#include "IPAddress.h"
#include "WiFiAP.h"
#include "WiFiGeneric.h"
#include "WiFiType.h"

class WiFiClass : public WiFiGenericClass, public WiFiAPClass {};
extern WiFiClass WiFi;
