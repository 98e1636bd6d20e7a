"""Services and parameters over WebSocket and serial, against the emulator (real DDS)."""

import concurrent.futures
import json
import os
import signal
import time

from camera_testkit.processes import CameraNode, Emulator, wait_for
from esp32_drone_camera import calibration
from esp32_drone_camera import frames
from esp32_drone_camera.emulator import capture_log
import pytest
from sensor_msgs.msg import CameraInfo
from sensor_msgs.srv import SetCameraInfo
from std_srvs.srv import SetBool, Trigger

pytestmark = pytest.mark.ros
TRANSPORTS = ['websocket', 'serial']


def start(procs, transport, *emu_args, **node_params):
    link = f'/tmp/esp32cam-test-{os.getpid()}-{time.monotonic_ns()}'
    emu = Emulator('--serial-link', link, *emu_args)
    procs.append(emu)
    node = CameraNode(emu.url, command_transport=transport, serial_port=link,
                      **node_params)
    procs.append(node)
    return emu, node, link


def trigger(probe, name, timeout=15.0):
    return probe.call(Trigger, f'~/{name}', timeout=timeout)


@pytest.mark.parametrize('transport', TRANSPORTS)
def test_every_trigger_service(probe, procs, transport):
    start(procs, transport)
    assert probe.wait_frames(3, 15)
    info = trigger(probe, 'get_info')
    assert info.success, info.message
    assert json.loads(info.message)['protocol'] == 2
    status = json.loads(trigger(probe, 'get_status').message)
    assert status['streaming'] is True and status['quality'] == 12
    stats = trigger(probe, 'get_stats')
    assert stats.success and json.loads(stats.message)['frames'] > 0
    assert trigger(probe, 'clear_stats').success
    assert json.loads(trigger(probe, 'get_stats').message)['frames'] < 10

    stop = trigger(probe, 'stop_stream')
    assert stop.success and json.loads(stop.message) == {'streaming': False}
    time.sleep(0.5)
    count = probe.frame_count()
    time.sleep(1.5)
    assert probe.frame_count() == count, 'frames kept coming after stop_stream'
    assert probe.wait_diag('image_raw/compressed topic status',
                           lambda d: d[1] == 'stream stopped on request', 5)
    assert trigger(probe, 'start_stream').success
    assert probe.wait_frames(count + 5, 5)

    reset = trigger(probe, 'reset_camera')
    assert reset.success and json.loads(reset.message) == {'resetting': True}
    count = probe.frame_count()
    assert probe.wait_frames(count + 5, 10), 'stream did not come back after reset'


@pytest.mark.parametrize('transport', TRANSPORTS)
def test_device_parameters(probe, procs, transport):
    start(procs, transport)
    assert probe.wait_frames(3, 15)
    small = sum(len(i[0]) for i in probe.images[-3:]) / 3
    result = probe.set_params(jpeg_quality=50)[0]
    assert result.successful, result.reason
    assert json.loads(trigger(probe, 'get_status').message)['quality'] == 50
    time.sleep(0.5)
    n = probe.frame_count()
    assert probe.wait_frames(n + 3, 5)
    assert sum(len(i[0]) for i in probe.images[-3:]) / 3 < small, 'quality had no effect'

    assert probe.set_params(frame_size='QVGA')[0].successful
    assert wait_for(lambda: probe.infos and probe.infos[-1].width == 320, 5)
    info = probe.infos[-1]
    assert info.height == 240 and info.k[0] == pytest.approx(492.8 / 2)
    assert frames.read_metadata(probe.images[-1][0]).frame_size == 3

    assert probe.set_params(target_fps=10)[0].successful
    time.sleep(1.0)
    n, t0 = probe.frame_count(), time.monotonic()
    time.sleep(2.0)
    rate = (probe.frame_count() - n) / (time.monotonic() - t0)
    assert 7 <= rate <= 13, rate

    refused = probe.set_params(jpeg_quality=64)[0]
    assert not refused.successful  # the range descriptor stops it before the device
    assert probe.get_params('jpeg_quality') == [50]
    bad = probe.set_params(frame_size='UXGA')[0]
    assert not bad.successful and "parameter frame_size: 'UXGA' is not allowed; allowed: one of " \
        'QQVGA' in bad.reason


def test_frame_size_with_other_aspect_is_flagged(probe, procs):
    start(procs, 'websocket')
    assert probe.wait_frames(3, 15)
    assert probe.set_params(frame_size='CIF')[0].successful
    assert probe.wait_diag('frames', lambda d: 'other aspect ratio' in d[1], 5), \
        probe.diag('frames')
    assert wait_for(lambda: probe.infos[-1].width == 400 and probe.infos[-1].k[0] == 0.0, 5)


