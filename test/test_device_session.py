"""Unit tests of device_session.py: the device's text, commands, pings, apply-on-connect."""

import json
import threading
import time

from camera_testkit.processes import wait_for
from esp32_drone_camera.command_client import CANCELLED, NO_TRANSPORT
from esp32_drone_camera.device_session import DeviceSession, load_token, MAX_TEXT_CHARS
from esp32_drone_camera.link_state import LinkState, SerialState
from esp32_drone_camera.settings import Settings
import pytest


class Log:
    """The logger interface the session uses, recording (level, text)."""

    def __init__(self):
        self.lines = []

    def _add(self, level, msg):
        self.lines.append((level, msg))

    def debug(self, msg):
        self._add('debug', msg)

    def info(self, msg):
        self._add('info', msg)

    def warning(self, msg):
        self._add('warning', msg)

    def error(self, msg):
        self._add('error', msg)

    def count(self, text):
        return sum(text in msg for _, msg in self.lines)


class Link:
    """A WebSocket link stand-in; ``answer`` makes the device reply to commands."""

    def __init__(self, session=None, answer=True, connected=True):
        self.session, self.answer, self.connected = session, answer, connected
        self.state, self.connects, self.stalls = LinkState.CONNECTED, 1, 0
        self.sent = []

    def send_text(self, text):
        self.sent.append(text)
        if self.answer and text.startswith('{'):
            req = json.loads(text)
            reply = json.dumps({'type': 'reply', 'id': req['id'], 'cmd': req['cmd'],
                                'ok': True, 'result': {'arg': req.get('arg')}})
            threading.Timer(0.005, self.session.on_text, (reply, 0)).start()
        return True

    def commands(self):
        return [json.loads(t) for t in self.sent if t.startswith('{')]


class Serial:
    def __init__(self, is_open=True):
        self.is_open, self.state, self.lines = is_open, SerialState.OPEN, []

    def write_line(self, text):
        self.lines.append(text)
        return True


def make(answer=True, serial=None, **settings):
    log, welcomes = Log(), []
    settings.setdefault('command_timeout', 0.3)
    s = DeviceSession(Settings.defaults(**settings), log, token=lambda: 'tok',
                      now_ns=lambda: 123_000_000_000, on_welcome=welcomes.append)
    link = Link(s, answer)
    s.attach(link, serial)
    return s, link, log, welcomes


def welcome(**fields):
    base = {'type': 'welcome', 'message': 'hi', 'protocol': 2, 'firmware': '2.2.0',
            'frame_size': 'VGA', 'quality': 12, 'fps_target': 20}
    base.update(fields)
    return json.dumps(base)


def worker_threads():
    return [t for t in threading.enumerate() if t.name == 'device_settings']


def test_text_dispatch_counts_and_routes():
    s, _, log, _ = make()
    s.on_text(json.dumps({'type': 'status', 'frame': 1, 'fps': 20, 'timestamp': 1,
                          'heap': 1000, 'clients': 1, 'streaming': False}), 0)
    assert s.device_status['heap'] == 1000 and not s.expect_frames()
    for bad in ('{"type": 1}', '{nope', '', 'x' * (MAX_TEXT_CHARS + 1)):
        s.on_text(bad, 0)
    s.on_bad_message('text message is not UTF-8')
    s.on_text('{"type": "pong", "echo": "abc", "rx_us": 1, "tx_us": 1}', 0)  # echo not ours
    assert s.malformed_text == 6
    s.on_text('hello', 0)
    s.on_text('{"type": "news"}', 0)
    s.on_text('{"type": "test"}', 0)
    assert s.unknown_text == 2
    assert log.count('skipped malformed message') == 1, 'a peer-repeatable line: throttled'


