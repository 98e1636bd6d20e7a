"""
AdaptiveStreaming without rclpy: the controller wired to a fake device session.

Checks the wiring's own decisions: which commands reach the device and in which
order, what the parameters do (the ceiling, on/off), a device that refuses
``framesize``, and the diagnostics status.
"""

from esp32_drone_camera.adaptive_ladder import Level
from esp32_drone_camera.adaptive_streaming import AdaptiveStreaming
from esp32_drone_camera.command_client import Reply
from esp32_drone_camera.diagnostics import OK, WARN
from esp32_drone_camera.frames import FrameMeta
from esp32_drone_camera.settings import Settings


class FakeLink:
    connected = True


class FakeSession:
    """Records commands; refuses the ones listed in ``refuse`` with that error."""

    def __init__(self, refuse=None):
        self.link = FakeLink()
        self.protocol = 2
        self.streaming = True
        self.sent = []
        self.refuse = refuse or {}
        self.device = Level('VGA', 12)  # what the device streams: follows the commands

    def expect_frames(self):
        return self.streaming

    @property
    def speaks_v1(self):
        return self.protocol == 1

    def call(self, cmd, arg=None):
        self.sent.append((cmd, arg))
        if cmd in self.refuse:
            return Reply(False, {}, self.refuse[cmd], 'no')
        field = 'quality' if cmd == 'quality' else 'frame_size'
        self.device = self.device._replace(**{field: arg})
        return Reply(True, {})


class FakeLog:
    def __init__(self):
        self.lines = []

    def warning(self, text):
        self.lines.append(text)

    error = info = debug = warning


class Clock:
    def __init__(self):
        self.t = 0.0

    def __call__(self):
        return self.t


def make(refuse=None, **overrides):
    settings = Settings.defaults(**overrides)
    session, clock = FakeSession(refuse), Clock()
    adaptive = AdaptiveStreaming(settings, session, lambda: session.drops, FakeLog(),
                                 monotonic=clock)
    session.drops = 0
    return adaptive, settings, session, clock


