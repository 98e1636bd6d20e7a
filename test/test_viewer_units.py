"""The viewer's ROS-free parts alone: topic names, CDR slicing, MJPEG framing, slots, server."""

import http.client
import os
import socket
import threading
import time

from esp32_drone_camera.viewer import cdr_image, mjpeg
from esp32_drone_camera.viewer import server as server_module
from esp32_drone_camera.viewer.diagnostics_board import DiagnosticsBoard, MAX_STATUSES, Status
from esp32_drone_camera.viewer.hub import Hub, HubClosed
from esp32_drone_camera.viewer.server import (Backend, page_path, peer_gone, send_parts,
                                              ViewerServer)
from esp32_drone_camera.viewer.slot import Slot
from esp32_drone_camera.viewer.topics import (base_name, check_name, image_topics,
                                              RequestError, resolve)
import pytest

CI = 'sensor_msgs/msg/CompressedImage'
GRAPH = {
    '/camera/image_raw/compressed': [CI],
    '/camera/image_raw': ['sensor_msgs/msg/Image'],
    '/camera/camera_info': ['sensor_msgs/msg/CameraInfo'],
    '/other/jpeg': [CI],
    '/diagnostics': ['diagnostic_msgs/msg/DiagnosticArray'],
}
JPEG = b'\xff\xd8' + bytes(range(256)) * 10 + b'\xff\xd9'


# --- topic names ------------------------------------------------------------------------------

@pytest.mark.parametrize('requested,topic', [
    ('/camera/image_raw', '/camera/image_raw/compressed'),
    ('/camera/image_raw/compressed', '/camera/image_raw/compressed'),
    ('camera/image_raw', '/camera/image_raw/compressed'),  # relative: taken as global
    ('/other/jpeg', '/other/jpeg'),
])
def test_resolve_base_and_full_names(requested, topic):
    assert resolve(requested, GRAPH) == topic


@pytest.mark.parametrize('requested,status,text', [
    ('', 400, 'missing parameter: topic'),
    ('/camera/../etc/passwd', 400, 'invalid topic name'),
    ('/camera//image_raw', 400, 'invalid topic name'),
    ('/camera/image raw', 400, 'invalid topic name'),
    ('/camera/%2e%2e', 400, 'invalid topic name'),
    ('/9lives', 400, 'invalid topic name'),
    ('/a' * 200, 400, 'longer than'),
    ('/camera/camera_info', 400, 'is sensor_msgs/msg/CameraInfo, not ' + CI),
    ('/diagnostics', 400, 'is diagnostic_msgs/msg/DiagnosticArray'),
    ('/nope', 404, 'no such topic: /nope (nor /nope/compressed)'),
])
def test_resolve_refuses_with_status_and_one_line(requested, status, text):
    with pytest.raises(RequestError) as err:
        resolve(requested, GRAPH)
    assert err.value.status == status
    assert text in str(err.value) and '\n' not in str(err.value)


def test_names_helpers():
    assert check_name('a/b') == '/a/b'
    assert base_name('/camera/image_raw/compressed') == '/camera/image_raw'
    assert base_name('/other/jpeg') == '/other/jpeg'
    assert image_topics(GRAPH) == ['/camera/image_raw/compressed', '/other/jpeg']


# --- CDR slicing ------------------------------------------------------------------------------

def _serialised(frame_id, fmt, data, sec=12, nanosec=345):
    from rclpy.serialization import serialize_message
    from sensor_msgs.msg import CompressedImage
    msg = CompressedImage(format=fmt, data=data)
    msg.header.frame_id = frame_id
    msg.header.stamp.sec, msg.header.stamp.nanosec = sec, nanosec
    return serialize_message(msg)


@pytest.mark.parametrize('frame_id', ['', 'a', 'ab', 'abc', 'abcd', 'camera_optical_frame'])
@pytest.mark.parametrize('fmt', ['', 'jpeg', 'png', 'rgb8; jpeg compressed bgr8'])
def test_parse_matches_rclpy_serialisation_at_every_alignment(frame_id, fmt):
    image = cdr_image.parse(_serialised(frame_id, fmt, JPEG, -3, 999_999_999))
    assert (image.sec, image.nanosec, image.format) == (-3, 999_999_999, fmt)
    assert bytes(image.data) == JPEG
    assert cdr_image.is_jpeg(image)


