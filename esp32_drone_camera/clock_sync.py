"""NTP-style estimate of the offset between the device clock and the node's clock."""

from collections import deque
from typing import NamedTuple, Optional


class Sample(NamedTuple):
    """One PING round trip: node times in ns, device times in µs."""

    t0_ns: int
    rx_us: int
    tx_us: int
    t3_ns: int

    @property
    def rtt_ns(self) -> int:
        """Round trip minus the device's own processing time."""
        return (self.t3_ns - self.t0_ns) - (self.tx_us - self.rx_us) * 1000

    @property
    def offset_ns(self) -> int:
        """Device clock minus node clock, assuming symmetric paths."""
        return (self.rx_us + self.tx_us) * 500 - (self.t0_ns + self.t3_ns) // 2


class ClockSync:
    """
    Keeps the best (smallest round trip) of the last ``window`` samples.

    The smallest round trip has the least room for asymmetric queueing delay, so its
    offset is the most trustworthy; a window lets the estimate follow clock drift.
    """

    def __init__(self, window: int = 16):
        self._samples: deque = deque(maxlen=window)
        self._best: Optional[Sample] = None

    def add(self, sample: Sample) -> None:
        """Record a round trip; negative round trips (clock glitches) are ignored."""
        if sample.rtt_ns < 0:
            return
        self._samples.append(sample)
        self._best = min(self._samples, key=lambda s: s.rtt_ns)

    def reset(self) -> None:
        """Forget everything (the device rebooted: its clock restarted)."""
        self._samples.clear()
        self._best = None

    @property
    def offset_ns(self) -> Optional[int]:
        """Device clock minus node clock, or None before the first sample."""
        return None if self._best is None else self._best.offset_ns

    @property
    def rtt_ns(self) -> Optional[int]:
        """Round trip of the sample the offset comes from."""
        return None if self._best is None else self._best.rtt_ns

    @property
    def last_rtt_ns(self) -> Optional[int]:
        """Round trip of the newest sample."""
        return self._samples[-1].rtt_ns if self._samples else None

    def to_node_ns(self, device_us: int) -> Optional[int]:
        """Convert a device time (µs) to node time (ns), or None when not synced."""
        offset = self.offset_ns
        return None if offset is None else device_us * 1000 - offset