def test_welcome_v2_resets_the_clock_reports_the_size_and_applies_settings():
    s, link, _, welcomes = make(jpeg_quality=20, frame_size='VGA', target_fps=20)
    s.on_text('{"type": "pong", "echo": "1000", "rx_us": 1, "tx_us": 1}', 2000)
    assert s.clock.offset_ns is not None
    s.on_text(welcome(frame_size='QVGA'), 0)
    assert s.protocol == 2 and s.firmware == '2.2.0' and s.clock.offset_ns is None
    assert welcomes == [3]
    assert wait_for(lambda: not s.worker.busy and link.commands(), 2)
    assert [(c['cmd'], c['arg'], c['token']) for c in link.commands()] == [
        ('quality', 20, 'tok'), ('framesize', 'VGA', 'tok')]  # fps already matches
    s.close()


def test_welcome_v1_and_apply_off_send_nothing():
    s, link, _, welcomes = make(jpeg_quality=20)
    s.on_text('{"type": "welcome", "message": "ESP32-S3 Camera Ready"}', 0)
    assert s.protocol == 1 and s.firmware == '2.1 (README)' and welcomes == [None]
    s2, link2, _, _ = make(jpeg_quality=20, apply_on_connect=False)
    s2.on_text(welcome(), 0)
    time.sleep(0.1)
    assert link.sent == [] and link2.sent == []
    assert s.worker._thread is None and s2.worker._thread is None


def test_a_welcome_flood_starts_no_threads_and_no_backlog():
    s, link, log, _ = make(answer=False, jpeg_quality=20, command_timeout=0.2)
    before = threading.active_count()
    t0 = time.monotonic()
    for _ in range(3000):
        s.on_text(welcome(), 0)
    flood_s = time.monotonic() - t0
    assert threading.active_count() <= before + 1 and len(worker_threads()) == 1
    time.sleep(0.5)  # the worker times out once (0.2 s), then takes the newest welcome
    sent = len(link.commands())
    assert 1 <= sent <= 4, sent
    assert log.count('device refused') <= 1, 'a peer-repeatable line: throttled'
    t0 = time.monotonic()
    s.close(1.0)
    assert time.monotonic() - t0 < 0.5 and not s.worker._thread.is_alive()
    assert flood_s < 2.0, f'3000 welcomes took {flood_s:.2f} s'


def test_close_cancels_waiting_commands_in_bounded_time():
    s, link, _, _ = make(answer=False, command_timeout=10.0)
    replies = []
    caller = threading.Thread(target=lambda: replies.append(s.call('info')))
    caller.start()
    assert wait_for(lambda: link.commands(), 2)
    t0 = time.monotonic()
    s.close()
    caller.join(2)
    assert time.monotonic() - t0 < 1.0 and replies[0].error == CANCELLED
    assert s.call('info').error == CANCELLED  # and refuses new ones


def test_transport_rules():
    serial = Serial()
    s, link, _, _ = make(serial=serial)
    assert s.choose_transport() == ('websocket', link.send_text)
    s.protocol = 1  # a v1 device confirms nothing over WebSocket: serial first
    assert s.choose_transport() == ('serial', serial.write_line)
    serial.is_open = False
    assert s.choose_transport() == ('websocket', link.send_text)
    link.connected = False
    assert s.choose_transport()[0] is None
    s.settings.command_transport = 'serial'
    s.on_serial_state(SerialState.CLOSED, 'unplugged')
    assert s.choose_transport() == (None, 'serial port not open: unplugged')
    s.settings.command_transport = 'websocket'
    assert s.choose_transport() == (None, 'WebSocket not connected')
    s2, _, _, _ = make(command_transport='serial')
    assert 'serial_port is empty' in s2.choose_transport()[1]
    assert s2.call('info').error == NO_TRANSPORT