def test_parse_big_endian_and_refusals():
    raw = bytearray(_serialised('f', 'jpeg', JPEG))
    with pytest.raises(ValueError, match='truncated'):
        cdr_image.parse(bytes(raw[:-1]))
    with pytest.raises(ValueError, match='encapsulation'):
        cdr_image.parse(b'\x00\x09' + bytes(raw[2:]))
    with pytest.raises(ValueError, match='too short'):
        cdr_image.parse(b'\x00\x01\x00\x00')
    huge = bytearray(raw)
    huge[12:16] = (2 ** 32 - 1).to_bytes(4, 'little')  # frame_id length past the end
    with pytest.raises(ValueError, match='truncated'):
        cdr_image.parse(bytes(huge))
    # The same message in big-endian CDR.
    be = b'\x00\x00\x00\x00' + (7).to_bytes(4, 'big') + (8).to_bytes(4, 'big')
    be += (2).to_bytes(4, 'big') + b'f\0' + b'\0\0' + (5).to_bytes(4, 'big') + b'jpeg\0'
    be += b'\0\0\0' + len(JPEG).to_bytes(4, 'big') + JPEG
    image = cdr_image.parse(be)
    assert (image.sec, image.nanosec, image.format, bytes(image.data)) == (7, 8, 'jpeg', JPEG)
    assert not cdr_image.is_jpeg(cdr_image.parse(_serialised('f', 'png', b'\x89PNG')))


# --- MJPEG framing ----------------------------------------------------------------------------

def test_part_header_is_web_video_server_framing():
    assert mjpeg.CONTENT_TYPE == 'multipart/x-mixed-replace; boundary=boundarydonotcross'
    assert mjpeg.part_header(1234, 5, 6) == (
        b'--boundarydonotcross\r\nContent-Type: image/jpeg\r\nContent-Length: 1234\r\n'
        b'X-Timestamp: 5.000000006\r\n\r\n')
    assert mjpeg.PART_END == b'\r\n'


# --- latest-frame slot ------------------------------------------------------------------------

def test_slot_hands_out_only_the_newest_frame():
    slot = Slot()
    assert slot.wait_newer(0, 0.01) is None
    for i in range(5):
        slot.put(memoryview(b'%d' % i), i, 0)
    frame = slot.wait_newer(0, 0.01)
    assert (frame.seq, bytes(frame.data)) == (5, b'4')  # 1-4 were skipped, never queued
    assert slot.wait_newer(5, 0.01) is None


def test_slot_wakes_waiters_on_put_and_close():
    slot = Slot()
    got = []
    waiters = [threading.Thread(target=lambda: got.append(slot.wait_newer(0, 5)))
               for _ in range(3)]
    for t in waiters:
        t.start()
    time.sleep(0.05)
    slot.put(memoryview(b'x'), 1, 2)
    for t in waiters:
        t.join(2)
    assert [f.seq for f in got] == [1, 1, 1]
    started = time.monotonic()
    closer = threading.Timer(0.05, slot.close)
    closer.start()
    assert slot.wait_newer(1, 5) is None and slot.closed
    assert time.monotonic() - started < 1


def test_slot_stats():
    now = [100.0]
    slot = Slot(clock=lambda: now[0], wall_clock=lambda: 50.25)
    assert slot.stats() == {'frames': 0, 'fps': 0.0, 'age_s': None, 'latency_ms': None,
                            'bytes': None}
    for i in range(11):
        now[0] = 100.0 + i * 0.05
        slot.put(memoryview(b'abc'), 50, 200_000_000)
    now[0] += 0.1
    stats = slot.stats()
    assert stats['fps'] == pytest.approx(20.0)
    assert stats['age_s'] == pytest.approx(0.1)
    assert stats['latency_ms'] == pytest.approx(50.0)
    assert (stats['frames'], stats['bytes']) == (11, 3)
    now[0] += 5  # no frames for longer than the window
    assert slot.stats()['fps'] == 0.0


# --- hub --------------------------------------------------------------------------------------

