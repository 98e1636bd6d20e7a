"""
Diagnostics in the diagnostic_updater style, built from plain data.

The node gathers a ``Snapshot`` once a second, each of its parts giving its own fields;
``build`` turns it into statuses named ``<node>: <task>`` with one hardware_id and
levels that mean something. No ROS here: the node converts the result to
diagnostic_msgs.
"""

from collections import deque
import dataclasses
from typing import Dict, List, NamedTuple, Optional, Tuple

from .link_state import LinkState, SerialState
from .protocol import LOW_MEMORY_THRESHOLD

OK, WARN, ERROR, STALE = 0, 1, 2, 3
LOW_MEMORY_HOLD_S = 30.0
SEQUENCE_JUMP_HOLD_S = 30.0  # frames status stays WARN this long after a sequence jump
RTT_WARN_MS = 100.0
STATUS_STALE_S = 3.5


class Status(NamedTuple):
    """One DiagnosticStatus: level, name, message, hardware_id, key/values."""

    level: int
    name: str
    message: str
    hardware_id: str
    values: List[Tuple[str, str]]


class FrequencyWindow:
    """Measured event rate over the last ``size`` ticks (diagnostic_updater's window)."""

    def __init__(self, size: int = 5):
        self._ticks: deque = deque(maxlen=size + 1)

    def tick(self, count: int, now: float) -> Tuple[float, int, float]:
        """Record the event count at time ``now``; return (rate, events, window seconds)."""
        self._ticks.append((now, count))
        t0, c0 = self._ticks[0]
        span = now - t0
        events = count - c0
        return (events / span if span > 0 else 0.0), events, span


class StreamWindow:
    """
    The frame rate and the rejections over the last ``size`` diagnostics ticks.

    ``advance`` is the tick: call it once per diagnostics period, then read its result.
    """

    def __init__(self, size: int = 5):
        self._rate = FrequencyWindow(size)
        self._rejected_at_tick = 0

    def advance(self, published: int, rejected_total: int, now: float) -> dict:
        """Record the counts at ``now``; return the window's fields of the snapshot."""
        rate, events, span = self._rate.tick(published, now)
        rejected, self._rejected_at_tick = rejected_total - self._rejected_at_tick, rejected_total
        return {'rate': rate, 'rate_events': events, 'rate_window_s': span,
                'rejected_in_window': rejected}


@dataclasses.dataclass
class Snapshot:
    """Everything the diagnostics report, gathered at one instant."""

    node_name: str
    hardware_id: str
    url: str
    link_state: str
    link_detail: str
    connects: int
    protocol: Optional[int]
    firmware: str
    stopped_on_request: bool
    rate: float
    rate_events: int
    rate_window_s: float
    expected_fps: float
    fps_tolerance: float
    frames_published: int
    rejected: Dict[str, int]
    rejected_in_window: int
    malformed_text: int
    unknown_text: int
    device_drops: int
    since_last_frame_s: Optional[float]
    rtt_ms: Optional[float]
    clock_offset_ms: Optional[float]
    timestamp_source: str
    device_status: Optional[dict]
    device_status_age_s: Optional[float]
    low_memory_bytes: Optional[int]
    low_memory_age_s: Optional[float]
    serial_port: str
    serial_state: str
    serial_detail: str
    calibration_note: str
    frame_size: str = ''
    stale_timeout: float = 2.0
    stalls: int = 0
    sequence_jumps: int = 0
    sequence_jump_age_s: Optional[float] = None
    extra_frames: Dict[str, str] = dataclasses.field(default_factory=dict)


def _fmt(value: object) -> str:
    if value is None:
        return 'n/a'
    if isinstance(value, float):
        return f'{value:.3f}'
    return str(value)


def _connection(s: Snapshot) -> Status:
    values = [('URL', s.url), ('State', s.link_state), ('Detail', s.link_detail),
              ('Connections made', str(s.connects)), ('Stalls detected', str(s.stalls)),
              ('Protocol', _fmt(s.protocol)), ('Firmware', s.firmware or 'n/a')]
    state = s.link_state
    silent = s.since_last_frame_s
    if state == LinkState.CONNECTED and not s.stopped_on_request and silent is not None \
            and silent > s.stale_timeout:
        level, message = ERROR, f'connected but no frames for {silent:.1f} s (stalled)'
    elif state == LinkState.CONNECTED:
        level, message = OK, 'connected'
        if s.protocol == 1:
            message = 'connected (device speaks protocol v1: no commands, arrival stamps)'
    elif state == LinkState.DEVICE_FULL:
        level, message = ERROR, f'device full, retrying slowly: {s.link_detail}'
    elif state == LinkState.STALLED:
        level, message = ERROR, f'stream stalled, reconnecting: {s.link_detail}'
    elif state == LinkState.CONNECTING and s.connects == 0:
        level, message = WARN, 'connecting'
    else:
        level, message = ERROR, f'disconnected: {s.link_detail}'
    return Status(level, f'{s.node_name}: connection', message, s.hardware_id, values)


