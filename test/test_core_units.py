"""Unit tests of the sans-I/O pieces: calibration, diagnostics, back-off, commands."""

import concurrent.futures
import json
import os
import threading

from esp32_drone_camera import calibration as calib
from esp32_drone_camera import diagnostics as diag
from esp32_drone_camera import frames, protocol, ws_link
from esp32_drone_camera.command_client import CommandClient, NO_TRANSPORT, NOT_CONFIRMED
from esp32_drone_camera.paths import data_path
import pytest


def test_default_calibration_loads_and_round_trips(tmp_path):
    c = calib.load(data_path('config', 'ov2640_vga.yaml'))
    assert (c.width, c.height) == (640, 480) and c.calibrated
    path = tmp_path / 'sub' / 'cam.yaml'
    calib.save(str(path), c)
    assert calib.load(str(path)) == c
    assert 'camera_matrix:' in path.read_text() and 'projection_matrix:' in path.read_text()


@pytest.mark.parametrize('text,error', [
    ('image_width: 640\n', 'image_width/image_height'),
    (': bad: yaml: [', 'not valid YAML'),
    ('- a list\n', 'not a YAML mapping'),
    ('image_width: 640\nimage_height: 480\ncamera_matrix: {rows: 3, cols: 3, data: [1, 2]}\n',
     'camera_matrix'),
])
def test_bad_calibration_is_a_clear_error(text, error):
    with pytest.raises(calib.CalibrationError, match=error):
        calib.parse(text)


def test_calibration_urls(tmp_path, monkeypatch):
    monkeypatch.setenv('ROS_HOME', str(tmp_path))
    assert calib.resolve_url('', 'cam') == str(tmp_path / 'camera_info' / 'cam.yaml')
    assert calib.resolve_url('file:///x/${NAME}.yaml', 'cam') == '/x/cam.yaml'
    assert calib.resolve_url('package://esp32_drone_camera/config/ov2640_vga.yaml', 'c') \
        .endswith('config/ov2640_vga.yaml')
    for bad in ('http://example.invalid/c.yaml', 'file://relative.yaml'):
        with pytest.raises(calib.CalibrationError):
            calib.resolve_url(bad, 'cam')


def test_calibration_scales_with_frame_size():
    c = calib.load(data_path('config', 'ov2640_vga.yaml'))
    q = calib.scale(c, 320, 240)
    assert q.k[0] == pytest.approx(c.k[0] / 2) and q.k[2] == pytest.approx(c.k[2] / 2)
    assert q.p[5] == pytest.approx(c.p[5] / 2) and q.k[8] == 1.0
    assert calib.scale(c, 400, 296) is None  # CIF crops: not derivable
    assert calib.scale(c, 640, 480) is c


def snapshot(**over):
    base = {'node_name': 'esp32_drone_camera', 'hardware_id': 'hw', 'url': 'ws://x',
            'link_state': ws_link.CONNECTED, 'link_detail': '', 'connects': 1, 'protocol': 2,
            'firmware': '2.2.0', 'stopped_on_request': False, 'rate': 20.0,
            'rate_events': 100, 'rate_window_s': 5.0, 'expected_fps': 20.0,
            'fps_tolerance': 0.3, 'frames_published': 100,
            'rejected': dict.fromkeys(frames.REASONS, 0), 'rejected_in_window': 0,
            'malformed_text': 0, 'unknown_text': 0, 'device_drops': 0,
            'since_last_frame_s': 0.05, 'rtt_ms': 1.0, 'clock_offset_ms': 5.0,
            'timestamp_source': 'device capture time', 'device_status': {'heap': 180000},
            'device_status_age_s': 0.5, 'low_memory_bytes': None, 'low_memory_age_s': None,
            'serial_port': '', 'serial_state': '', 'serial_detail': '', 'calibration_note': ''}
    base.update(over)
    return diag.Snapshot(**base)


def levels(s):
    return {st.name.split(': ')[1]: (st.level, st.message) for st in diag.build(s)}


def test_diagnostics_healthy_stream_is_ok():
    result = levels(snapshot())
    assert all(level == diag.OK for level, _ in result.values()), result
    assert set(result) == {'connection', 'image_raw/compressed topic status', 'frames',
                           'link', 'device'}
    assert result['image_raw/compressed topic status'][1] == 'Desired frequency met'


@pytest.mark.parametrize('over,task,level,text', [
    ({'link_state': ws_link.DEVICE_FULL, 'link_detail': 'max clients (3) reached'},
     'connection', diag.ERROR, 'device full'),
    ({'link_state': ws_link.STALLED}, 'connection', diag.ERROR, 'stalled'),
    ({'since_last_frame_s': 3.0}, 'connection', diag.ERROR, 'no frames for 3.0 s'),
    ({'link_state': ws_link.DISCONNECTED, 'link_detail': 'connection refused'},
     'connection', diag.ERROR, 'connection refused'),
    ({'rate': 5.0}, 'image_raw/compressed topic status', diag.WARN, 'too low'),
    ({'rate': 0.0, 'rate_events': 0}, 'image_raw/compressed topic status', diag.ERROR,
     'No events'),
    ({'rate': 0.0, 'rate_events': 0, 'stopped_on_request': True},
     'image_raw/compressed topic status', diag.OK, 'stopped on request'),
    ({'rejected_in_window': 3}, 'frames', diag.WARN, 'rejected'),
    ({'rtt_ms': 250.0}, 'link', diag.WARN, 'round-trip'),
    ({'low_memory_bytes': 45000, 'low_memory_age_s': 2.0}, 'device', diag.WARN,
     'Low memory detected: 45000 bytes'),
    ({'device_status_age_s': 10.0}, 'device', diag.WARN, 'no status'),
    ({'serial_port': '/dev/ttyACM0', 'serial_state': 'closed', 'serial_detail': 'gone'},
     'serial', diag.WARN, 'gone'),
])
def test_diagnostics_levels_mean_something(over, task, level, text):
    got_level, message = levels(snapshot(**over))[task]
    assert got_level == level and text in message, (got_level, message)