def test_hub_watches_and_tells_when_the_set_changes():
    changes = []
    hub = Hub(on_change=lambda: changes.append(hub.watched()))
    with hub.watch('/a') as (slot_a, client):
        with hub.watch('/a') as (slot_a2, _):
            assert slot_a2 is slot_a
        with hub.watch('/b'):
            pass
        hub.deliver('/a', _serialised('f', 'jpeg', JPEG, 1, 2))
        frame = slot_a.wait_newer(0, 1)
        assert bytes(frame.data) == JPEG and (frame.sec, frame.nanosec) == (1, 2)
        client.sent_frame(frame.seq, 0)
        assert hub.stats('/a')['clients'][0]['sent'] == 1
    assert changes == [{'/a'}, {'/a', '/b'}, {'/a'}, set()]
    hub.deliver('/a', _serialised('f', 'jpeg', JPEG))  # nobody watches: dropped quietly
    with hub.watch('/a') as (slot, _):
        assert slot is not slot_a and slot.latest() is None  # no frame of an old session
    assert hub.stats('/a') is None


def test_hub_counts_bad_and_non_jpeg_frames():
    hub = Hub(on_change=lambda: None)
    with hub.watch('/a') as (slot, _):
        hub.deliver('/a', b'\x00\x01\x00\x00garbage')
        hub.deliver('/a', _serialised('f', 'png', b'\x89PNG\r\n'))
        stats = hub.stats('/a')
        assert (stats['malformed'], stats['not_jpeg'], stats['format']) == (1, 1, 'png')
        assert slot.latest() is None


def test_hub_close_wakes_clients_and_refuses_new_ones():
    hub = Hub(on_change=lambda: None)
    with hub.watch('/a') as (slot, _):
        hub.close()
        assert slot.wait_newer(0, 5) is None
    with pytest.raises(HubClosed):
        with hub.watch('/a'):
            pass


def test_client_counts_skipped_frames():
    hub = Hub(on_change=lambda: None)
    with hub.watch('/a') as (_, client):
        client.sent_frame(3, 0)
        client.sent_frame(7, 3)
        assert (client.sent, client.skipped) == (2, 3)


# --- diagnostics board ------------------------------------------------------------------------

def test_board_keeps_the_latest_status_per_name_within_a_bound():
    now = [10.0]
    board = DiagnosticsBoard(clock=lambda: now[0])
    board.update([Status('b', 0, 'ok', 'hw', {}), Status('a', 2, 'down', 'hw', {'k': 'v'})])
    now[0] = 11.5
    board.update([Status('b', 1, 'slow', 'hw', {})])
    assert [(s['name'], s['level_name'], s['message'], s['age_s'])
            for s in board.as_list()] == [('a', 'ERROR', 'down', 1.5), ('b', 'WARN', 'slow', 0)]
    board.update(Status(f'n{i}', 0, '', '', {}) for i in range(2 * MAX_STATUSES))
    assert len(board.as_list()) == MAX_STATUSES


# --- socket helpers ---------------------------------------------------------------------------

def test_send_parts_resumes_partial_sends_and_copies_nothing():
    a, b = socket.socketpair()
    a.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4096)
    big = os.urandom(300_000)
    received = bytearray()

    def read():
        while len(received) < len(big) + 6:
            received.extend(b.recv(65536))
    reader = threading.Thread(target=read)
    reader.start()
    send_parts(a, [b'abc', memoryview(big), b'', b'def'])
    reader.join(5)
    assert bytes(received) == b'abc' + big + b'def'
    assert not peer_gone(a)
    b.close()
    assert peer_gone(a)
    a.close()


def test_page_is_found_in_the_checkout_or_the_share_directory(tmp_path, monkeypatch):
    assert page_path().endswith(os.path.join('viewer', 'static', 'index.html'))
    share = tmp_path / 'share' / 'esp32_drone_camera' / 'viewer'
    share.mkdir(parents=True)
    index = tmp_path / 'share' / 'ament_index' / 'resource_index' / 'packages'
    index.mkdir(parents=True)
    (index / 'esp32_drone_camera').touch()
    monkeypatch.setenv('AMENT_PREFIX_PATH', str(tmp_path))
    monkeypatch.setattr(server_module, 'STATIC_DIR', str(tmp_path / 'none'))  # as colcon
    assert page_path() == str(share / 'index.html')


# --- HTTP server, with a graph in place of ROS ------------------------------------------------

class _Backend(Backend):
    def __init__(self):
        self.hub = Hub(on_change=lambda: None)

    def graph(self):
        return GRAPH

    def diagnostics(self):
        return [{'name': 'x', 'level': 0}]


