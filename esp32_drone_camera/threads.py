"""
Threads that carry their name to the OS, so ``top -H`` and ``ps -L`` show it.

Python names threads only for itself; on Linux the kernel sees every thread of the
node as "python3". Named threads let a user (and ``bench/``) see at a glance which
part of the node uses the CPU: ``ws_link``, ``diagnostics``, ``serial_link``,
``raw_decoder``, ``device_settings``. Everything else in the process is rclpy and Fast DDS.
"""

import ctypes
import threading
import time
from typing import Callable, Sequence, Tuple

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


class Ticker:
    """
    Calls ``tick()`` every ``period`` seconds in a named thread, until ``stop()``.

    A plain thread, not an executor timer: each executor wake-up rebuilds its wait set
    (every service, timer and event of the node) and hands the callback to a worker,
    which costs more CPU than the work itself (docs/benchmarks.md).
    """

    def __init__(self, period: float, tick: Callable[[], None], name: str,
                 on_error: Callable[[Exception], None]):
        self.period = period
        self._tick = tick
        self._on_error = on_error
        self._stop = threading.Event()
        self._thread = named_thread(self._loop, name)

    def start(self) -> None:
        """Start ticking."""
        self._thread.start()

    def stop(self, timeout: float = 0.5) -> None:
        """Stop ticking; wait at most ``timeout`` for a tick in progress."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout)

    @property
    def stopping(self) -> bool:
        """Tell whether stop() was called."""
        return self._stop.is_set()

    def _loop(self) -> None:
        next_at = time.monotonic()
        while True:
            next_at = max(next_at + self.period, time.monotonic())
            if self._stop.wait(next_at - time.monotonic()):
                return
            try:
                self._tick()
            except Exception as exc:  # noqa: BLE001 - the ticker must outlive a bad tick
                self._on_error(exc)


class Duties:
    """
    Several periodic duties for one Ticker: each runs when its own period has come.

    The ticker ticks at the shortest period; a duty counts as due a quarter tick
    early, so timer jitter never makes it miss a tick and wait a whole period more.
    """

    def __init__(self, duties: Sequence[Tuple[float, Callable[[float], None]]],
                 monotonic: Callable[[], float] = time.monotonic):
        self.period = min(period for period, _ in duties)
        self._duties = list(duties)
        self._monotonic = monotonic
        now = monotonic()
        self._next = [now] * len(self._duties)

    def __call__(self) -> None:
        """Run every duty that is due, each with the time it was found due."""
        now = self._monotonic()
        due = now + self.period / 4
        for i, (period, duty) in enumerate(self._duties):
            if due >= self._next[i]:
                self._next[i] = max(self._next[i] + period, now)
                duty(now)
