"""
What adaptive streaming observes, counted per frame and handed over once per tick.

``FrameMeter.add`` runs in the link thread for every published frame: two integer
additions and one tuple, no parsing (the frame's APP4 metadata is the one the frame
stamper already read). ``take`` runs in the controller's thread once per tick and
returns an ``Observation``: what arrived since the previous tick. The writer never
locks: each counter has a single writer, and a tick that reads one frame early or
late changes nothing the controller decides.
"""

from typing import NamedTuple, Optional, Tuple

from .adaptive_ladder import Level
from .frames import FrameMeta
from .protocol import FRAME_SIZES


class Observation(NamedTuple):
    """What the node saw during one tick of ``dt`` seconds."""

    dt: float
    frames: int  # frames published
    nbytes: int  # their JPEG bytes
    skips: int  # frames the device captured and did not deliver (sequence gaps)
    level: Optional[Level]  # (frame size, quality) of the latest frame; None: no metadata
    level_frames: int = 0  # frames at ``level`` in this tick
    level_bytes: int = 0
    age_ms: Optional[float] = None  # mean capture-to-arrival time, None: no capture stamps


def level_of(frame_size_index: int, quality: int) -> Optional[Level]:
    """Return the Level of a frame's metadata, or None when the index is not in the table."""
    if 0 <= frame_size_index < len(FRAME_SIZES):
        return Level(FRAME_SIZES[frame_size_index][0], quality)
    return None


_Key = Tuple[int, int]  # (frame-size index, quality) of a frame's metadata


class FrameMeter:
    """Counts frames, bytes and the level they came at, between two ticks."""

    def __init__(self) -> None:
        self._frames = 0
        self._bytes = 0
        self._aged = 0  # frames with a capture-to-arrival time, and the sum of those (ns)
        self._age_ns = 0
        # (metadata key, frames, bytes) since that key became current: one store per frame.
        self._current: Tuple[Optional[_Key], int, int] = (None, 0, 0)
        # (frames, bytes, current, aged, age_ns) at the previous tick
        self._taken: Tuple[int, int, Tuple[Optional[_Key], int, int], int, int] = \
            (0, 0, (None, 0, 0), 0, 0)
        self._skips_taken: Optional[int] = None
        self._taken_at: Optional[float] = None

    def add(self, nbytes: int, meta: Optional[FrameMeta], age_ns: Optional[int] = None) -> None:
        """
        Count one published frame (the hot path).

        ``meta`` is its frames.FrameMeta or None; ``age_ns`` its arrival minus its
        capture time when the stamp came from the device's clock, else None.
        """
        self._frames += 1
        self._bytes += nbytes
        if age_ns is not None:
            self._aged += 1
            self._age_ns += age_ns
        key = None if meta is None else (meta.frame_size, meta.quality)
        current = self._current
        if current[0] == key:
            self._current = (key, current[1] + 1, current[2] + nbytes)
        else:
            self._current = (key, 1, nbytes)

    def take(self, now: float, skips_total: int) -> Optional[Observation]:
        """
        Return what arrived since the previous call (None on the first call).

        ``skips_total`` is the running count of sequence-gap drops (the frame
        stamper's), ``now`` a monotonic time in seconds.
        """
        frames, nbytes, current = self._frames, self._bytes, self._current
        aged, age_ns = self._aged, self._age_ns
        last_frames, last_bytes, last_current, last_aged, last_age_ns = self._taken
        last_skips, last_at = self._skips_taken, self._taken_at
        self._taken = (frames, nbytes, current, aged, age_ns)
        self._skips_taken, self._taken_at = skips_total, now
        if last_at is None or last_skips is None:
            return None
        key, key_frames, key_bytes = current
        if key is not None and key == last_current[0]:  # same level as at the last tick
            key_frames -= last_current[1]
            key_bytes -= last_current[2]
        return Observation(
            dt=max(1e-6, now - last_at), frames=frames - last_frames,
            nbytes=nbytes - last_bytes, skips=max(0, skips_total - last_skips),
            level=None if key is None else level_of(*key),
            level_frames=max(0, key_frames), level_bytes=max(0, key_bytes),
            age_ms=(age_ns - last_age_ns) / (aged - last_aged) / 1e6 if aged > last_aged
            else None)

    def restart(self) -> None:
        """Forget the tick in progress (a new connection: its counters start afresh)."""
        self._taken_at = None
