"""``python -m esp32_drone_camera.flash``: run the flash tool."""

import sys

from .cli import main

if __name__ == '__main__':
    sys.exit(main())
