"""
Security basics: the command token, secrets, input size bounds, parameter ranges.

The token is enforced by the device and kept out of logs and ROS parameters; every
input has a size bound; parameters are range-checked before anything reaches the
device.
"""

import asyncio
import json
import os
import threading
import time

from camera_testkit.processes import CameraNode, Emulator, free_port, Proc, PY
from camera_testkit.reliability import record
from esp32_drone_camera import commands
from esp32_drone_camera.protocol import MAX_SERIAL_LINE, MAX_TEXT_BYTES
import psutil
import pytest
from rcl_interfaces.srv import ListParameters
import serial
from std_srvs.srv import Trigger
from websockets.asyncio.client import connect
from websockets.asyncio.server import serve
from websockets.exceptions import ConnectionClosed

pytestmark = pytest.mark.ros
TOKEN = 'Tk9-secret.value_42'
VALID_ARG = {'quality': 10, 'framesize': 'QVGA', 'fps': 10, 'verbose': 'on'}


async def exchange(ws, text, timeout=3.0):
    """Send ``text``; return the next reply (skipping frames, status and pongs)."""
    await ws.send(text)
    deadline = time.monotonic() + timeout
    while True:
        msg = await asyncio.wait_for(ws.recv(), max(0.01, deadline - time.monotonic()))
        if isinstance(msg, str) and (msg == 'PONG' or json.loads(msg).get('type') in
                                     ('reply', 'pong')):
            return msg


def test_token_is_required_for_every_command_but_not_for_ping_or_stream():
    emu = Emulator('--token', TOKEN, '--pre-encoded', '5')
    try:
        async def run():
            async with connect(emu.url, compression=None, max_size=None) as ws:
                welcome = json.loads(await ws.recv())
                assert welcome['auth'] is True
                for name in commands.CATALOGUE:  # reset and stop included
                    for token in (None, 'wrong', TOKEN[:-1], ''):
                        cmd = {'cmd': name, 'id': 'a'}
                        if name in VALID_ARG:
                            cmd['arg'] = VALID_ARG[name]
                        if token is not None:
                            cmd['token'] = token
                        reply = await exchange(ws, json.dumps(cmd))
                        assert json.loads(reply)['error'] == commands.UNAUTHORIZED, (cmd, reply)
                        assert TOKEN not in reply
                assert await exchange(ws, 'PING') == 'PONG'
                assert json.loads(await exchange(ws, 'PING 42'))['echo'] == '42'
                frames = 0
                deadline = time.monotonic() + 3
                while frames < 5 and time.monotonic() < deadline:  # stop/reset had no effect
                    frames += isinstance(await ws.recv(), bytes)
                assert frames >= 5, 'the stream must stay open without a token'
                good = json.loads(await exchange(ws, json.dumps(
                    {'cmd': 'info', 'token': TOKEN})))
                assert good['ok'] and TOKEN not in json.dumps(good)
        asyncio.run(run())
    finally:
        emu.stop()
    assert TOKEN not in emu.output


def node_proc(url, env, *params):
    """Start the camera node with debug logging (so anything it might log, it logs)."""
    args = [PY, '-m', 'esp32_drone_camera.camera_node', '--ros-args', '--log-level', 'debug',
            '-r', '__ns:=/camera', '-p', f'device_url:={url}']
    for p in params:
        args += ['-p', p]
    return Proc(args, env=env)


@pytest.mark.parametrize('source', ['env', 'file'])
def test_token_is_never_logged_nor_a_parameter(probe, procs, tmp_path, source):
    env = dict(os.environ, CAM_TOKEN=TOKEN)  # the emulator reads it from the env too
    emu = Proc([PY, '-m', 'esp32_drone_camera.emulator', '--port', str(free_port()),
                '--pre-encoded', '5'], env=env)
    procs.append(emu)
    url = emu.wait_line('EMULATOR READY').split()[2]
    params = []
    if source == 'file':
        token_file = tmp_path / 'token'
        token_file.write_text(TOKEN + '\n')
        token_file.chmod(0o600)
        params.append(f'command_token_file:={token_file}')
        env = {k: v for k, v in env.items() if k != 'CAM_TOKEN'}
    node = node_proc(url, env, *params)
    procs.append(node)
    assert probe.wait_frames(5, 20)
    info = probe.call(Trigger, '~/get_info')
    assert info.success, info.message  # the token reached the device
    assert probe.set_params(jpeg_quality=20)[0].successful
    names = probe.call(ListParameters, '~/list_parameters').result.names
    values = probe.get_params(*names)
    assert not any(TOKEN in str(v) for v in values), 'the token is readable over ROS'
    assert [n for n in names if 'token' in n] == ['command_token_file']
    time.sleep(1.0)
    assert TOKEN not in node.output, 'the node logged the token'
    assert TOKEN not in emu.output, 'the emulator logged the token'
    record(f'sec-token-{source}', f'command token from {source} (debug logging)',
           'CAM_TOKEN / command_token_file, node at --log-level debug, commands sent',
           'commands authorised; token in no log line and no ROS parameter',
           f'{len(names)} parameters checked; token absent from node and emulator output')


