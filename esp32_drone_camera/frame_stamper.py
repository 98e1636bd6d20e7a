"""
The frame policy: which frames are published, and with which stamp.

ROS-free and called in the link thread for every binary message, so it reads a few
bytes at fixed offsets and allocates nothing it does not return. Per frame it:

- validates the JPEG framing and size (a rejected frame is counted by reason);
- stamps it: the device's capture time converted through the clock sync when the
  frame carries one and it is plausible (within ``STAMP_SANITY_NS`` before arrival,
  never after), else the arrival time minus ``arrival_offset``;
- counts the device's own drops from gaps in the frame sequence numbers;
- notices when the frame size changes, and says so through ``on_frame_size``.
"""

from typing import Callable, Dict, Optional, Union

from . import frames
from .clock_sync import ClockSync

STAMP_SANITY_NS = 2_000_000_000  # a capture time further back than this is not believed


class FrameStamper:
    """Turns a received frame into its stamp (ns), or the reason it is rejected."""

    def __init__(self, clock: ClockSync, on_frame_size: Callable[[int], None], *,
                 max_frame_size: int, use_capture_time: bool = True,
                 arrival_offset_ns: int = 0):
        self.clock = clock
        self.on_frame_size = on_frame_size
        self.max_frame_size = max_frame_size
        self.use_capture_time = use_capture_time
        self.arrival_offset_ns = arrival_offset_ns
        self.frame_size_index: Optional[int] = None
        self.rejected: Dict[str, int] = dict.fromkeys(frames.REASONS, 0)
        self.rejected_total = 0
        self.device_drops = 0
        self.stamp_fallbacks = 0
        self._last_seq: Optional[int] = None
        self.last_meta: Optional[frames.FrameMeta] = None  # of the last frame stamped
        self.last_age_ns: Optional[int] = None  # its capture-to-arrival time, if known

    def configure(self, max_frame_size: int, use_capture_time: bool,
                  arrival_offset_ns: int) -> None:
        """Take changed settings into effect (from another thread: each is one store)."""
        self.max_frame_size = max_frame_size
        self.use_capture_time = use_capture_time
        self.arrival_offset_ns = arrival_offset_ns

    def stamp(self, data: bytes, arrival_ns: int) -> Union[int, str]:
        """Return the frame's stamp in ns, or the reason (a ``frames.REASONS``) to drop it."""
        reason = frames.validate(data, self.max_frame_size)
        if reason != frames.OK:
            self.rejected[reason] += 1
            self.rejected_total += 1
            return reason
        stamp_ns = arrival_ns - self.arrival_offset_ns
        self.last_age_ns = None
        meta = self.last_meta = frames.read_metadata(data)
        if meta is not None:
            self.device_drops += frames.sequence_gap(self._last_seq, meta.seq)
            self._last_seq = meta.seq
            if meta.frame_size != self.frame_size_index:
                self.use_frame_size(meta.frame_size)
            if self.use_capture_time:
                capture_ns = self.clock.to_node_ns(meta.capture_us)
                if capture_ns is not None:
                    if arrival_ns - STAMP_SANITY_NS < capture_ns <= arrival_ns:
                        stamp_ns = capture_ns
                        self.last_age_ns = arrival_ns - capture_ns
                    else:
                        self.stamp_fallbacks += 1
        return stamp_ns

    def use_frame_size(self, index: int) -> None:
        """Record the frame size in use (a frame-size table index) and report it."""
        self.frame_size_index = index
        self.on_frame_size(index)

    def new_connection(self, frame_size_index: Optional[int] = None) -> None:
        """Forget the sequence (a new connection may be a rebooted device)."""
        self._last_seq = None
        if frame_size_index is not None and frame_size_index != self.frame_size_index:
            self.use_frame_size(frame_size_index)

    def report(self) -> dict:
        """Return this part's fields of the diagnostics snapshot."""
        return {'rejected': dict(self.rejected), 'device_drops': self.device_drops}

    def report_extra(self) -> Dict[str, str]:
        """Extra key/values for the diagnostics' frames status."""
        return {'Capture stamps rejected as implausible': str(self.stamp_fallbacks)}
