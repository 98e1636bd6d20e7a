"""
The viewer for real: emulator, camera node and viewer as processes over DDS, HTTP clients.

What is checked: the streamed and snapshot JPEGs are byte for byte the published
ones, the viewer subscribes only while someone watches, a stalled client slows
nobody, bad requests get their status and one line, and ``make run`` starts it all.
"""

import http.client
import os
import re
import signal
import socket
import subprocess
import threading
import time

from camera_testkit.processes import CameraNode, Emulator, free_port, Proc, PY, ROOT, wait_for
from esp32_drone_camera.viewer import mjpeg
import pytest

pytestmark = pytest.mark.ros

IMAGE_TOPIC = '/camera/image_raw/compressed'
VIEWER_NODE = 'esp32_drone_camera_viewer'


class Viewer(Proc):
    """``python -m esp32_drone_camera.viewer`` on a free port; ``port`` once it listens."""

    def __init__(self, **params):
        args = [PY, '-m', 'esp32_drone_camera.viewer', '--ros-args', '-p', 'port:=0']
        for name, value in params.items():
            args += ['-p', f'{name}:={value}']
        super().__init__(args)
        self.url = re.search(r'viewer at (\S+)', self.wait_line('viewer at ')).group(1)
        self.port = int(self.url.rstrip('/').rsplit(':', 1)[1])

    def get(self, path, timeout=10.0):
        """GET ``path`` as is; return (status, headers, body) (body unread for streams)."""
        conn = http.client.HTTPConnection('127.0.0.1', self.port, timeout=timeout)
        conn.request('GET', path)
        resp = conn.getresponse()
        if resp.getheader('Content-Type', '').startswith('multipart/'):
            return resp.status, resp, conn
        return resp.status, resp, resp.read()

    def stream(self, topic='/camera/image_raw', timeout=10.0):
        """Open an MJPEG stream; return (response, connection)."""
        status, resp, conn = self.get(f'/stream?topic={topic}', timeout)
        assert status == 200, status
        return resp, conn

    def wait_topic(self, name=IMAGE_TOPIC, timeout=15.0):
        """Wait until the viewer's graph lists ``name``."""
        assert wait_for(lambda: name.encode() in self.get('/api/topics')[2], timeout)

    def topic_stats(self, name=IMAGE_TOPIC):
        """Return /api/topics' entry of ``name``."""
        import json
        _, _, body = self.get('/api/topics')
        return next(t for t in json.loads(body)['topics'] if t['name'] == name)


@pytest.fixture(scope='module')
def camera():
    """Start an emulator and a camera node, shared by the module's tests."""
    emulator = Emulator('--pre-encoded', '8')
    node = CameraNode(emulator.url)
    node.wait_line('streaming from')
    yield emulator, node
    node.stop()
    emulator.stop()


@pytest.fixture(scope='module')
def viewer(camera):
    """Start a viewer with default parameters (port 0)."""
    v = Viewer()
    v.wait_topic()
    yield v
    assert v.stop() == 0, v.output


def viewer_subscriptions(probe):
    """How many subscriptions the viewer has on the image topic."""
    return sum(1 for info in probe.node.get_subscriptions_info_by_topic(IMAGE_TOPIC)
               if info.node_name == VIEWER_NODE)


def read_parts(resp, n):
    """Read ``n`` parts of a stream; return [(headers, jpeg)]."""
    parts = []
    for _ in range(n):
        part = mjpeg.read_part(resp)
        assert part is not None, 'stream ended'
        parts.append(part)
    return parts