def _frequency(s: Snapshot) -> Status:
    low = s.expected_fps * (1.0 - s.fps_tolerance)
    high = s.expected_fps * (1.0 + s.fps_tolerance)
    values = [('Events in window', str(s.rate_events)),
              ('Events since startup', str(s.frames_published)),
              ('Duration of window (s)', _fmt(s.rate_window_s)),
              ('Actual frequency (Hz)', _fmt(s.rate)),
              ('Target frequency (Hz)', _fmt(s.expected_fps)),
              ('Minimum acceptable frequency (Hz)', _fmt(low)),
              ('Maximum acceptable frequency (Hz)', _fmt(high)),
              ('Time since last frame (s)', _fmt(s.since_last_frame_s))]
    if s.stopped_on_request:
        level, message = OK, 'stream stopped on request'
    elif s.rate_events == 0:
        level, message = ERROR, 'No events recorded'
    elif s.rate < low:
        level, message = WARN, 'Frequency too low'
    elif s.rate > high:
        level, message = WARN, 'Frequency too high'
    else:
        level, message = OK, 'Desired frequency met'
    return Status(level, f'{s.node_name}: image_raw/compressed topic status', message,
                  s.hardware_id, values)


def _frames(s: Snapshot) -> Status:
    total_rejected = sum(s.rejected.values())
    values = [('Frames published', str(s.frames_published)),
              ('Frames rejected', str(total_rejected))]
    values += [(f'Rejected: {reason}', str(n)) for reason, n in sorted(s.rejected.items())]
    values += [('Device-side drops (sequence gaps)', str(s.device_drops)),
               ('Sequence jumps (reset or lie, not counted as drops)', str(s.sequence_jumps)),
               ('Malformed text messages', str(s.malformed_text)),
               ('Unknown text messages', str(s.unknown_text)),
               ('Frame size', s.frame_size or 'n/a'),
               ('Calibration', s.calibration_note or 'ok')]
    values += sorted(s.extra_frames.items())
    level, message = OK, 'all frames valid'
    if s.rejected_in_window:
        level, message = WARN, f'{s.rejected_in_window} invalid frames rejected in the last second'
    elif s.sequence_jump_age_s is not None and s.sequence_jump_age_s < SEQUENCE_JUMP_HOLD_S:
        level, message = WARN, (f'frame sequence numbers jumped ({s.sequence_jumps} times): '
                                'a device reset or a lying peer; not counted as drops')
    if s.calibration_note:
        message = s.calibration_note if level == OK else message
        level = max(level, WARN)
    return Status(level, f'{s.node_name}: frames', message, s.hardware_id, values)


def _link(s: Snapshot) -> Status:
    values = [('Round-trip time (ms)', _fmt(s.rtt_ms)),
              ('Clock offset device-node (ms)', _fmt(s.clock_offset_ms)),
              ('Timestamp source', s.timestamp_source)]
    if s.link_state != LinkState.CONNECTED:
        level, message = OK, 'not connected'
    elif s.rtt_ms is None:
        level, message = WARN, 'no PONG from the device yet'
    elif s.rtt_ms > RTT_WARN_MS:
        level, message = WARN, f'high round-trip time {s.rtt_ms:.0f} ms'
    else:
        level, message = OK, f'round-trip {s.rtt_ms:.1f} ms'
    return Status(level, f'{s.node_name}: link', message, s.hardware_id, values)


def _device(s: Snapshot) -> Status:
    st = s.device_status or {}
    keys = ('heap', 'heap_min', 'fps', 'clients', 'drops', 'frame', 'streaming', 'quality',
            'frame_size', 'fps_target')
    values = [(f'Device {k}', _fmt(st.get(k))) for k in keys]
    values.append(('Status age (s)', _fmt(s.device_status_age_s)))
    values.append(('Low-memory warning (bytes)', _fmt(s.low_memory_bytes)))
    heap = st.get('heap')
    if s.low_memory_bytes is not None and (s.low_memory_age_s or 0) < LOW_MEMORY_HOLD_S:
        level, message = WARN, f'Low memory detected: {s.low_memory_bytes} bytes'
    elif isinstance(heap, (int, float)) and heap < LOW_MEMORY_THRESHOLD:
        level, message = WARN, f'low free heap: {heap} bytes'
    elif s.device_status is None:
        level, message = (WARN, 'no status received yet') if s.link_state == \
            LinkState.CONNECTED else (OK, 'not connected')
    elif s.link_state == LinkState.CONNECTED and (s.device_status_age_s or 0) > STATUS_STALE_S:
        level, message = WARN, f'no status for {s.device_status_age_s:.1f} s'
    else:
        level, message = OK, 'device healthy'
    return Status(level, f'{s.node_name}: device', message, s.hardware_id, values)


def _serial(s: Snapshot) -> Status:
    values = [('Port', s.serial_port), ('State', s.serial_state), ('Detail', s.serial_detail)]
    if s.serial_state == SerialState.OPEN:
        level, message = OK, 'open'
    elif s.serial_state == SerialState.RELEASED:
        level, message = OK, 'released on request'
    else:
        level, message = WARN, f'not open: {s.serial_detail}'
    return Status(level, f'{s.node_name}: serial', message, s.hardware_id, values)


def build(s: Snapshot) -> List[Status]:
    """All statuses for one diagnostics tick."""
    statuses = [_connection(s), _frequency(s), _frames(s), _link(s), _device(s)]
    if s.serial_port:
        statuses.append(_serial(s))
    return statuses
