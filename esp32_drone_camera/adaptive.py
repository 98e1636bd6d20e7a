"""
Adaptive streaming: the control loop that trades JPEG size for frame rate. ROS-free.

The node feeds ``QualityController.tick`` four times a second with an ``Observation``
(frames and bytes delivered, device-side skips seen as sequence gaps, the level the
frames came at, their capture-to-arrival age) and sends the device the level it
returns. Why the loop lives in the node and not in the firmware: docs/protocol.md,
"Adaptive streaming".

The signal. The firmware keeps at most one frame in flight per client and skips the
captures that find the previous frame still unsent, so a link too narrow for the
stream shows as sequence gaps, not as growing delay. The link's capacity is then
about the bytes per second that did arrive.

The loop:

- **Down, decisively.** When a window (0.5-2 s) shows the device skipping at least
  ``skip_fraction`` of the frames (``overload``), estimate the carried bytes/s and jump
  straight to the best level whose expected frame fits ``margin`` of it at
  ``target_fps`` (at least one rung down). Expected sizes come from the OV2640 model
  corrected by what was seen.
- **Up, by probing.** The link's spare capacity is invisible while nothing is
  skipped, so after a hold the controller tries a better level. A probe that brings
  a skip within ``probe_eval_s`` fails: back to the level before it, and the next
  hold doubles (up to ``hold_max_s``); so does an overload within ``probation_s``
  after a probe (a token bucket hides an overload for a moment). A probe that holds
  succeeds; below the link's known capacity the next one comes soon and reaches
  further (``growth``, bounded by ``probe_over_estimate``), at it one rung at a time.
  A probe that succeeds at a level that failed before, or beyond the estimate with
  frames that crossed in a fraction of a frame interval, means the link widened:
  the climb takes its fastest step.
- Nothing is judged on frames of the previous level: after each request the
  controller waits until frames at the new level arrive (or, from a device without
  metadata, ``settle_timeout_s``), then starts a fresh window.

Between two changes there are at least a settle and a window tick (0.5 s); between
two failed probes at least the hold, so it cannot oscillate faster than that.
"""

import collections
import dataclasses
import threading
from typing import Deque, List, Optional, Tuple

from .adaptive_ladder import build_ladder, Level, SizeModel
from .adaptive_meter import Observation

AT_CEILING = 'at ceiling'
DISABLED = 'off (adaptive_quality is false)'


@dataclasses.dataclass(frozen=True)
class Tuning:
    """The loop's constants (seconds, fractions); the defaults are the measured choice."""

    margin: float = 0.8  # a level must fit this fraction of the carried rate
    skip_fraction: float = 0.05  # overload: this fraction of the frames skipped (>= 2)
    fps_low: float = 0.9  # or, from a device without sequence numbers, a rate below this
    probe_fail_skips: int = 1  # skips within a probe that fail it
    min_window_s: float = 0.5
    window_s: float = 2.0
    probe_eval_s: float = 1.0
    settle_timeout_s: float = 2.0
    hold_initial_s: float = 1.5
    hold_max_s: float = 4.0
    success_hold_s: float = 0.25
    probation_s: float = 3.0  # an overload this soon after a probe fails that probe
    stable_s: float = 8.0  # a level held this long without overload was a good level
    growth: Tuple[float, ...] = (1.25, 2.5, 4.0)  # probe budget x current, per streak
    headroom_age: float = 0.25  # a probe above the link estimate whose frames took under
    # this many frame intervals from capture to arrival found a wider link
    beyond_estimate: float = 1.15
    probe_over_estimate: float = 3.0  # no probe above this multiple of the link estimate


