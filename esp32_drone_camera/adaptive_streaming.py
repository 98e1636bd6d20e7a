"""
Adaptive streaming in the node: the controller wired to the frames, the session and the settings.

ROS-free. ``AdaptiveStreaming`` owns a ``FrameMeter`` (its ``add`` runs on the link
thread for each published frame), a ``QualityController`` and one thread that ticks
it four times a second and sends the device the level it asks for through the
device session's ``quality`` and ``framesize`` commands. Commands wait for their
reply in that thread only: neither the frames nor the executor ever wait for them.

The parameters: ``adaptive_quality`` switches it (off sends the ceiling, today's
behaviour); ``jpeg_quality`` and ``frame_size`` are the ceiling, so while it is on
they are not sent to the device as they are, the controller clamps its level to
them; ``target_fps`` is the rate it holds. A new connection starts at the ceiling,
which the session applies on connect.
"""

import time
from typing import Any, Callable, Dict, List, Optional, Protocol, Tuple

from .adaptive import AT_CEILING, QualityController
from .adaptive_ladder import Level
from .adaptive_meter import FrameMeter
from .command_client import Reply
from .commands import BAD_ARGUMENT, UNKNOWN_COMMAND
from .device_session import CommandLink
from .diagnostics import OK, Status, WARN
from .log_limits import Log, Throttle
from .protocol import FRAME_SIZE_BY_NAME
from .settings import Settings
from .threads import Ticker

TICK_S = 0.25
PAUSE_S = 10.0  # after a command the device did not apply, no command for this long
CEILING_PARAMS = ('jpeg_quality', 'frame_size')
_UNSUPPORTED = (UNKNOWN_COMMAND, BAD_ARGUMENT)
# The stock firmware's frames carry no sequence numbers, so frames the device skipped for
# a narrow link cannot be told from a device that is slow, resetting or busy: judging by
# the rate alone lowered the quality after every reset. Adaptation needs our firmware.
NO_SEQUENCE = ('off: the stock firmware sends no frame sequence numbers to adapt by '
               '(flash ours: ros2 run esp32_drone_camera flash); the quality stays as set')


class StreamSession(Protocol):
    """What the loop uses of the device session (device_session.DeviceSession)."""

    @property
    def protocol(self) -> Optional[int]:
        """Return the device's protocol version (1: stock firmware), None before a welcome."""

    @property
    def link(self) -> Optional[CommandLink]:
        """Return the WebSocket link, None before it is attached."""

    @property
    def speaks_v1(self) -> bool:
        """Tell whether the device runs the stock firmware (no frame sequence numbers)."""

    def expect_frames(self) -> bool:
        """Tell whether frames should be arriving (connected and not stopped on request)."""

    def call(self, cmd: str, arg: Any = None) -> Reply:
        """Send a device command and wait for its reply."""


