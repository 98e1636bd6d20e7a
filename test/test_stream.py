"""The camera node and the emulator in separate processes, over real DDS."""

import asyncio
import io
import signal
import time

from camera_testkit.processes import CameraNode, Emulator, wait_for
from esp32_drone_camera import frames
from PIL import Image
import pytest
from websockets.asyncio.client import connect

pytestmark = pytest.mark.ros
OK, WARN, ERROR = 0, 1, 2


def direct_frames(url, count, timeout=10.0):
    """Frames as a plain WebSocket client receives them (the README's Python client)."""
    async def run():
        got = {}
        async with connect(url, compression=None, max_size=None) as ws:
            deadline = time.monotonic() + timeout
            while len(got) < count and time.monotonic() < deadline:
                msg = await asyncio.wait_for(ws.recv(), timeout)
                if isinstance(msg, bytes):
                    got[frames.read_metadata(msg).seq] = msg
        return got
    return asyncio.run(run())


def assert_valid_jpeg(data):
    assert frames.validate(data, 1 << 20) == frames.OK
    Image.open(io.BytesIO(data)).load()  # decodes completely, or raises


def test_every_frame_byte_exact_at_rate_with_camera_info_and_diagnostics(probe, procs):
    emu = Emulator('--fps', '20')
    procs.append(emu)
    procs.append(CameraNode(emu.url, frame_id='cam_optical'))
    assert probe.wait_frames(1, 15), 'no frame within 15 s'
    start_count, t0 = probe.frame_count(), time.monotonic()
    reference = direct_frames(emu.url, 30)
    assert probe.wait_frames(start_count + 60, 10)
    rate = (probe.frame_count() - start_count) / (time.monotonic() - t0)
    assert 16.0 <= rate <= 24.0, rate
    images = list(probe.images)
    seqs = [frames.read_metadata(img[0]).seq for img in images]
    assert seqs == list(range(seqs[0], seqs[0] + len(seqs))), 'frames were lost'
    by_seq = {frames.read_metadata(img[0]).seq: img[0] for img in images}
    common = set(by_seq) & set(reference)
    assert len(common) >= 20
    assert all(by_seq[s] == reference[s] for s in common), 'published bytes differ'
    for data, stamp, frame_id, fmt, _ in images[-5:]:
        assert fmt == 'jpeg' and frame_id == 'cam_optical'
        assert_valid_jpeg(data)
    # camera_info: same stamp and frame_id as the image it belongs to.
    assert wait_for(lambda: len(probe.infos) >= 10, 5)
    image_stamps = {img[1] for img in images}
    info = probe.infos[-3]
    assert info.header.frame_id == 'cam_optical' and info.width == 640 and info.height == 480
    assert info.header.stamp.sec * 1_000_000_000 + info.header.stamp.nanosec in image_stamps
    assert info.k[0] > 0 and info.distortion_model == 'plumb_bob'
    assert probe.wait_diag('image_raw/compressed topic status', lambda d: d[0] == OK, 10)
    level, message, values, hw = probe.diag('connection')
    assert level == OK and values['Protocol'] == '2' and hw.startswith('esp32s3-ov2640@')
    assert probe.wait_diag('link', lambda d: d[0] == OK and d[2]['Round-trip time (ms)'] != 'n/a')
    assert probe.wait_diag('device', lambda d: d[2]['Device heap'] == '180000')


def test_bad_input_is_counted_and_never_published(probe, procs):
    emu = Emulator('--faults', 'truncated,garbage,oversize,badjson', '--fault-interval', '3',
                   '--fps', '30')
    procs.append(emu)
    procs.append(CameraNode(emu.url))

    def counted(d):
        v = d[2]
        return all(int(v[f'Rejected: {r}']) > 0 for r in ('no_eoi', 'no_soi', 'too_large')) \
            and int(v['Malformed text messages']) > 0 and int(v['Unknown text messages']) > 0
    assert probe.wait_diag('frames', counted, 20), probe.diag('frames')
    assert probe.diag('frames')[0] == WARN
    assert probe.wait_frames(probe.frame_count() + 20, 10), 'good frames must keep flowing'
    for data, *_ in list(probe.images):
        assert_valid_jpeg(data)
        assert len(data) < 262144