def test_concurrent_service_calls_get_their_own_replies(probe, procs):
    start(procs, 'websocket')
    assert probe.wait_frames(3, 15)
    names = ['get_info', 'get_status', 'get_stats'] * 4
    with concurrent.futures.ThreadPoolExecutor(len(names)) as pool:
        replies = list(pool.map(lambda n: trigger(probe, n), names))
    for name, reply in zip(names, replies):
        assert reply.success, reply.message
        body = json.loads(reply.message)
        key = {'get_info': 'firmware', 'get_status': 'heap', 'get_stats': 'bytes_sent'}[name]
        assert key in body, (name, body)


def test_serial_unplug_and_replug(probe, procs):
    emu, node, link = start(procs, 'serial')
    assert probe.wait_frames(3, 15)
    assert trigger(probe, 'get_info').success
    emu.signal(signal.SIGUSR1)  # unplug: the pty closes, the symlink goes away
    assert probe.wait_diag('serial', lambda d: d[0] == 1, 5), probe.diag('serial')
    t0 = time.monotonic()
    gone = trigger(probe, 'get_info')
    assert not gone.success and time.monotonic() - t0 < 5
    assert 'serial port not open' in gone.message or 'did not confirm' in gone.message
    emu.signal(signal.SIGUSR1)  # replug: a new pty behind the same symlink
    assert probe.wait_diag('serial', lambda d: d[0] == 0, 5), probe.diag('serial')
    assert trigger(probe, 'get_info').success


def test_release_serial_for_the_flash_tool(probe, procs):
    emu, node, link = start(procs, 'serial')
    assert probe.wait_frames(1, 15)
    assert wait_for(lambda: probe.diag('serial') and probe.diag('serial')[0] == 0, 5)
    released = probe.call(SetBool, '~/release_serial', SetBool.Request(data=True))
    assert released.success
    assert probe.wait_diag('serial', lambda d: d[1] == 'released on request', 5)
    import serial
    with serial.Serial(link, 115200, timeout=1, exclusive=True) as port:  # we can own it
        port.write(b'info\n')
        assert port.readline()
    assert probe.call(SetBool, '~/release_serial', SetBool.Request(data=False)).success
    assert probe.wait_diag('serial', lambda d: d[1] == 'open', 5)


def test_stock_device_never_hangs_a_service(probe, procs):
    emu = Emulator('--legacy')
    procs.append(emu)
    procs.append(CameraNode(emu.url, command_timeout=1.0))
    assert probe.wait_frames(3, 15)
    assert probe.wait_diag('connection', lambda d: d[2]['Protocol'] == '1', 5)
    # No serial_port: the stock firmware takes no commands over WiFi, and the node says
    # so at once instead of waiting for a confirmation that cannot come.
    for name in ('get_info', 'stop_stream', 'reset_camera'):
        t0 = time.monotonic()
        reply = trigger(probe, name)
        assert not reply.success and 'only on its USB serial console' in reply.message
        assert time.monotonic() - t0 < 3
    refused = probe.set_params(jpeg_quality=20)[0]
    assert not refused.successful and 'only on its USB serial console' in refused.reason
    # PING/PONG still gives a round-trip time with the README's plain PING.
    assert probe.wait_diag('link', lambda d: d[2]['Round-trip time (ms)'] != 'n/a', 5)
    assert probe.diag('link')[2]['Timestamp source'] == 'arrival time'


def test_token_refusal_and_token_file(probe, procs, tmp_path):
    emu = Emulator('--token', 's3cret-T0ken')
    procs.append(emu)
    node = CameraNode(emu.url, command_transport='websocket')
    procs.append(node)
    assert probe.wait_frames(3, 15)  # viewers need no token
    reply = trigger(probe, 'stop_stream')
    assert not reply.success and reply.message.startswith('unauthorized')
    node.stop()
    procs.remove(node)
    token_file = tmp_path / 'token'
    token_file.write_text('s3cret-T0ken\n')
    node = CameraNode(emu.url, command_transport='websocket',
                      command_token_file=str(token_file))
    procs.append(node)
    assert wait_for(lambda: trigger(probe, 'get_info').success, 15)
    assert trigger(probe, 'stop_stream').success
    assert 's3cret-T0ken' not in node.output and 's3cret-T0ken' not in emu.output