def test_start_stop_and_device_params():
    s, link, _, _ = make()
    assert s.expect_frames()
    assert s.call('stop').ok and s.stopped_on_request and not s.expect_frames()
    assert s.call('start').ok and not s.stopped_on_request
    assert s.set_device_params({'jpeg_quality': 30, 'stale_timeout': 1.0}) is None
    assert [c['cmd'] for c in link.commands()][-1] == 'quality'
    link.answer = False
    error = s.set_device_params({'frame_size': 'QVGA'})
    assert error.startswith('device did not apply frame_size: not_confirmed')


def test_pings_by_protocol_and_round_trip():
    s, link, _, _ = make()
    s.send_ping()  # no welcome yet: the README's plain PING
    assert link.sent[-1] == 'PING'
    s.on_text('PONG', 123_000_000_000 + 4_000_000)
    assert s.rtt_ns == 4_000_000
    s.on_text(welcome(), 0)
    s.send_ping()
    assert link.sent[-1] == 'PING 123000000000'
    s.on_text(json.dumps({'type': 'pong', 'echo': '123000000000', 'rx_us': 5, 'tx_us': 5}),
              123_002_000_000)
    assert s.rtt_ns == 2_000_000 and s.clock.offset_ns is not None
    link.connected = False
    count = len(link.sent)
    s.send_ping()
    assert len(link.sent) == count
    s.close()


def test_serial_lines_are_routed_by_kind():
    s, link, log, _ = make(answer=False, command_timeout=2.0)
    replies = []
    caller = threading.Thread(target=lambda: replies.append(s.call('info')))
    caller.start()
    assert wait_for(lambda: link.commands(), 2)
    request_id = link.commands()[0]['id']
    s.on_serial_line(json.dumps({'type': 'reply', 'id': request_id, 'cmd': 'info',
                                 'ok': True, 'result': {'via': 'serial'}}))
    caller.join(2)
    assert replies[0].ok and replies[0].result == {'via': 'serial'}
    s.on_serial_line('[WARNING] Low memory detected: 40000 bytes')
    s.on_serial_line('[ERROR] camera init failed')
    s.on_serial_line('[INFO] ok')
    s.on_serial_line('plain text')
    s.on_serial_line('   ')
    assert s.low_memory == 40000
    assert log.lines == [('warning', 'device: [WARNING] Low memory detected: 40000 bytes'),
                         ('error', 'device: [ERROR] camera init failed'),
                         ('info', 'device: [INFO] ok'), ('debug', 'device: plain text')]


def test_device_lines_are_rate_limited():
    s, _, log, _ = make()
    for i in range(1000):
        s.on_serial_line(f'[INFO] line {i}')
    assert log.count('device: [INFO]') <= 60


def test_link_states_are_logged_throttled_and_reset_the_protocol():
    s, _, log, _ = make()
    s.on_text(welcome(), 0)
    for _ in range(100):
        s.on_link_state(LinkState.CONNECTED, 'ws://x')
        s.on_link_state(LinkState.DISCONNECTED, 'reset by peer')
    assert s.protocol is None and s.link_detail == 'reset by peer'
    assert log.count('connected to ws://x') == 1 and log.count('disconnected: ') == 1
    s.on_link_state(LinkState.STALLED, 'no frames')
    assert log.count('stalled: no frames') == 1
    s.close()


def test_report_fields():
    s, link, _, _ = make(serial=Serial(), serial_port='/dev/ttyACM0')
    s.device_status, s.device_status_at = {'heap': 1}, 10.0
    r = s.report(12.5)
    assert r['link_state'] == LinkState.CONNECTED and r['connects'] == 1
    assert r['device_status_age_s'] == 2.5 and r['low_memory_age_s'] is None
    assert r['serial_state'] == SerialState.OPEN and r['serial_port'] == '/dev/ttyACM0'
    assert r['timestamp_source'] == 'arrival time' and r['rtt_ms'] is None


