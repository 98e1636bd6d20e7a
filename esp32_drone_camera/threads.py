"""
Threads that carry their name to the OS, so ``top -H`` and ``ps -L`` show it.

Python names threads only for itself; on Linux the kernel sees every thread of the
node as "python3". Named threads let a user (and ``bench/``) see at a glance which
part of the node uses the CPU: ``ws_link``, ``diagnostics``, ``serial_link``,
``raw_decoder``. Everything else in the process is rclpy and Fast DDS.
"""

import ctypes
import threading
from typing import Callable

_PR_SET_NAME = 15  # linux/prctl.h
_OS_NAME_MAX = 15  # bytes, without the terminating NUL


def _set_os_name(name: str) -> None:
    try:
        ctypes.CDLL(None, use_errno=True).prctl(
            _PR_SET_NAME, name.encode('ascii', 'replace')[:_OS_NAME_MAX], 0, 0, 0)
    except (OSError, AttributeError):
        pass  # not Linux (no prctl): the name stays Python's only


def named_thread(target: Callable, name: str, args: tuple = ()) -> threading.Thread:
    """Return a daemon thread, not yet started, named ``name`` for Python and the OS."""
    def run():
        _set_os_name(name)
        target(*args)
    return threading.Thread(target=run, name=name, daemon=True)