def stream(adaptive, session, clock, seconds, fps=8, skip_per_s=12, nbytes=22000):
    """Deliver ``fps`` frames a second at the device's level with skips, 4 ticks a second."""
    for _ in range(int(seconds * 4)):
        level = session.device
        index = {'VGA': 5, 'QVGA': 3, 'QQVGA': 0}[level.frame_size]
        for _ in range(fps // 4):
            adaptive.add(nbytes, FrameMeta(index, level.quality, 0, 0), 3_000_000)
        session.drops += skip_per_s // 4
        clock.t += 0.25
        adaptive._tick()


def test_overload_sends_framesize_before_quality_when_shrinking():
    adaptive, _, session, clock = make()
    stream(adaptive, session, clock, 1.0)
    level = adaptive.controller.level
    assert level.frame_size == 'QVGA', level
    assert session.sent == [('framesize', 'QVGA'), ('quality', level.quality)] or \
        session.sent == [('framesize', 'QVGA')]
    assert session.device == level
    status = adaptive.status('esp32_drone_camera', 'hw')
    assert status.level == OK and 'adapting: link ~' in status.message
    assert dict(status.values)['Ceiling'] == 'VGA q12'


def test_ceiling_params_reach_the_device_only_as_far_as_they_clamp_it():
    adaptive, settings, session, clock = make()
    # At the ceiling: a worse ceiling is the new level, sent (and confirmed) at once.
    assert adaptive.device_changes({'jpeg_quality': 20, 'target_fps': 15}) == \
        {'jpeg_quality': 20, 'target_fps': 15}
    assert adaptive.device_changes({'frame_size': 'QQVGA', 'jpeg_quality': 30}) == \
        {'frame_size': 'QQVGA', 'jpeg_quality': 30}  # frame size first: shrinking
    stream(adaptive, session, clock, 1.0)
    adapted = session.device
    assert adapted.frame_size == 'QVGA'
    # Adapted below it: a better ceiling changes nothing now (probes will climb).
    assert adaptive.device_changes({'jpeg_quality': 10}) == {}
    # Off: the parameters as they are, today's behaviour.
    assert adaptive.device_changes({'adaptive_quality': False, 'jpeg_quality': 20}) == \
        {'adaptive_quality': False, 'jpeg_quality': 20}


def test_switching_off_restores_the_configured_values():
    adaptive, settings, session, clock = make()
    stream(adaptive, session, clock, 1.0)
    assert session.device.frame_size == 'QVGA'
    session.sent.clear()
    settings.update({'adaptive_quality': False})
    adaptive._tick()
    assert session.sent in ([('quality', 12), ('framesize', 'VGA')], [('framesize', 'VGA')])
    assert session.device == Level('VGA', 12)
    assert adaptive.status('n', 'hw').message.startswith('off')


def test_lower_ceiling_is_taken_as_the_device_level():
    adaptive, settings, session, clock = make()
    changes = adaptive.device_changes({'frame_size': 'QQVGA', 'jpeg_quality': 30})
    for name, value in changes.items():  # what the node's session does with them
        session.call({'frame_size': 'framesize', 'jpeg_quality': 'quality'}[name], value)
    settings.update({'frame_size': 'QQVGA', 'jpeg_quality': 30})
    sent = len(session.sent)
    stream(adaptive, session, clock, 2.0, fps=20, skip_per_s=0, nbytes=2000)
    assert len(session.sent) == sent  # nothing sent twice
    assert adaptive.controller.ceiling == Level('QQVGA', 30)
    assert adaptive.status('n', 'hw').message == 'at ceiling'


def test_device_refusing_framesize_adapts_quality_only():
    adaptive, _, session, clock = make(refuse={'framesize': 'unknown_command'})
    stream(adaptive, session, clock, 2.0)
    adaptive._tick()
    assert not adaptive.controller.frame_sizes
    assert session.sent[-1][0] == 'quality'
    assert {lv.frame_size for lv in adaptive.controller.ladder} == {'VGA'}
    assert any('quality only' in line for line in adaptive.log.lines)


def test_nothing_is_sent_while_disconnected_or_at_ceiling():
    adaptive, _, session, clock = make()
    stream(adaptive, session, clock, 5.0, fps=20, skip_per_s=0)
    assert session.sent == []
    session.link.connected = False
    stream(adaptive, session, clock, 2.0)
    assert session.sent == []

    assert adaptive.status('n', 'hw').message == 'at ceiling'


def test_a_device_that_does_not_confirm_pauses_the_commands():
    adaptive, _, session, clock = make(refuse={'quality': 'not_confirmed',
                                               'framesize': 'not_confirmed'})
    stream(adaptive, session, clock, 3.0)
    assert len(session.sent) == 1  # one try, then a pause
    status = adaptive.status('n', 'hw')
    assert status.level == WARN and 'did not apply' in status.message
    assert any('next try in' in line for line in adaptive.log.lines)
    clock.t += 10.0
    stream(adaptive, session, clock, 0.5)
    assert len(session.sent) == 2  # tried again after the pause


def test_a_stock_device_gets_a_quality_only_ladder():
    adaptive, _, session, clock = make()
    session.protocol = 1
    adaptive.new_connection()
    assert {lv.frame_size for lv in adaptive.controller.ladder} == {'VGA'}
    assert adaptive.controller.level == Level('VGA', 12)
    session.protocol = 2  # a v2 device on the next connection
    adaptive.new_connection()
    assert {lv.frame_size for lv in adaptive.controller.ladder} == {'VGA', 'QVGA', 'QQVGA'}


def test_a_stock_device_is_not_adapted_and_its_quality_stays_as_set():
    # No sequence numbers: a reset or a slow device would look like a narrow link.
    adaptive, _, session, clock = make()
    session.protocol = 1
    adaptive.new_connection()
    stream(adaptive, session, clock, 6.0, fps=8, skip_per_s=0)  # a slow stream, no gaps
    assert session.sent == []
    assert adaptive.device_changes({'jpeg_quality': 8}) == {'jpeg_quality': 8}
    status = adaptive.status('n', 'hw')
    assert status.level == OK and 'stock firmware' in status.message


def test_a_stopped_stream_is_not_probed():
    adaptive, _, session, clock = make()
    stream(adaptive, session, clock, 1.0)
    assert session.device.frame_size == 'QVGA'
    sent = len(session.sent)
    session.streaming = False  # ~/stop_stream: no frames, and none expected
    stream(adaptive, session, clock, 6.0, fps=0, skip_per_s=0)
    assert len(session.sent) == sent
    session.streaming = True
    stream(adaptive, session, clock, 3.0, fps=20, skip_per_s=0, nbytes=7000)
    assert len(session.sent) > sent  # streaming again: probing resumes
