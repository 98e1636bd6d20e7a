"""
The ``camera_node`` command: it takes over SIGINT and SIGTERM before the slow imports.

Importing rclpy and the message packages takes about a second. A Ctrl-C in that
second (a user changing their mind, or launch's second SIGINT right after start)
would raise KeyboardInterrupt inside an import: a traceback and a failed exit. So
the console script runs this small module, which takes over the signals first (see
stop_signals.py) and only then imports the node.
"""

import sys
from typing import List, Optional

from .stop_signals import StopSignals


def main(args: Optional[List[str]] = None) -> int:
    """Run the camera node; exit 0 on SIGINT/SIGTERM from the first moment on."""
    signals = StopSignals()
    from . import camera_node  # the slow imports, with the signals already ours
    return camera_node.main(args, signals=signals)


if __name__ == '__main__':
    sys.exit(main())
