# PlatformIO pre-build script: passes the WiFi and token settings from
# environment variables to the compiler, so no credential has to live in the
# repository. A variable that is not set leaves the default in src/config.h
# (the README's SSID/password, no token).
#
#   CAM_AP_SSID=MyDrone CAM_AP_PASSWORD='long secret' CAM_COMMAND_TOKEN=abc pio run
Import("env")  # noqa: F821  (provided by PlatformIO's SCons)
import os

for name in ("CAM_AP_SSID", "CAM_AP_PASSWORD", "CAM_COMMAND_TOKEN"):
    value = os.environ.get(name)
    if value is not None:
        env.Append(CPPDEFINES=[(name, env.StringifyMacro(value))])  # noqa: F821
