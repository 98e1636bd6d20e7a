"""
Bounds on what a peer can make the node log: per-kind throttles and a line budget.

A device (or anything on its WiFi pretending to be one) can repeat a message at any
rate; the node's log must not repeat it at that rate.
"""

import time
from typing import Callable, Dict, Optional, Protocol

LOG_REPEAT_S = 5.0  # a repeatable log line shows at most once per this, per kind
DEVICE_LINES_PER_S = 20.0  # device console lines logged, on average (bursts of 50)


class Log(Protocol):
    """Where a part logs to: an rclpy logger, or a test's stand-in."""

    def debug(self, message: str, /) -> object:
        """Log at debug level."""

    def info(self, message: str, /) -> object:
        """Log at info level."""

    def warning(self, message: str, /) -> object:
        """Log at warning level."""

    def error(self, message: str, /) -> object:
        """Log at error level."""


class Throttle:
    """Lets a message of one key through at most once per ``period`` seconds."""

    def __init__(self, period: float = LOG_REPEAT_S, clock: Callable[[], float] = time.monotonic):
        self.period = period
        self._clock = clock
        self._last: Dict[object, float] = {}  # keys come from fixed sets, never from a peer

    def allow(self, key: object) -> bool:
        """Tell whether a message of ``key`` may be logged now."""
        now = self._clock()
        last = self._last.get(key)
        if last is not None and now - last < self.period:
            return False
        self._last[key] = now
        return True


class LineBudget:
    """A token bucket: ``burst`` lines at once, ``rate`` a second on average."""

    def __init__(self, rate: float = DEVICE_LINES_PER_S, burst: int = 50,
                 clock: Callable[[], float] = time.monotonic):
        self.rate, self.burst = rate, burst
        self._clock = clock
        self._tokens = float(burst)
        self._at = clock()
        self.suppressed = 0  # since the last line let through

    def take(self) -> Optional[int]:
        """None: drop this line. Else the count of lines dropped before it (then reset)."""
        now = self._clock()
        self._tokens = min(self.burst, self._tokens + (now - self._at) * self.rate)
        self._at = now
        if self._tokens < 1.0:
            self.suppressed += 1
            return None
        self._tokens -= 1.0
        dropped, self.suppressed = self.suppressed, 0
        return dropped


class GatedLog:
    """
    A logger (``debug``, ``info``, ``warning``, ``error``) that goes quiet at ``close()``.

    The node hands this to its ROS-free parts and closes it when it shuts down: a
    link thread that outlives its join must not log through rclpy once the context
    is gone (rclpy then prints "publisher's context is invalid" for every line).
    Each level calls the logger from a line of its own: rclpy keys a call site's
    state by its line and refuses a second severity from the same one.
    """

    def __init__(self, log):
        self._log = log
        self._open = True

    def close(self) -> None:
        """Drop every later line."""
        self._open = False

    def debug(self, message: str) -> None:
        """Log at debug level while open."""
        if self._open:
            self._log.debug(message)

    def info(self, message: str) -> None:
        """Log at info level while open."""
        if self._open:
            self._log.info(message)

    def warning(self, message: str) -> None:
        """Log at warning level while open."""
        if self._open:
            self._log.warning(message)

    def error(self, message: str) -> None:
        """Log at error level while open."""
        if self._open:
            self._log.error(message)
