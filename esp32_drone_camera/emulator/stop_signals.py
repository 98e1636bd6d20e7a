"""
SIGINT and SIGTERM stop the emulator cleanly, however many arrive and whenever.

Under ``ros2 launch`` a Ctrl-C reaches the emulator twice within milliseconds (once
from the terminal's process group, once from launch). asyncio's own handlers are
removed when its loop closes, so a second SIGINT during shutdown used to raise
KeyboardInterrupt (a traceback and exit -2). These handlers are installed before
the loop exists and never removed: every signal only asks for the stop, and one
that lands after the loop has closed is ignored. Once the emulator has stopped they
are set to SIG_IGN: Python's finalisation resets Python-level handlers to SIG_DFL,
and a signal landing then would kill the process (exit -2).
"""

import signal
from typing import Callable, Optional, TYPE_CHECKING

if TYPE_CHECKING:  # asyncio is imported after the handlers are in place (__main__.py)
    import asyncio

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class StopSignals:
    """Turns SIGINT/SIGTERM into one call of ``stop`` on the running event loop."""

    def __init__(self):
        self.requested = False
        self._loop: Optional['asyncio.AbstractEventLoop'] = None
        self._stop: Optional[Callable[[], None]] = None
        for sig in STOP_SIGNALS:
            signal.signal(sig, self._on_signal)

    def attach(self, loop: 'asyncio.AbstractEventLoop', stop: Callable[[], None]) -> None:
        """Call ``stop`` in ``loop`` on the next signal (at once if one came already)."""
        self._loop, self._stop = loop, stop
        if self.requested:
            loop.call_soon(stop)

    def _on_signal(self, signum, frame) -> None:
        self.requested = True
        if self._loop is None:
            return  # still starting: attach() stops it
        try:
            self._loop.call_soon_threadsafe(self._stop)
        except RuntimeError:
            pass  # the loop has closed: the process is already on its way out

    def ignore_from_now(self) -> None:
        """Ignore later signals, through the interpreter's finalisation too (stopped)."""
        self._loop = None
        for sig in STOP_SIGNALS:
            signal.signal(sig, signal.SIG_IGN)