@pytest.fixture
def server():
    srv = ViewerServer('127.0.0.1', 0, _Backend(), b'<html>page</html>', max_clients=3,
                       client_timeout=2.0, log_error=pytest.fail)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield srv
    srv.backend.hub.close()
    srv.shutdown()
    srv.server_close()


def _get(server, path):
    conn = http.client.HTTPConnection('127.0.0.1', server.server_address[1], timeout=5)
    conn.request('GET', path)
    resp = conn.getresponse()
    return conn, resp


@pytest.mark.parametrize('path,status', [
    ('/stream', 400), ('/snapshot?topic=', 400), ('/stream?topic=/nope', 404),
    ('/stream?topic=/camera/camera_info', 400), ('/stream?topic=/camera/image_raw&type=vp8', 400),
    ('/stream?topic=/camera/../../etc/passwd', 400), ('/../etc/passwd', 404),
    ('/static/../../etc/passwd', 404), ('/nope', 404),
])
def test_server_refuses_bad_requests_with_one_line(server, path, status):
    conn, resp = _get(server, path)
    body = resp.read().decode()
    assert resp.status == status
    assert resp.getheader('Content-Type') == 'text/plain; charset=utf-8'
    assert body.endswith('\n') and body.count('\n') == 1
    conn.close()


def test_server_streams_latest_frames_framed_as_mjpeg(server):
    conn, resp = _get(server, '/stream?topic=/camera/image_raw')
    assert resp.status == 200
    assert resp.getheader('Content-Type') == mjpeg.CONTENT_TYPE
    hub = server.backend.hub
    assert hub.watched() == {'/camera/image_raw/compressed'}
    for i in range(3):
        hub.deliver('/camera/image_raw/compressed', _serialised('f', 'jpeg', JPEG + b'%d' % i,
                                                                i, 7))
        headers, data = mjpeg.read_part(resp)
        assert data == JPEG + b'%d' % i
        assert headers == {'content-type': 'image/jpeg', 'content-length': str(len(data)),
                           'x-timestamp': f'{i}.000000007'}
    resp.close()
    conn.close()
    assert _wait(lambda: not hub.watched())


def test_server_snapshot_api_and_page(server):
    hub = server.backend.hub
    threading.Timer(0.2, lambda: hub.deliver('/other/jpeg',
                                             _serialised('f', 'jpeg', JPEG, 3, 4))).start()
    conn, resp = _get(server, '/snapshot?topic=/other/jpeg')
    assert (resp.status, resp.getheader('Content-Type'), resp.read()) == (200, 'image/jpeg',
                                                                          JPEG)
    assert resp.getheader('X-Timestamp') == '3.000000004'
    conn.request('GET', '/api/topics')  # the same connection: keep-alive
    topics = __import__('json').loads(conn.getresponse().read())['topics']
    assert [(t['topic'], t['watched']) for t in topics] == [('/camera/image_raw', False),
                                                            ('/other/jpeg', False)]
    conn.request('GET', '/')
    assert conn.getresponse().read() == b'<html>page</html>'
    conn.close()


def test_server_bounds_its_clients(server):
    streams = [_get(server, '/stream?topic=/other/jpeg') for _ in range(3)]
    conn, resp = _get(server, '/')
    assert resp.status == 503 and 'too many clients' in resp.read().decode()
    for c, r in streams:
        r.close()
        c.close()
    assert _wait(lambda: _get(server, '/')[1].status == 200)


def test_server_drops_a_client_that_stalls_past_the_timeout(server):
    sock = socket.create_connection(('127.0.0.1', server.server_address[1]))
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.sendall(b'GET /stream?topic=/other/jpeg HTTP/1.1\r\nHost: x\r\n\r\n')
    hub = server.backend.hub
    assert _wait(lambda: hub.watched() == {'/other/jpeg'})
    big = _serialised('f', 'jpeg', JPEG * 100)
    started = time.monotonic()
    while hub.watched() and time.monotonic() - started < 10:
        hub.deliver('/other/jpeg', big)  # nobody reads: the send blocks, then times out
        time.sleep(0.05)
    assert not hub.watched()
    assert 1.5 < time.monotonic() - started < 6  # client_timeout is 2 s
    sock.close()


def _wait(predicate, timeout=5.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return predicate()