class QualityController:
    """Chooses the (frame size, quality) to request; thread-safe, one caller of ``tick``."""

    def __init__(self, ceiling: Level, target_fps: float, *, enabled: bool = True,
                 frame_sizes: bool = True, tuning: Tuning = Tuning(),
                 model: Optional[SizeModel] = None, now: float = 0.0):
        self.tuning = tuning
        self.model = model or SizeModel()
        self.target_fps = float(target_fps)
        self.enabled = enabled
        self.frame_sizes = frame_sizes
        self.changes = 0
        self.failed_probes = 0
        self.link_bps: Optional[float] = None  # last estimate of the carried bit rate
        self._lock = threading.Lock()
        self._ladder: List[Level] = build_ladder(ceiling, frame_sizes)
        self._index = 0
        self._window: Deque[Observation] = collections.deque()
        self._hold = tuning.hold_initial_s
        self._next_probe_at = now + tuning.hold_initial_s
        self._streak = 0
        self._probe_from: Optional[int] = None
        self._last_fail: Optional[int] = None
        self._last_good: Optional[int] = None  # the level a probe left, while on probation
        self._probation_until = now
        self._below_ladder = False
        self._requested_at = self._confirmed_at = now
        self._confirmed = True  # the device starts at the ceiling (apply-on-connect)

    # -- what the node reads -----------------------------------------------------
    @property
    def ceiling(self) -> Level:
        """Return the configured level (the top of the ladder)."""
        return self._ladder[0]

    @property
    def level(self) -> Level:
        """Return the level the device should be at now."""
        return self._ladder[self._index] if self.enabled else self._ladder[0]

    @property
    def ladder(self) -> Tuple[Level, ...]:
        """Return the ladder, best level first."""
        return tuple(self._ladder)

    @property
    def reason(self) -> str:
        """Say in a few words why the device is at its level (for diagnostics)."""
        if not self.enabled:
            return DISABLED
        if self._probe_from is not None:
            return f'probing {self.level} (link ~{self._mbit()})'
        if self._below_ladder:
            return f'link below the lowest level: ~{self._mbit()}'
        if self._index == 0:
            return AT_CEILING
        return f'adapting: link ~{self._mbit()}'

    def _mbit(self) -> str:
        return 'unknown' if self.link_bps is None else f'{self.link_bps / 1e6:.1f} Mbit/s'

    # -- configuration (parameter callbacks) -------------------------------------
    def clamped(self, ceiling: Level) -> Level:
        """Return the level a new ``ceiling`` would put the device at (no bigger than now)."""
        with self._lock:
            return self._clamp(build_ladder(ceiling, self.frame_sizes))[1]

    def _clamp(self, ladder: List[Level]) -> Tuple[int, Level]:
        # The best rung of ``ladder`` no bigger than the level in use (else its last).
        index = self.model.fitting(ladder, self.model.expected(self.level))
        index = len(ladder) - 1 if index is None else index
        return index, ladder[index]

    def _rebuild(self, ceiling: Level, frame_sizes: bool, now: float) -> Optional[Level]:
        current = self.level
        ladder = build_ladder(ceiling, frame_sizes)
        self._index = self._clamp(ladder)[0]  # judged against the old ladder's level
        self._ladder, self.frame_sizes = ladder, frame_sizes
        self._restart(now)
        return self._changed_from(current)

    def set_ceiling(self, ceiling: Level, now: float) -> Optional[Level]:
        """Take a new ceiling; return the level to request when it changes the current one."""
        with self._lock:
            if ceiling == self._ladder[0]:
                return None
            return self._rebuild(ceiling, self.frame_sizes, now)

    def set_enabled(self, enabled: bool, now: float) -> Optional[Level]:
        """Turn adaptation on or off; return the level to request (the ceiling when off)."""
        with self._lock:
            if enabled == self.enabled:
                return None
            current = self.level
            self.enabled = enabled
            self._index = 0  # on: start from the ceiling, where "off" left the device
            self._below_ladder = False
            self._restart(now)
            return self._changed_from(current)

    def set_frame_sizes(self, allowed: bool, now: float) -> Optional[Level]:
        """Allow frame-size rungs or not (a device that refuses ``framesize``)."""
        with self._lock:
            if allowed == self.frame_sizes:
                return None
            return self._rebuild(self._ladder[0], allowed, now)

    def new_connection(self, now: float) -> None:
        """Start again from the ceiling, which a new connection gets (apply-on-connect)."""
        with self._lock:
            self._index = 0
            self._below_ladder = False
            self._restart(now)

    def _changed_from(self, previous: Level) -> Optional[Level]:
        level = self.level
        if level == previous:
            return None
        self.changes += 1
        return level

    def _restart(self, now: float) -> None:
        self._window.clear()
        self._probe_from = None
        self._streak = 0
        self._last_fail = None
        self._last_good = None
        self._hold = self.tuning.hold_initial_s
        self._next_probe_at = now + self._hold
        self._requested_at = now
        self._confirmed = False

    # -- the loop ----------------------------------------------------------------
    def tick(self, obs: Observation, now: float) -> Optional[Level]:
        """Take one tick's observation; return a level to request, or None to stay."""
        with self._lock:
            if obs.level is not None and obs.level in self._ladder:
                self.model.observe(obs.level, obs.level_frames, obs.level_bytes)
            if not self.enabled:
                return None
            if not self._confirmed:
                return self._settle(obs, now)
            self._window.append(obs)
            span = self._trim()
            if self._probe_from is not None:
                return self._judge_probe(self._probe_from, span, now)
            if span < self.tuning.min_window_s:
                return None
            if self._overloaded(span):
                return self._step_down(span, now)
            self._below_ladder = False
            if self._index > 0 and now >= self._next_probe_at:
                return self._probe(now)
            return None

    def _settle(self, obs: Observation, now: float) -> Optional[Level]:
        waited = now - self._requested_at
        if obs.level == self.level and obs.level_frames > 0 or \
                obs.level is None and waited >= self.tuning.settle_timeout_s:
            self._confirmed = True  # judge from the next tick on: this one is mixed
            self._confirmed_at = now
            self._window.clear()
        elif waited >= self.tuning.settle_timeout_s:
            self._requested_at = now  # the device is elsewhere: ask again, once per timeout
            return self.level
        return None

    def _trim(self) -> float:
        span = sum(o.dt for o in self._window)
        while len(self._window) > 1 and span - self._window[0].dt >= self.tuning.window_s:
            span -= self._window.popleft().dt
        return span

    def _idle_link(self, carried_per_s: float) -> bool:
        # More than the link carried when it last overflowed, and frames that crossed
        # it in a fraction of a frame interval: it has room.
        if self.link_bps is not None and \
                carried_per_s * 8 < self.tuning.beyond_estimate * self.link_bps:
            return False
        aged = [(o.age_ms, o.frames) for o in self._window if o.age_ms is not None]
        count = sum(n for _, n in aged)
        if not count:
            return False
        mean_ms = sum(age * n for age, n in aged) / count
        return mean_ms <= self.tuning.headroom_age * 1000.0 / self.target_fps

    def _window_sums(self) -> Tuple[int, int, int]:
        frames = sum(o.frames for o in self._window)
        return frames, sum(o.nbytes for o in self._window), sum(o.skips for o in self._window)

    def _overloaded(self, span: float) -> bool:
        frames, _, skips = self._window_sums()
        expected = self.target_fps * span
        if not any(o.level is not None for o in self._window):
            # No metadata, no sequence gaps: a rate below target is the only sign.
            return frames < self.tuning.fps_low * expected
        return skips >= max(2, self.tuning.skip_fraction * expected)

    def _request(self, index: int, now: float) -> Optional[Level]:
        previous = self.level
        self._index = index
        self._window.clear()
        self._requested_at = now
        self._confirmed = False
        return self._changed_from(previous)

    def _step_down(self, span: float, now: float) -> Optional[Level]:
        _, carried, _ = self._window_sums()
        carried_per_s = carried / span
        self.link_bps = carried_per_s * 8
        if self._last_good is not None and now < self._probation_until:
            # Overloaded soon after a probe: the probe failed late (a token bucket or
            # a queue hid it for a while). Back to the level it left, longer hold.
            return self._fail_probe(self._last_good, now)
        self._last_fail = self._index
        self._last_good = None
        self._streak = 0
        if now - self._confirmed_at >= self.tuning.stable_s:
            self._hold = self.tuning.hold_initial_s  # a level that held: the link narrowed
        else:  # a level reached by climbing, now overloaded: climb more slowly
            self._hold = min(self._hold * 2, self.tuning.hold_max_s)
        self._next_probe_at = now + self._hold
        last = len(self._ladder) - 1
        if self._index == last:
            self._below_ladder = True
            self._window.clear()  # judge again on a fresh window
            return None
        budget = self.tuning.margin * carried_per_s / self.target_fps
        index = self.model.fitting(self._ladder, budget)
        return self._request(max(self._index + 1, last if index is None else index), now)

    def _fail_probe(self, back: int, now: float) -> Optional[Level]:
        self.failed_probes += 1
        self._last_fail = self._index
        self._probe_from = self._last_good = None
        self._streak = 0
        self._hold = min(self._hold * 2, self.tuning.hold_max_s)
        self._next_probe_at = now + self._hold
        return self._request(back, now)

    def _probe(self, now: float) -> Optional[Level]:
        tuning = self.tuning
        budget = self.model.expected(self.level) * tuning.growth[
            min(self._streak, len(tuning.growth) - 1)]
        if self.link_bps is not None:
            budget = min(budget, tuning.probe_over_estimate * self.link_bps / 8 /
                         self.target_fps)
        index = self.model.fitting(self._ladder, budget)
        self._probe_from = self._index
        return self._request(min(self._index - 1, self._index if index is None else index), now)

    def _judge_probe(self, probe_from: int, span: float, now: float) -> Optional[Level]:
        frames, carried, skips = self._window_sums()
        tuning = self.tuning
        blind = not any(o.level is not None for o in self._window)  # no sequence numbers
        if skips >= tuning.probe_fail_skips or blind and span >= tuning.probe_eval_s and \
                frames < tuning.fps_low * self.target_fps * span:
            return self._fail_probe(probe_from, now)
        if span < tuning.probe_eval_s:
            return None
        self._last_good, self._probe_from = probe_from, None
        self._probation_until = now + tuning.probation_s
        rate = carried / span * 8
        if self._last_fail is not None and self._index <= self._last_fail or \
                self._idle_link(carried / span):
            self._streak = len(tuning.growth) - 1  # widened: climb as fast as allowed
        elif self.link_bps is not None and rate >= self.link_bps:
            self._streak = 0  # at the link's known capacity: one rung at a time
        else:
            self._streak += 1  # below it: the climb back may speed up
        self._last_fail = None
        if self.link_bps is not None:
            self.link_bps = max(self.link_bps, carried / span * 8)
        self._next_probe_at = now + tuning.success_hold_s
        self._window.clear()
        return None
