"""ROS 2 driver, emulator and firmware tools for the ESP32-S3 + OV2640 drone camera."""

__version__ = '0.1.0'