class Recorder:
    """A WebSocket proxy node -> device that records every text the node sends."""

    def __init__(self, upstream):
        self.upstream = upstream
        self.port = free_port()
        self.texts = []
        self._ready = threading.Event()
        self._loop = None
        self._thread = threading.Thread(target=lambda: asyncio.run(self._main()), daemon=True)
        self._thread.start()
        assert self._ready.wait(5)

    async def _main(self):
        self._loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        async with serve(self._handle, '127.0.0.1', self.port, compression=None,
                         max_size=None, ping_interval=None):
            self._ready.set()
            await self._stop.wait()

    async def _handle(self, client):
        async with connect(self.upstream, compression=None, max_size=None,
                           ping_interval=None) as device:
            async def down():
                async for msg in device:
                    await client.send(msg)

            async def up():
                async for msg in client:
                    if isinstance(msg, str):
                        self.texts.append(msg)
                    await device.send(msg)
            tasks = [asyncio.ensure_future(down()), asyncio.ensure_future(up())]
            try:
                await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
            except ConnectionClosed:
                pass
            for t in tasks:
                t.cancel()

    def commands(self):
        """Commands the node sent (JSON texts, PINGs left out)."""
        return [json.loads(t) for t in list(self.texts) if t.startswith('{')]

    def close(self):
        """Stop the proxy."""
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(3)


def test_out_of_range_parameters_never_reach_the_device(probe, procs):
    emu = Emulator('--pre-encoded', '5')
    procs.append(emu)
    proxy = Recorder(emu.url)
    try:
        procs.append(CameraNode(f'ws://127.0.0.1:{proxy.port}'))
        assert probe.wait_frames(5, 20)
        before = len(proxy.commands())
        for bad in ({'jpeg_quality': 99}, {'jpeg_quality': -1}, {'target_fps': 0},
                    {'target_fps': 31}, {'frame_size': 'HUGE'}):
            results = probe.set_params(**bad)
            assert not results[0].successful, (bad, results)
        time.sleep(0.5)
        assert proxy.commands()[before:] == [], 'an out-of-range value reached the device'
        assert probe.set_params(jpeg_quality=20)[0].successful  # the proxy does see commands
        assert any(c.get('cmd') == 'quality' and c.get('arg') == 20
                   for c in proxy.commands()[before:])
        # max_frame_size: frames above the node's bound are rejected, never published.
        assert probe.set_params(max_frame_size=1024)[0].successful
        time.sleep(0.5)
        count = probe.frame_count()
        assert probe.wait_diag('frames', lambda d: int(d[2]['Rejected: too_large']) > 5, 5)
        assert probe.frame_count() == count
    finally:
        proxy.close()
    record('sec-param-range', 'out-of-range parameters',
           'set jpeg_quality 99/-1, target_fps 0/31, frame_size HUGE via ~/set_parameters '
           '(a recording proxy sits between node and device)',
           'refused by the node; no command reaches the device',
           'all refused; 0 commands seen by the proxy (a valid change was seen)')