@pytest.mark.parametrize('path,status,text', [
    ('/stream', 400, 'missing parameter: topic'),
    ('/snapshot?topic=', 400, 'missing parameter: topic'),
    ('/stream?topic=/camera/nope', 404, 'no such topic: /camera/nope'),
    ('/snapshot?topic=/diagnostics', 400, 'is diagnostic_msgs/msg/DiagnosticArray, not'),
    ('/stream?topic=/camera/camera_info', 400, 'is sensor_msgs/msg/CameraInfo, not'),
    ('/stream?topic=/camera/../../etc/passwd', 400, 'invalid topic name'),
    ('/stream?topic=%2Fcamera%2F..%2Fimage_raw', 400, 'invalid topic name'),
    ('/stream?topic=/camera/image_raw&type=vp8', 400, 'unsupported type'),
    ('/../../etc/passwd', 404, 'unknown path'),
    ('/static/%2e%2e/%2e%2e/setup.py', 404, 'unknown path'),
    ('/stream_viewer', 404, 'unknown path'),
])
def test_bad_requests_get_their_status_and_one_line(viewer, path, status, text):
    got, resp, body = viewer.get(path)
    assert got == status
    assert resp.getheader('Content-Type') == 'text/plain; charset=utf-8'
    body = body.decode()
    assert text in body and body.endswith('\n') and body.count('\n') == 1, body


def test_stream_parts_are_the_published_frames_byte_for_byte(viewer, probe):
    assert probe.wait_frames(5)
    resp, conn = viewer.stream('/camera/image_raw')
    assert resp.getheader('Content-Type') == mjpeg.CONTENT_TYPE
    parts = read_parts(resp, 40)
    resp.close()
    conn.close()
    time.sleep(0.5)  # the probe's copy of the last part
    with probe._lock:
        published = {data: stamp for data, stamp, *_ in probe.images}
        order = {data: i for i, (data, *_) in enumerate(probe.images)}
    for headers, jpeg in parts:
        assert jpeg in published, f'part {headers} is no published frame'
        sec, nsec = headers['x-timestamp'].split('.')
        assert int(sec) * 10**9 + int(nsec) == published[jpeg]
        assert headers['content-type'] == 'image/jpeg'
    # In publishing order, each once (stamps may step back a little as the clock sync
    # refines its offset, so the order is the probe's).
    indices = [order[jpeg] for _, jpeg in parts]
    assert indices == sorted(set(indices)), indices
    assert jpeg.startswith(b'\xff\xd8') and jpeg.endswith(b'\xff\xd9')


def test_full_compressed_name_and_snapshot_serve_published_frames(viewer, probe):
    assert probe.wait_frames(5)
    resp, conn = viewer.stream(IMAGE_TOPIC)
    [(_, streamed)] = read_parts(resp, 1)
    resp.close()
    conn.close()
    status, resp, snapshot = viewer.get('/snapshot?topic=/camera/image_raw')
    assert status == 200 and resp.getheader('Content-Type') == 'image/jpeg'
    time.sleep(0.5)
    with probe._lock:
        published = {data for data, *_ in probe.images}
    assert streamed in published and snapshot in published


def test_subscribes_only_while_someone_watches(viewer, probe):
    assert wait_for(lambda: viewer_subscriptions(probe) == 0, 5)
    first = viewer.stream()
    read_parts(first[0], 1)
    second = viewer.stream(IMAGE_TOPIC)
    read_parts(second[0], 1)
    assert wait_for(lambda: viewer_subscriptions(probe) == 1, 5)  # one per topic
    assert viewer.topic_stats()['watched']
    for resp, conn in (first, second):
        resp.close()
        conn.close()
    assert wait_for(lambda: viewer_subscriptions(probe) == 0, 5)
    assert not viewer.topic_stats()['watched']