class AdaptiveStreaming:
    """The adaptive-quality loop of one node: meter in, device commands out."""

    def __init__(self, settings: Settings, session: StreamSession, drops: Callable[[], int],
                 log: Log, *,
                 monotonic: Callable[[], float] = time.monotonic, period: float = TICK_S):
        """Wire the loop; ``drops()`` counts sequence-gap drops (the frame stamper's)."""
        self.settings = settings
        self.session = session
        self.drops = drops
        self.log = log
        self.monotonic = monotonic
        self.meter = FrameMeter()
        self.add = self.meter.add  # bound once: the hot path calls it per frame
        self.controller = QualityController(
            self.ceiling_of(settings), settings.target_fps, enabled=settings.adaptive_quality,
            now=monotonic())
        self._pending: Optional[Level] = None  # asked for by a parameter change
        # The device's level as last seen in a frame, or as last set (by us, or by
        # apply-on-connect: the ceiling).
        self._device = self.controller.ceiling
        self.command_errors = 0
        self._paused_until = 0.0
        self.last_error = ''  # why the last command failed (diagnostics), '' after a success
        self._throttle = Throttle(clock=monotonic)
        settings.listen(('adaptive_quality',), self._on_enabled)
        settings.listen(CEILING_PARAMS, self._on_ceiling)
        settings.listen(('target_fps',), self._on_target_fps)
        self._ticker = Ticker(period, self._tick, 'adaptive', self._on_tick_error)

    @staticmethod
    def ceiling_of(settings: Settings) -> Level:
        """Return the configured (frame size, quality): the top of the ladder."""
        return Level(settings.frame_size, settings.jpeg_quality)

    def start(self) -> None:
        """Start ticking."""
        self._ticker.start()

    def stop(self, timeout: float = 0.5) -> None:
        """Stop ticking (a command in progress ends within command_timeout)."""
        self._ticker.stop(timeout)

    # -- the node's calls ------------------------------------------------------------
    def device_changes(self, changes: Dict[str, Any]) -> Dict[str, Any]:
        """
        Return the device parameters to send for the parameter ``changes``.

        Off: the changes as they are (today's behaviour). On: ``jpeg_quality`` and
        ``frame_size`` are the ceiling; what reaches the device is only what the new
        ceiling forces on the level in use (clamped down, never raised), so that the
        parameter is still confirmed by the device when it changes the stream.
        """
        enabled = changes.get('adaptive_quality', self.controller.enabled)
        if not enabled or self.session.speaks_v1:  # stock firmware: see NO_SEQUENCE
            return changes
        out = {k: v for k, v in changes.items() if k not in CEILING_PARAMS}
        if not any(name in changes for name in CEILING_PARAMS):
            return out
        s = self.settings
        target = self.controller.clamped(Level(changes.get('frame_size', s.frame_size),
                                               changes.get('jpeg_quality', s.jpeg_quality)))
        device = self._device
        sized: Dict[str, object] = {}
        if target.frame_size != device.frame_size:
            sized['frame_size'] = target.frame_size
        if target.quality != device.quality:
            sized['jpeg_quality'] = target.quality
        if target.frame_size != device.frame_size and not self._shrinks(device, target):
            sized = dict(reversed(list(sized.items())))  # quality first when growing
        return {**sized, **out}

    @staticmethod
    def _shrinks(device: Level, target: Level) -> bool:
        return FRAME_SIZE_BY_NAME[target.frame_size][0] < FRAME_SIZE_BY_NAME[device.frame_size][0]

    def new_connection(self) -> None:
        """Start again from the ceiling: a new connection gets it from apply-on-connect."""
        self.meter.restart()
        now = self.monotonic()
        self.controller.new_connection(now)
        # The stock firmware (v1) has no framesize command; a device may be replaced.
        self.controller.set_frame_sizes(self.session.protocol != 1, now)
        self._device = self.controller.ceiling

    # -- parameter listeners (the executor's thread): never block, hand over -------
    def _on_enabled(self, settings: Settings) -> None:
        level = self.controller.set_enabled(settings.adaptive_quality, self.monotonic())
        if not settings.adaptive_quality:
            # Off: today's behaviour, the device at the configured values. The node's
            # parameter callback sends those itself when they change at the same time.
            self._pending = None if level is None else self.controller.ceiling
        elif level is not None:
            self._pending = level

    def _on_ceiling(self, settings: Settings) -> None:
        # Called once the device confirmed what device_changes asked for: the level.
        level = self.controller.set_ceiling(self.ceiling_of(settings), self.monotonic())
        if level is not None and self.controller.enabled:
            self._device = level

    def _on_target_fps(self, settings: Settings) -> None:
        self.controller.target_fps = float(settings.target_fps)

    # -- the loop (its own thread) ---------------------------------------------------
    def _tick(self) -> None:
        now = self.monotonic()
        link = self.session.link
        if link is None or not link.connected or not self.session.expect_frames() or \
                self.session.speaks_v1:
            self.meter.restart()  # no stream, stopped on request, or no sequence numbers
            return
        obs = self.meter.take(now, self.drops())
        level = None if obs is None else self.controller.tick(obs, now)
        if obs is not None and obs.level is not None:
            self._device = obs.level
        pending, self._pending = self._pending, None
        level = pending or level
        if level is not None and now >= self._paused_until:
            self._send(level)

    def _send(self, level: Level) -> None:
        """Send the commands that take the device to ``level``, smaller change first."""
        device = self._device
        steps: List[Tuple[str, object]] = []  # (command, argument)
        if level.quality != device.quality:
            steps.append(('quality', level.quality))
        if level.frame_size != device.frame_size:
            size = ('framesize', level.frame_size)
            steps.insert(0, size) if self._shrinks(device, level) else steps.append(size)
        for cmd, arg in steps:
            reply = self.session.call(cmd, arg)
            if reply.ok:
                d = self._device
                self._device = d._replace(quality=level.quality) if cmd == 'quality' else \
                    d._replace(frame_size=level.frame_size)
                self.last_error = ''
                continue
            self.command_errors += 1
            self.last_error = f'{cmd} {arg}: {reply.error}'
            if cmd == 'framesize' and reply.error in _UNSUPPORTED:
                self.log.warning(f'device refused framesize {arg} ({reply.error}): adapting '
                                 'the JPEG quality only')
                self._pending = self.controller.set_frame_sizes(False, self.monotonic())
                return
            # Silence (a stock device), no transport, a refusal: retrying at 4 Hz would
            # only pile up commands. The loop keeps deciding; the device hears again later.
            self._paused_until = self.monotonic() + PAUSE_S
            if self._throttle.allow(('refused', cmd)):
                self.log.warning(f'adaptive quality: device did not apply {cmd} {arg}: '
                                 f'{reply.error}: {reply.message}; next try in {PAUSE_S:g} s')
            return

    def _on_tick_error(self, exc: Exception) -> None:
        if not self._ticker.stopping and self._throttle.allow('tick'):
            self.log.error(f'adaptive quality tick failed: {exc!r}')

    # -- diagnostics -----------------------------------------------------------------
    def status(self, node_name: str, hardware_id: str) -> Status:
        """Return the diagnostics status: the level in use and why."""
        c = self.controller
        level = self._device
        reason = c.reason
        values = [('Enabled', str(c.enabled).lower()), ('Frame size', level.frame_size),
                  ('JPEG quality', str(level.quality)), ('Requested', str(c.level)),
                  ('Ceiling', str(c.ceiling)), ('Reason', reason),
                  ('Link estimate (Mbit/s)', 'n/a' if c.link_bps is None
                   else f'{c.link_bps / 1e6:.2f}'),
                  ('Level changes', str(c.changes)), ('Failed probes', str(c.failed_probes)),
                  ('Frame sizes adapted', str(c.frame_sizes).lower()),
                  ('Command errors', str(self.command_errors)),
                  ('Last command error', self.last_error or 'none')]
        if c.enabled and self.session.speaks_v1:
            reason = NO_SEQUENCE
        severity = WARN if reason.startswith('link below') else OK
        message = reason if not c.enabled or reason == AT_CEILING else f'{level}: {reason}'
        if self.last_error and c.enabled:
            severity = WARN
            message = f'{message}; device did not apply {self.last_error}'
        return Status(severity, f'{node_name}: adaptive quality', message, hardware_id, values)