def test_recovers_from_emulator_death_and_from_a_stall(probe, procs):
    emu = Emulator()
    procs.append(emu)
    procs.append(CameraNode(emu.url, stale_timeout=1.0, reconnect_max=1.0))
    assert probe.wait_frames(10, 15)
    emu.proc.kill()  # abrupt: no close handshake, like a brown-out
    emu.proc.wait()
    assert probe.wait_diag('connection', lambda d: d[0] == ERROR, 5), probe.diag('connection')
    count = probe.frame_count()
    emu2 = Emulator('--stall-after', '3', '--stall-for', '4', port=emu.port)
    procs.append(emu2)
    restarted = time.monotonic()
    assert probe.wait_frames(count + 5, 10), 'frames did not resume after restart'
    assert time.monotonic() - restarted < 5
    assert probe.wait_diag('connection', lambda d: d[0] == OK, 5)
    # The stall: TCP open, nothing sent. Diagnostics say so, then the stream recovers.
    assert probe.wait_diag('connection', lambda d: d[0] == ERROR and 'stalled' in d[1]
                           and int(d[2]['Stalls detected']) >= 1, 10), probe.diag('connection')
    assert probe.wait_diag('image_raw/compressed topic status', lambda d: d[0] != OK, 5)
    stalled_at = time.monotonic()
    count = probe.frame_count()
    assert probe.wait_frames(count + 10, 15), 'frames did not resume after the stall'
    assert time.monotonic() - stalled_at > 1.0, 'frames never stopped'
    assert probe.wait_diag('connection', lambda d: d[0] == OK, 5)


def test_fourth_client_is_refused_and_node_says_why(probe, procs):
    emu = Emulator()
    procs.append(emu)

    async def hold(stop):
        conns = [await connect(emu.url, compression=None) for _ in range(3)]
        while not stop():
            await asyncio.sleep(0.1)
        for c in conns:
            await c.close()
    import threading
    release = threading.Event()
    holder = threading.Thread(target=lambda: asyncio.run(hold(release.is_set)), daemon=True)
    holder.start()
    time.sleep(1.0)
    procs.append(CameraNode(emu.url, reconnect_max=2.0))
    try:
        assert probe.wait_diag('connection', lambda d: d[0] == ERROR and 'device full' in d[1]
                               and 'max clients (3) reached' in d[1], 15), \
            probe.diag('connection')
        assert probe.frame_count() == 0
        # The node backs off (no tight loop): the emulator counted few refusals.
        time.sleep(3)
    finally:
        release.set()
        holder.join(5)
    assert probe.wait_frames(5, 10), 'node did not connect once a slot was free'


@pytest.mark.parametrize('sig', [signal.SIGINT, signal.SIGTERM], ids=['SIGINT', 'SIGTERM'])
def test_clean_shutdown(probe, procs, sig):
    emu = Emulator()
    procs.append(emu)
    node = CameraNode(emu.url)
    procs.append(node)
    assert probe.wait_frames(5, 15)
    t0 = time.monotonic()
    node.signal(sig)
    code = node.proc.wait(5)
    elapsed = time.monotonic() - t0
    assert elapsed < 1.0, f'took {elapsed:.2f} s to stop'
    assert code == 0, node.output
    assert 'Traceback' not in node.output, node.output


def test_emulator_serves_the_page_and_404():
    import urllib.error
    import urllib.request
    emu = Emulator()
    try:
        with urllib.request.urlopen(f'http://127.0.0.1:{emu.port}/', timeout=5) as r:
            assert r.status == 200 and r.read().lower().startswith(b'<!doctype html')
        with pytest.raises(urllib.error.HTTPError) as exc:
            urllib.request.urlopen(f'http://127.0.0.1:{emu.port}/nope', timeout=5)
        assert exc.value.code == 404
    finally:
        emu.stop()