def test_a_stalled_client_does_not_slow_the_node_or_other_clients(camera, probe):
    viewer = Viewer(client_timeout=6.0)
    try:
        viewer.wait_topic()
        stalled = socket.create_connection(('127.0.0.1', viewer.port))
        stalled.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        stalled.sendall(b'GET /stream?topic=/camera/image_raw HTTP/1.1\r\nHost: x\r\n\r\n')

        def stalled_sent():
            clients = viewer.topic_stats().get('clients', [])
            return clients[0]['sent'] if clients else None
        # It stops reading: its send blocks once the small socket buffers are full.
        assert wait_for(lambda: stalled_sent() is not None, 10)
        previous = [-1]

        def blocked():
            sent, previous[0] = stalled_sent(), stalled_sent()
            time.sleep(0.5)
            return sent == previous[0] == stalled_sent()
        assert wait_for(blocked, 10)
        blocked_at = time.monotonic()
        resp, conn = viewer.stream()
        read_parts(resp, 3)
        start_probe, start = probe.frame_count(), time.monotonic()
        served = len(read_parts(resp, 60))
        elapsed = time.monotonic() - start
        published = probe.frame_count() - start_probe
        assert time.monotonic() - blocked_at < 6.0  # all of it while the stall lasted
        assert published / elapsed > 17, f'node slowed to {published / elapsed:.1f} fps'
        assert served / elapsed > 0.9 * published / elapsed, (served, published, elapsed)
        stats = viewer.topic_stats()
        assert len(stats['clients']) == 2
        # client_timeout later the stalled client is dropped; the other one keeps going.
        assert wait_for(lambda: len(viewer.topic_stats()['clients']) == 1, 10)
        read_parts(resp, 5)
        resp.close()
        conn.close()
        stalled.close()
    finally:
        viewer.stop()


def test_parameter_mistakes_are_one_line():
    busy = socket.socket()
    busy.bind(('127.0.0.1', 0))
    busy.listen()
    try:
        out = subprocess.run(
            [PY, '-m', 'esp32_drone_camera.viewer', '--ros-args', '-p',
             f'port:={busy.getsockname()[1]}'], capture_output=True, text=True, timeout=30)
    finally:
        busy.close()
    assert out.returncode == 2
    assert re.search(r'viewer: cannot listen on address .127.0.0.1. port \d+: .*in use',
                     out.stderr), out.stderr
    for param, says in [('address:=not-a-host', 'cannot listen on address'),
                        ('port:=99999', 'port out of range'),
                        ('port:=http', "'port' to 'http' of type 'STRING', expecting type "
                                       "'INTEGER'")]:
        out = subprocess.run([PY, '-m', 'esp32_drone_camera.viewer', '--ros-args', '-p', param],
                             capture_output=True, text=True, timeout=30)
        assert out.returncode == 2, out.stderr
        [line] = out.stderr.splitlines()
        assert line.startswith('viewer: ') and says in line, line


def test_make_run_starts_the_viewer_and_prints_its_url():
    """scripts/run.sh (make run): emulator, node, viewer, status line; Ctrl-C stops all."""
    env = dict(os.environ, RUN_PORT=str(free_port()), VIEWER_PORT=str(free_port()))
    run = subprocess.Popen(['bash', 'scripts/run.sh', PY], cwd=ROOT, env=env,
                           stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, start_new_session=True)
    lines = []
    threading.Thread(target=lambda: lines.extend(iter(run.stdout.readline, b'')),
                     daemon=True).start()
    try:
        url = f'http://127.0.0.1:{env["VIEWER_PORT"]}/'
        assert wait_for(lambda: any(f'open {url}'.encode() in line for line in lines), 20), \
            lines
        conn = http.client.HTTPConnection('127.0.0.1', int(env['VIEWER_PORT']), timeout=10)

        def snapshot():
            try:
                conn.request('GET', '/snapshot?topic=/camera/image_raw')
                resp = conn.getresponse()
                return resp.status, resp.read()
            except OSError:  # not listening yet
                conn.close()
                return None, b''
        assert wait_for(lambda: snapshot()[0] == 200, 20), lines
        assert snapshot()[1].startswith(b'\xff\xd8')
        conn.close()
    finally:
        os.killpg(run.pid, signal.SIGINT)  # what Ctrl-C in the terminal does
        try:
            assert run.wait(15) in (0, 130)
        finally:
            if run.poll() is None:
                os.killpg(run.pid, signal.SIGKILL)
    children = subprocess.run(['pgrep', '-g', str(run.pid)], capture_output=True, text=True)
    assert children.stdout == '', 'make run left processes behind'
