"""
SIGINT and SIGTERM stop the node cleanly, however many arrive and whenever.

Under ``ros2 launch`` a terminal Ctrl-C reaches the node twice within milliseconds
(once from the terminal's process group, once from launch). rclpy's own handlers shut
its context down at the first signal, from inside the signal handler, and let the
next one raise KeyboardInterrupt wherever the main thread happens to be (in a
thread join of the node's shutdown: a traceback and exit -2), and a context shut
down under a spinning executor can leave it waiting forever. So the node owns the
signals instead (``rclpy.init(signal_handler_options=SignalHandlerOptions.NO)``):
each signal only sets an event; the main thread waits on it, then shuts down in
order while rclpy's context is still valid; later signals are ignored, through the
interpreter's finalisation too (which would otherwise restore the default action).

The kernel hands a process's signal to any thread that does not block it, and a
Python handler runs only in the main thread, when it next checks: a signal taken by
a DDS or link thread would leave the main thread asleep in its wait. So the signals
are blocked from construction (threads started after it inherit the block) and
unblocked in the main thread alone when it starts waiting.
"""

import signal
import threading
from types import FrameType
from typing import Callable, Optional

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)
POLL_S = 0.5  # how often the waiting main thread checks that the executor still runs


class StopSignals:
    """
    Turns every SIGINT/SIGTERM into one stop request, taken by the main thread.

    Build it in the main thread before rclpy.init and before any thread starts;
    signals that arrive until ``wait`` are held, then delivered to the main thread.
    """

    def __init__(self):
        self.requested = threading.Event()
        for sig in STOP_SIGNALS:
            signal.signal(sig, self._on_signal)
        signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)

    def _on_signal(self, signum: int, frame: Optional[FrameType]) -> None:
        self.requested.set()  # nothing else: it runs between any two bytecodes

    def wait(self, running: Callable[[], bool]) -> bool:
        """Wait for a stop request while ``running()``; True if a signal ended the wait."""
        signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)  # the main thread only
        while not self.requested.wait(POLL_S):
            if not running():
                return False
        return True

    def ignore_from_now(self) -> None:
        """Ignore later signals: the node is stopping and nothing may interrupt that."""
        for sig in STOP_SIGNALS:
            signal.signal(sig, signal.SIG_IGN)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)  # none is left held