def test_oversized_inputs_are_refused_without_growth():
    emu = Emulator('--serial-pty', '--pre-encoded', '5')
    try:
        async def run():
            async with connect(emu.url, compression=None, max_size=None) as ws:
                long_json = json.dumps({'cmd': 'info', 'pad': 'x' * MAX_TEXT_BYTES})
                reply = json.loads(await exchange(ws, long_json))
                assert reply['error'] == commands.BAD_REQUEST
                await ws.send('y' * 600)  # not JSON: ignored
                assert await exchange(ws, 'PING') == 'PONG'
                rss0 = psutil.Process(emu.proc.pid).memory_info().rss
                for _ in range(300):
                    await ws.send(json.dumps({'cmd': 'info', 'pad': 'x' * 3900}))
                await ws.send('PING')
                refused = 0
                while (msg := await asyncio.wait_for(ws.recv(), 10)) != 'PONG':
                    if isinstance(msg, str) and '"reply"' in msg:
                        refused += json.loads(msg)['error'] == commands.BAD_REQUEST
                assert refused == 300, refused
                growth = psutil.Process(emu.proc.pid).memory_info().rss - rss0
                assert growth < 4 << 20, f'emulator grew {growth >> 10} KiB'
            async with connect(emu.url, compression=None, max_size=None) as ws:
                await ws.send('z' * 10000)  # above the device's frame limit: dropped
                with pytest.raises(ConnectionClosed) as closed:
                    for _ in range(1000):
                        await asyncio.wait_for(ws.recv(), 3)
                assert closed.value.rcvd is not None and closed.value.rcvd.code == 1009
        asyncio.run(run())
        port = serial.Serial(emu.serial_path, 115200, timeout=2)
        try:
            port.reset_input_buffer()
            port.write(b'{"cmd":"info","pad":"' + b'x' * (2 * MAX_SERIAL_LINE) + b'"}\n')
            lines = [port.readline() for _ in range(3)]
            assert any(b'bad_request' in line for line in lines), lines
            port.write(b'{"cmd":"info","id":"ok"}\n')
            assert any(b'"id": "ok"' in port.readline() for _ in range(5))
        finally:
            port.close()
    finally:
        emu.stop()
    record('sec-size-bounds', 'oversized input',
           f'WebSocket text > {MAX_TEXT_BYTES} B, 300 x 3.9 KB, 10 KB; serial line '
           f'> {MAX_SERIAL_LINE} B', 'bad_request (JSON) or ignored, > 4 KiB closes 1009, '
           'no memory growth; serial bad_request', 'as expected; emulator RSS growth < 4 MiB')


def test_a_welcome_flood_starts_no_threads_and_sends_few_commands(probe, procs):
    """Issue #13 item 1: 3,000 welcomes (each with settings to fix) from a hostile peer."""
    from esp32_drone_camera import frames
    port, flood, texts = free_port(), threading.Event(), []
    jpeg = b'\xff\xd8' + bytes(2000) + b'\xff\xd9'
    hello = json.dumps({'type': 'welcome', 'message': 'hi', 'protocol': 2, 'quality': 40,
                        'frame_size': 'VGA', 'fps_target': 20})

    async def peer(ws):
        async def read():
            async for msg in ws:
                texts.append(msg)
        reader = asyncio.ensure_future(read())
        seq = 0
        while not flood.is_set():  # a plain stream first: the node's thread baseline
            seq += 1
            await ws.send(frames.insert_metadata(jpeg, 5, 12, seq, 0))
            await asyncio.sleep(0.05)
        for _ in range(3000):
            seq += 1
            await ws.send(hello)
            await ws.send(frames.insert_metadata(jpeg, 5, 40, seq, 0))
        for _ in range(60):
            seq += 1
            await ws.send(frames.insert_metadata(jpeg, 5, 40, seq, 0))
            await asyncio.sleep(0.05)
        reader.cancel()

    async def serve_peer(stop):
        async with serve(peer, '127.0.0.1', port, compression=None, ping_interval=None):
            await asyncio.get_running_loop().run_in_executor(None, stop.wait)

    stop = threading.Event()
    server = threading.Thread(target=lambda: asyncio.run(serve_peer(stop)), daemon=True)
    server.start()
    try:
        node = CameraNode(f'ws://127.0.0.1:{port}', command_timeout=0.5)
        procs.append(node)
        assert probe.wait_frames(10, 20)
        time.sleep(1.0)
        baseline = psutil.Process(node.pid).num_threads()
        flood.set()
        peak, deadline = baseline, time.monotonic() + 3.0
        while time.monotonic() < deadline:
            peak = max(peak, psutil.Process(node.pid).num_threads())
            time.sleep(0.05)
        count = probe.frame_count()
        assert probe.wait_frames(count + 20, 5), 'the stream stopped after the flood'
        commands_sent = [t for t in texts if t.startswith('{')]
        assert peak <= baseline + 1, (baseline, peak)  # the one settings worker at most
        assert len(commands_sent) <= 12, len(commands_sent)  # about one per command_timeout
        refused = sum('device refused' in line for line in node.lines)
        assert refused <= 2, refused  # throttled
    finally:
        stop.set()
        server.join(5)