def test_token_from_file_or_environment(tmp_path, monkeypatch):
    monkeypatch.setenv('CAM_TOKEN', 'from-env')
    assert load_token('') == 'from-env'
    path = tmp_path / 'token'
    path.write_text('from-file\n')
    assert load_token(str(path)) == 'from-file'
    with pytest.raises(ValueError, match='cannot read command_token_file'):
        load_token(str(tmp_path / 'missing'))


class StockSerial(Serial):
    """A stock (v1) console: typed words answered with text, JSON lines refused."""

    ANSWERS = {'stop': '[STREAM] Video stream stopped',
               'start': '[STREAM] Starting 20fps video stream...',
               'quality 8': '[CMD] JPEG quality set to 8',
               'quality 20': '[CMD] JPEG quality set to 20'}

    def __init__(self, session):
        super().__init__()
        self.session = session

    def write_line(self, text):
        self.lines.append(text)
        answer = self.ANSWERS.get(text, f'[ERROR] Unknown command: {text}')
        threading.Timer(0.005, self.session.on_serial_line, (answer,)).start()
        return True


def stock_session(**settings):
    s, link, log, _ = make(answer=False, **settings)
    serial = StockSerial(s)
    s.attach(link, serial)
    return s, link, serial, log


def test_a_v1_welcome_sends_commands_typed_on_the_serial_console():
    s, link, serial, log = stock_session()
    s.on_text(json.dumps({'type': 'welcome', 'message': 'ESP32-S3 Camera Ready'}), 0)
    assert s.speaks_v1
    reply = s.call('stop')
    assert reply.ok and reply.message == '[STREAM] Video stream stopped', reply
    assert serial.lines == ['stop'] and link.commands() == []
    assert s.stopped_on_request and not s.expect_frames()
    assert s.set_device_params({'jpeg_quality': 8}) is None
    assert serial.lines[-1] == 'quality 8'
    assert not any('Video stream stopped' in msg for _, msg in log.lines)  # the caller's


def test_a_console_that_answers_json_with_text_is_found_out_and_typed_to():
    s, link, serial, log = stock_session(command_transport='serial', command_timeout=1.0)
    assert not s.speaks_v1
    t0 = time.monotonic()
    reply = s.call('start')
    assert reply.ok and reply.message == '[STREAM] Starting 20fps video stream...', reply
    assert time.monotonic() - t0 < 0.5  # no timeout on the JSON line first
    assert json.loads(serial.lines[0])['cmd'] == 'start' and serial.lines[1:] == ['start']
    assert s.speaks_v1 and log.count('Unknown command') == 0
    s.on_serial_state(SerialState.OPEN, 'reopened')  # perhaps reflashed: find out again
    assert not s.speaks_v1


def test_a_v1_device_refuses_what_the_stock_firmware_cannot_do():
    s, link, serial, log = stock_session()
    s.protocol = 1
    for name, value in (('frame_size', 'QVGA'), ('target_fps', 10)):
        error = s.set_device_params({name: value})
        assert name in error and 'stock firmware' in error
        assert 'ros2 run esp32_drone_camera flash' in error
    assert serial.lines == []  # nothing typed

    s2, link2, log2, _ = make(answer=False)
    s2.protocol = 1  # no serial port: the stock firmware takes no WebSocket commands
    reply = s2.call('stop')
    assert reply.error == NO_TRANSPORT and 'serial console' in reply.message
    assert link2.commands() == []


def test_a_v1_device_gets_jpeg_quality_typed_on_connect():
    s, link, serial, log = stock_session(jpeg_quality=20, frame_size='QVGA')
    s.on_text(json.dumps({'type': 'welcome', 'message': 'ESP32-S3 Camera Ready'}), 0)
    assert wait_for(lambda: 'quality 20' in serial.lines, 2), serial.lines
    assert wait_for(lambda: log.count('device quality set to 20') == 1, 2), log.lines
    assert serial.lines == ['quality 20']  # frame_size is not typed: it cannot be
    assert log.count('frame_size QVGA not applied: the stock firmware') == 1
    s.close()
