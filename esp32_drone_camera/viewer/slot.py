"""
The latest frame of one topic, handed to any number of waiting HTTP clients.

A slot holds one frame, never a queue: a client that was busy sending gets the newest
frame when it asks again and skips the ones in between, so a slow browser costs
nobody else anything. The publishing side only swaps a reference and notifies.
"""

from collections import deque
import threading
import time
from typing import Callable, Deque, NamedTuple, Optional

FPS_WINDOW_S = 2.0


class Frame(NamedTuple):
    """One published JPEG with its ROS stamp and when it arrived here."""

    seq: int
    data: memoryview
    sec: int
    nanosec: int
    received: float  # time.monotonic()
    received_wall: float  # time.time(), for the stamp-to-arrival latency


class Slot:
    """Latest-frame-only hand-over from one producer to many consumers."""

    def __init__(self, clock: Callable[[], float] = time.monotonic,
                 wall_clock: Callable[[], float] = time.time) -> None:
        self._clock = clock
        self._wall_clock = wall_clock
        self._cond = threading.Condition()
        self._frame: Optional[Frame] = None
        self._closed = False
        self._arrivals: Deque[float] = deque(maxlen=256)
        self.frames = 0

    def put(self, data: memoryview, sec: int, nanosec: int) -> None:
        """Make ``data`` the latest frame and wake every waiting client."""
        now = self._clock()
        with self._cond:
            self.frames += 1
            self._frame = Frame(self.frames, data, sec, nanosec, now, self._wall_clock())
            self._arrivals.append(now)
            self._cond.notify_all()

    def latest(self) -> Optional[Frame]:
        """Return the latest frame, if any."""
        with self._cond:
            return self._frame

    def wait_newer(self, seq: int, timeout: float) -> Optional[Frame]:
        """Return the latest frame if newer than ``seq``, waiting up to ``timeout`` s for one."""
        with self._cond:
            self._cond.wait_for(
                lambda: self._closed or (self._frame is not None and self._frame.seq > seq),
                timeout)
            frame = self._frame
            if self._closed or frame is None or frame.seq <= seq:
                return None
            return frame

    def close(self) -> None:
        """Wake every waiter for good (the viewer is shutting down)."""
        with self._cond:
            self._closed = True
            self._cond.notify_all()

    @property
    def closed(self) -> bool:
        """Return True once closed."""
        return self._closed

    def stats(self) -> dict:
        """Frames, rate over the last seconds, age and latency of the latest frame."""
        now = self._clock()
        with self._cond:
            frame = self._frame
            recent = [t for t in self._arrivals if now - t <= FPS_WINDOW_S]
            frames = self.frames
        fps = (len(recent) - 1) / (recent[-1] - recent[0]) if len(recent) >= 2 else 0.0
        return {
            'frames': frames,
            'fps': round(fps, 2),
            'age_s': None if frame is None else round(now - frame.received, 3),
            'latency_ms': None if frame is None else round(
                (frame.received_wall - frame.sec - frame.nanosec * 1e-9) * 1000, 1),
            'bytes': None if frame is None else len(frame.data),
        }