def test_capture_stamps_match_true_capture_time(probe, procs, tmp_path):
    log = tmp_path / 'captures.log'
    emu = Emulator('--capture-latency-ms', '30', '--capture-log', str(log))
    procs.append(emu)
    procs.append(CameraNode(emu.url, ping_interval=0.2))
    assert probe.wait_diag('link', lambda d: d[2]['Timestamp source'] == 'device capture time',
                           15)
    time.sleep(1.5)  # a few more clock-sync samples
    start_n = probe.frame_count()
    assert probe.wait_frames(start_n + 40, 10)
    truth = capture_log.read(str(log)).captures
    errors = [abs(stamp - truth[frames.read_metadata(data).seq]) / 1e6
              for data, stamp, *_ in probe.images[start_n:]]
    errors.sort()
    p99 = errors[int(len(errors) * 0.99) - 1]
    assert p99 < 5.0, f'capture stamp error p99 {p99:.2f} ms'
    # Arrival stamps would be about 30 ms late: the capture time is really used.
    arrival_lag = [(recv - stamp) / 1e6 for _, stamp, _, _, recv in probe.images[start_n:]]
    assert sorted(arrival_lag)[len(arrival_lag) // 2] > 25


def test_set_camera_info_writes_the_calibration_file(probe, procs, tmp_path):
    path = tmp_path / 'calib' / 'cam.yaml'
    start(procs, 'websocket', camera_info_url=f'file://{path}')
    assert probe.wait_frames(3, 15)
    assert probe.wait_diag('frames', lambda d: 'no calibration' in d[2]['Calibration'], 5)
    request = SetCameraInfo.Request()
    request.camera_info = CameraInfo(width=640, height=480, distortion_model='plumb_bob',
                                     d=[0.1, -0.2, 0.0, 0.0, 0.0],
                                     k=[500.0, 0, 320, 0, 500, 240, 0, 0, 1],
                                     r=[1.0, 0, 0, 0, 1, 0, 0, 0, 1],
                                     p=[500.0, 0, 320, 0, 0, 500, 240, 0, 0, 0, 1, 0])
    reply = probe.call(SetCameraInfo, '~/set_camera_info', request)
    assert reply.success, reply.status_message
    saved = calibration.load(str(path))
    assert saved.k[0] == 500.0 and saved.d[0] == 0.1 and saved.camera_name == 'esp32_drone_camera'
    assert wait_for(lambda: probe.infos[-1].k[0] == 500.0, 5)


def test_serial_log_lines_and_low_memory_warning(probe, procs):
    emu, node, link = start(procs, 'serial', '--heap', '40000')
    assert probe.wait_diag('device', lambda d: 'Low memory detected: 40000 bytes' in d[1], 15), \
        probe.diag('device')
    assert probe.diag('device')[0] == 1
    assert wait_for(lambda: 'device: [WARNING] Low memory detected' in node.output, 5)
    assert '[WARN]' in next(line for line in node.lines if 'Low memory detected' in line)


README_CLIENT = """
import asyncio
import websockets
import numpy as np
from datetime import datetime

class ESP32CameraStream:
    def __init__(self, ip='192.168.4.1', port=8080):
        self.uri = f"ws://{ip}:{port}"
        self.frame_count = 0

    async def stream_handler(self):
        try:
            async with websockets.connect(self.uri) as websocket:
                print(f"Connected to ESP32-S3 camera at {self.uri}")

                while True:
                    # Receive binary frame data
                    frame_data = await websocket.recv()

                    if isinstance(frame_data, bytes):
                        # Convert to OpenCV image
                        nparr = np.frombuffer(frame_data, np.uint8)
                        frame = decode(nparr)

                        if frame is not None:
                            timestamp = datetime.now().strftime("%H:%M:%S.%f")[:-3]
                            self.frame_count += 1

                            if self.frame_count >= 25:
                                break

        except websockets.exceptions.ConnectionClosed:
            print("Connection lost. Attempting to reconnect...")
            await asyncio.sleep(3)
            await self.stream_handler()
        except Exception as e:
            print(f"Error: {e}")

    def start(self):
        asyncio.run(self.stream_handler())
"""


def test_readme_python_client_still_works(tmp_path):
    """The README's Python example, display calls swapped for counting and a decode."""
    emu = Emulator()
    try:
        namespace = {}
        exec(compile(README_CLIENT, 'readme_client', 'exec'), namespace)

        def decode(array):
            import io
            from PIL import Image
            return Image.open(io.BytesIO(array.tobytes())).convert('RGB')
        namespace['decode'] = decode
        client = namespace['ESP32CameraStream'](ip='127.0.0.1', port=emu.port)
        client.start()
        assert client.frame_count == 25
    finally:
        emu.stop()
