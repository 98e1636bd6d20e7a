"""
A simulated camera link for the adaptive-streaming controller's unit tests (no rclpy).

It behaves like the firmware and the emulator over a tc tbf link: a capture every
1/fps s, at most one frame in flight (a capture that finds the previous frame unsent
is skipped and later seen as a sequence gap), frame sizes from the OV2640 model times
a scene factor and noise, and a token bucket (rate, burst) for the link. The node side
is the real ``FrameMeter`` and ``QualityController``, ticked every ``tick`` s; a level
the controller asks for applies to captures ``command_latency`` s later.
"""

import heapq
import random
from typing import Callable, List, NamedTuple, Optional

from esp32_drone_camera.adaptive import QualityController
from esp32_drone_camera.adaptive_ladder import Level
from esp32_drone_camera.adaptive_meter import FrameMeter
from esp32_drone_camera.emulator.jpeg_size import typical_bytes
from esp32_drone_camera.frames import FrameMeta
from esp32_drone_camera.protocol import FRAME_SIZE_BY_NAME

WIRE_OVERHEAD = 1.045  # TCP/IP + WebSocket bytes per JPEG byte (1514-byte packets, 1448 MSS)
LINE_RATE = 100e6 / 8  # bytes/s when the bucket has tokens (the veth itself)


class Delivered(NamedTuple):
    """One delivered frame."""

    captured: float
    arrived: float
    nbytes: int
    level: Level


def mbit(rate: float) -> float:
    """Bytes/s of ``rate`` Mbit/s."""
    return rate * 1e6 / 8


def steps(*profile) -> Callable[[float], float]:
    """Return a capacity (bytes/s) of time from (start s, Mbit/s) pairs: ((0, 10), (20, 1.5))."""
    def capacity(t: float) -> float:
        rate = profile[0][1]
        for start, value in profile:
            if t >= start:
                rate = value
        return mbit(rate)
    return capacity


class LinkSim:
    """Runs a controller against a simulated device and link; keeps what happened."""

    def __init__(self, controller: QualityController, capacity: Callable[[float], float], *,
                 fps: float = 20.0, burst: int = 16384, scene: float = 1.0,
                 noise: float = 0.08, base_latency: float = 0.002,
                 command_latency: float = 0.1, tick: float = 0.25, seed: int = 1,
                 metadata: bool = True):
        self.controller = controller
        self.capacity = capacity
        self.fps, self.burst, self.scene, self.noise = fps, burst, scene, noise
        self.base_latency, self.command_latency, self.tick = base_latency, command_latency, tick
        self.rng = random.Random(seed)
        self.metadata = metadata  # False: a v1 device (no APP4, the node sees no gaps)
        self.meter = FrameMeter()
        self.delivered: List[Delivered] = []
        self.changes: List[tuple] = []  # (time, level)
        self.skipped = 0
        self._device_level = controller.level
        self._pending: List[tuple] = []  # (apply at, order, level)
        self._arrivals: List[tuple] = []  # heap of (arrival, seq, captured, bytes, level)
        self._tokens = float(burst)
        self._tokens_at = 0.0
        self._busy_until = 0.0
        self._skips_seen = 0
        self._last_seq: Optional[int] = None
        self._order = 0

    def _frame_bytes(self, level: Level) -> int:
        factor = max(0.5, 1.0 + self.rng.gauss(0.0, self.noise))
        return int(typical_bytes(*level) * self.scene * factor)

    def _send(self, t: float, nbytes: int) -> float:
        """Return when a frame of ``nbytes`` handed to the link at ``t`` has arrived."""
        rate = self.capacity(t)
        self._tokens = min(self.burst, self._tokens + rate * (t - self._tokens_at))
        wire = nbytes * WIRE_OVERHEAD
        if self._tokens >= wire:
            self._tokens -= wire
            duration = wire / LINE_RATE
        else:
            duration = (wire - self._tokens) / rate
            self._tokens = 0.0
        self._tokens_at = t + duration
        return t + duration + self.base_latency

    def _capture(self, seq: int, t: float) -> None:
        while self._pending and self._pending[0][0] <= t:
            self._device_level = heapq.heappop(self._pending)[2]
        if t < self._busy_until:
            self.skipped += 1
            return
        level = self._device_level
        nbytes = self._frame_bytes(level)
        arrival = self._send(t, nbytes)
        self._busy_until = arrival
        heapq.heappush(self._arrivals, (arrival, seq, t, nbytes, level))

    def _deliver_until(self, t: float) -> None:
        while self._arrivals and self._arrivals[0][0] <= t:
            arrival, seq, captured, nbytes, level = heapq.heappop(self._arrivals)
            if self._last_seq is not None and self.metadata:
                self._skips_seen += seq - self._last_seq - 1
            self._last_seq = seq
            index = FRAME_SIZE_BY_NAME[level.frame_size][0]
            self.meter.add(nbytes, FrameMeta(index, level.quality, seq, 0) if self.metadata
                           else None, int((arrival - captured) * 1e9) if self.metadata else None)
            self.delivered.append(Delivered(captured, arrival, nbytes, level))

    def run(self, duration: float) -> 'LinkSim':
        """Simulate ``duration`` more seconds from where the last run ended."""
        start = getattr(self, '_t', 0.0)
        seq = int(round(start * self.fps))
        next_tick = start
        while True:
            t_frame = seq / self.fps
            if min(t_frame, next_tick) >= start + duration:
                break
            if t_frame < next_tick:
                self._capture(seq, t_frame)
                seq += 1
                continue
            self._deliver_until(next_tick)
            obs = self.meter.take(next_tick, self._skips_seen)
            if obs is not None:
                level = self.controller.tick(obs, next_tick)
                if level is not None:
                    self.request(level, next_tick)
            next_tick += self.tick
        self._t = start + duration
        return self

    def request(self, level: Level, t: float) -> None:
        """Send the device a level (as the node would), effective after the latency."""
        self.changes.append((t, level))
        self._order += 1
        heapq.heappush(self._pending, (t + self.command_latency, self._order, level))

    # -- what the tests look at -------------------------------------------------------
    def frames_between(self, t0: float, t1: float) -> List[Delivered]:
        """Return the frames that arrived in [t0, t1)."""
        return [d for d in self.delivered if t0 <= d.arrived < t1]

    def rate(self, t0: float, t1: float) -> float:
        """Return the delivered frame rate over [t0, t1)."""
        return len(self.frames_between(t0, t1)) / (t1 - t0)

    def age_p99(self, t0: float, t1: float) -> float:
        """Return the 99th percentile of frame age (s) over frames that arrived in [t0, t1)."""
        ages = sorted(d.arrived - d.captured for d in self.frames_between(t0, t1))
        return ages[min(len(ages) - 1, int(len(ages) * 0.99))]

    def changes_between(self, t0: float, t1: float) -> List[tuple]:
        """Return the level changes requested in [t0, t1)."""
        return [c for c in self.changes if t0 <= c[0] < t1]

    def first_time_at(self, level: Level, after: float, fps: float, window: float = 1.0) \
            -> Optional[float]:
        """Return the end of the first ``window`` after ``after`` all at ``level``, >= ``fps``."""
        t = after
        end = self.delivered[-1].arrived if self.delivered else after
        while t + window <= end:
            frames = self.frames_between(t, t + window)
            if frames and all(f.level == level for f in frames) and len(frames) / window >= fps:
                return t + window
            t += 0.25
        return None
