"""
The firmware flash tool: ``ros2 run esp32_drone_camera flash`` (see cli.py for usage).

- ``cli``: the command line, the steps of a flash and the messages to the user;
- ``project``: the firmware's PlatformIO project, its boards, a writable build copy;
- ``platformio``: finding and running ``pio``, following its output, its exit code;
- ``ports``: the serial port (found by USB VID:PID), its checks and its holders;
- ``release``: asking a running camera node to release the port over ROS;
- ``credentials``: WiFi and token settings for the build, never printed (not named
  ``secrets``, which would shadow the standard library's module);
- ``errors``: the exit codes.
"""

from .cli import DEFAULT_PORT, main, parse_args
from .errors import (EXIT_INTERRUPTED, EXIT_NO_FIRMWARE, EXIT_NO_PLATFORMIO, EXIT_NO_PORT,
                     EXIT_OK, EXIT_PORT_ACCESS, EXIT_PORT_AMBIGUOUS, EXIT_PORT_BUSY,
                     EXIT_RELEASE_FAILED, EXIT_UNKNOWN_BOARD, EXIT_USAGE, FlashError)
from .ports import port_holders
from .project import Boards, default_board, firmware_dir, read_boards

__all__ = [
    'Boards', 'DEFAULT_PORT', 'default_board', 'EXIT_INTERRUPTED', 'EXIT_NO_FIRMWARE',
    'EXIT_NO_PLATFORMIO', 'EXIT_NO_PORT', 'EXIT_OK', 'EXIT_PORT_ACCESS',
    'EXIT_PORT_AMBIGUOUS', 'EXIT_PORT_BUSY', 'EXIT_RELEASE_FAILED', 'EXIT_UNKNOWN_BOARD',
    'EXIT_USAGE', 'firmware_dir', 'FlashError', 'main', 'parse_args', 'port_holders',
    'read_boards',
]