def test_frequency_window():
    w = diag.FrequencyWindow(5)
    for i in range(10):
        rate, events, span = w.tick(i * 20, float(i))
    assert rate == pytest.approx(20.0) and events == 100 and span == 5.0


def test_backoff_grows_with_jitter_and_is_bounded():
    assert ws_link.backoff_delay(0, 0.25, 5.0, rng=lambda: 1.0) == 0.25
    assert ws_link.backoff_delay(3, 0.25, 5.0, rng=lambda: 1.0) == 2.0
    assert ws_link.backoff_delay(50, 0.25, 5.0, rng=lambda: 1.0) == 5.0
    assert ws_link.backoff_delay(50, 0.25, 5.0, rng=lambda: 0.0) == 2.5


def test_sequence_gaps():
    assert frames.sequence_gap(None, 5) == 0
    assert frames.sequence_gap(5, 6) == 0
    assert frames.sequence_gap(5, 9) == 3
    assert frames.sequence_gap(0xFFFFFFFF, 1) == 1
    assert frames.sequence_gap(100, 0) == 0  # device restarted its counter


class FakeDevice:
    """Answers commands on another thread, like the link thread does."""

    def __init__(self, client_ref, answer=True):
        self.client_ref = client_ref
        self.answer = answer
        self.sent = []

    def send(self, text):
        self.sent.append(text)
        if self.answer:
            req = json.loads(text)
            reply = {'type': 'reply', 'id': req['id'], 'cmd': req['cmd'], 'ok': True,
                     'result': {'echo': req.get('arg')}}
            threading.Timer(0.01, self.client_ref[0].on_reply, args=(reply,)).start()
        return True


def test_command_client_correlates_concurrent_calls():
    ref = []
    device = FakeDevice(ref)
    client = CommandClient(lambda: ('websocket', device.send), lambda: 'tok')
    ref.append(client)
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        replies = list(pool.map(lambda i: client.call('quality', i, 2.0), range(20)))
    assert [r.result['echo'] for r in replies] == list(range(20))
    assert all(json.loads(t)['token'] == 'tok' for t in device.sent)


def test_command_client_never_hangs():
    ref = []
    device = FakeDevice(ref, answer=False)
    client = CommandClient(lambda: ('serial', device.send), lambda: 'tok')
    ref.append(client)
    reply = client.call('stop', timeout=0.2)
    assert not reply.ok and reply.error == NOT_CONFIRMED and 'did not confirm' in reply.message
    assert 'token' not in json.loads(device.sent[0])  # serial is trusted: no token sent
    none = CommandClient(lambda: (None, 'no link'), lambda: '')
    assert none.call('stop').error == NO_TRANSPORT
    assert not client.on_reply({'id': 'r999'})


def test_ping_format():
    assert protocol.format_ping('123') == 'PING 123'
    assert protocol.parse_ping('PING 123') == '123' and protocol.parse_ping('PING') == ''
    assert protocol.parse_ping('PING bad token!') is None
    with pytest.raises(ValueError):
        protocol.format_ping('x' * 40)


def test_package_files_are_installed_by_setup():
    import ast
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    tree = ast.parse(open(os.path.join(root, 'setup.py')).read())
    names = {n.value for n in ast.walk(tree) if isinstance(n, ast.Constant)
             and isinstance(n.value, str)}
    for entry in ('camera_node = esp32_drone_camera.camera_node:main',
                  'emulator = esp32_drone_camera.emulator.__main__:main',
                  'flash = esp32_drone_camera.flash:main'):
        assert entry in names
    assert os.path.isfile(os.path.join(root, 'resource', 'esp32_drone_camera'))


def test_capture_log_round_trip(tmp_path):
    from esp32_drone_camera.emulator import capture_log
    path = tmp_path / 'capture.log'
    path.write_text(capture_log.client_line(1, 'esp32_drone_camera')
                    + capture_log.capture_line(7, 1_000) + capture_log.skip_line(7, 1)
                    + capture_log.client_line(2, 'Python/3.11  websockets/17.4')
                    + capture_log.capture_line(8, 2_000) + '9 3')  # the last line: cut short
    log = capture_log.read(str(path))
    assert log.captures == {7: 1_000, 8: 2_000}
    assert log.skips == {1: {7}}
    assert log.clients == {1: 'esp32_drone_camera', 2: 'Python/3.11 websockets/17.4'}


def test_pre_serialised_image_deserialises_to_the_message():
    from esp32_drone_camera import cdr
    from rclpy.serialization import deserialize_message
    from sensor_msgs.msg import CompressedImage
    template = CompressedImage(format='jpeg')
    template.header.frame_id = 'camera_optical_frame'
    prefix = cdr.image_prefix(template)
    cdr.set_stamp(prefix, 1_700_000_000, 123_456_789)
    msg = deserialize_message(cdr.image(prefix, b'\xff\xd8jpeg\xff\xd9'), CompressedImage)
    assert (msg.header.stamp.sec, msg.header.stamp.nanosec) == (1_700_000_000, 123_456_789)
    assert msg.header.frame_id == 'camera_optical_frame' and msg.format == 'jpeg'
    assert bytes(msg.data) == b'\xff\xd8jpeg\xff\xd9'
