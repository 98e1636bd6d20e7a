# PlatformIO pre-build script: passes the firmware version (firmware/VERSION,
# its one source) and the WiFi and token settings from environment variables
# to the compiler, so no credential has to live in the repository. A variable that is not set leaves the default in src/config.h
# (the README's SSID/password, no token).
#
#   CAM_AP_SSID=MyDrone CAM_AP_PASSWORD='long secret' CAM_TOKEN=abc pio run
#
# CAM_TOKEN is the name the camera node, the emulator and the flash tool read too,
# so one variable configures both ends; CAM_COMMAND_TOKEN is accepted as well.
Import("env")  # noqa: F821  (provided by PlatformIO's SCons)
import os

SETTINGS = {
    "CAM_AP_SSID": ("CAM_AP_SSID",),
    "CAM_AP_PASSWORD": ("CAM_AP_PASSWORD",),
    "CAM_COMMAND_TOKEN": ("CAM_TOKEN", "CAM_COMMAND_TOKEN"),
}

with open(os.path.join(env.subst("$PROJECT_DIR"), "VERSION")) as f:  # noqa: F821
    VERSION = f.readline().strip()
# A PRE script's flags on the global environment reach the project sources and
# every library build (lib/camera_core) too: PlatformIO docs, "Construction
# Environments".
env.Append(CPPDEFINES=[("CAMCORE_FIRMWARE_VERSION", env.StringifyMacro(VERSION))])  # noqa: F821

for macro, variables in SETTINGS.items():
    value = next((os.environ[v] for v in variables if v in os.environ), None)
    if value is not None:
        env.Append(CPPDEFINES=[(macro, env.StringifyMacro(value))])  # noqa: F821
