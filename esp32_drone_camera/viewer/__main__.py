"""``python -m esp32_drone_camera.viewer``: run the viewer node."""

import sys

from .node import main

if __name__ == '__main__':
    sys.exit(main())
