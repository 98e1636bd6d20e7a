"""
``--legacy`` is the stock device of the README (v2.1): its serial console and v1 WebSocket.

The console is driven over its pty as a person would type; every answer, its effect
on the stream (seen by a real WebSocket viewer) and its timing are checked against
STOCK_COMMANDS, the table docs/protocol.md documents.
"""

import io
import json
import os
import re
import threading
import time

from esp32_drone_camera.emulator.jpeg_size import typical_bytes
from esp32_drone_camera.emulator.stock_console import (BANNER, QUALITY_INVALID, RESET_DELAY_S,
                                                       STOCK_COMMANDS, TOO_LONG,
                                                       UNKNOWN_COMMAND)
from esp32_drone_camera.protocol import MAX_SERIAL_LINE, WELCOME_TEXT
from PIL import Image
import pytest
import serial
from support import Emulator, ROOT, wait_for
from websockets.sync.client import connect

ANSWER_BOUND_S = 0.5  # a typed command's first answer line (the machine may be loaded)
README_STATUS = [r'=== 20fps Video Stream Status ===', r'Camera - Total frames: \d+',
                 r'Camera - Current FPS: \d+\.\d', r'Camera - Memory - Current: \d+ KB',
                 r'\[WS\] WebSocket clients: \d+, streaming video frames', r'=+']


class Console:
    """The emulator's serial console, read line by line."""

    def __init__(self, path):
        self.port = serial.Serial(path, 115200, timeout=0.05)
        self.pending = b''

    def lines(self, seconds):
        """Return the lines that arrive within ``seconds``."""
        out = []
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            self.pending += self.port.read(4096)
            while b'\n' in self.pending:
                raw, self.pending = self.pending.split(b'\n', 1)
                out.append(raw.decode().rstrip('\r'))
        return out

    def ask(self, text, until, timeout=2.0):
        """Type ``text``; return (lines up to one starting with ``until``, first-line delay)."""
        self.lines(0.05)  # drop anything unprompted
        self.port.write(text.encode() + b'\r\n')
        t0 = time.monotonic()
        got, first = [], None
        while time.monotonic() - t0 < timeout:
            new = self.lines(0.02)
            if new and first is None:
                first = time.monotonic() - t0
            got += new
            if any(line.startswith(until) for line in got):
                return got, first
        raise AssertionError(f'{text!r}: no line starting {until!r} in {got}')

    def close(self):
        self.port.close()


class Viewer:
    """A WebSocket client that keeps every message with its arrival time."""

    def __init__(self, url):
        self.ws = None
        self.frames, self.texts = [], []
        self.opened, self.closed = threading.Event(), threading.Event()
        threading.Thread(target=self._run, args=(url,), daemon=True).start()
        assert self.opened.wait(5), 'no connection'

    def _run(self, url):
        try:
            with connect(url, compression=None, max_size=None) as self.ws:
                self.opened.set()
                for message in self.ws:
                    target = self.frames if isinstance(message, bytes) else self.texts
                    target.append((time.monotonic(), message))
        except Exception:
            pass
        self.closed.set()

    def frames_during(self, seconds):
        """Wait ``seconds``; return the frames that arrived meanwhile."""
        t0 = time.monotonic()
        time.sleep(seconds)
        return [m for t, m in list(self.frames) if t >= t0]

    def close(self):
        self.ws.close()


@pytest.fixture(scope='module')
def device():
    emu = Emulator('--legacy', '--serial-pty')
    console = Console(emu.serial_path)
    yield emu, console
    console.close()
    emu.stop()


@pytest.fixture
def viewer(device):
    one = Viewer(device[0].url)
    yield one
    one.close()


@pytest.mark.parametrize('name', sorted(STOCK_COMMANDS))
def test_every_command_answers_with_its_line_in_bounded_time(device, viewer, name):
    _, console = device
    command = STOCK_COMMANDS[name]
    typed = 'quality 12' if name == 'quality' else name
    timeout = RESET_DELAY_S + 2 if name == 'reset' else 2.0
    lines, first = console.ask(typed, command.confirms, timeout)
    assert first is not None and first < ANSWER_BOUND_S, f'{name}: first line after {first}'
    assert not any(line.lstrip().startswith('{') for line in lines), lines
    if name == 'verbose':
        console.ask('verbose', command.confirms)  # back off: it prints every second
    if name == 'webstop':
        console.ask('webstart', STOCK_COMMANDS['webstart'].confirms)
    if name == 'stop':
        console.ask('start', STOCK_COMMANDS['start'].confirms)


def test_readme_wording(device):
    _, console = device
    lines, _ = console.ask('status', '=' * 34)
    block = lines[lines.index(README_STATUS[0]):]
    assert len(block) == len(README_STATUS)
    for line, pattern in zip(block, README_STATUS):
        assert re.fullmatch(pattern, line), (line, pattern)
    assert console.ask('start', '[STREAM]')[0][-1] == BANNER[-1]
    assert console.ask('webstart', '[SUCCESS]')[0][-1] == BANNER[-2]
    lines, _ = console.ask('reset', STOCK_COMMANDS['reset'].confirms, RESET_DELAY_S + 2)
    assert lines[-2:] == ['[INIT] Initializing OV2640 camera...',
                          '[SUCCESS] Camera initialized successfully']


def test_verbose_prints_a_detail_line_every_second(device):
    _, console = device
    console.ask('verbose', '[CMD] Verbose logging ON')
    try:
        details = [line for line in console.lines(2.5) if line.startswith('[DEBUG] Frames: ')]
        assert 2 <= len(details) <= 3, details
    finally:
        console.ask('verbose', '[CMD] Verbose logging OFF')
    assert not [line for line in console.lines(1.5) if line.startswith('[DEBUG]')]


def test_information_blocks(device, viewer):
    _, console = device
    info, _ = console.ask('info', '=' * 34)
    assert 'Resolution: 640x480 (VGA)' in info and 'Camera: OV2640' in info
    time.sleep(2.1)  # the fps is measured over a second
    stats, _ = console.ask('stats', '=' * 34)
    frames = int(next(s for s in stats if s.startswith('Total frames:')).split(':')[1])
    fps = float(next(s for s in stats if s.startswith('Current FPS:')).split(':')[1])
    assert frames > 0 and 15 < fps < 23, stats
    webstats, _ = console.ask('webstats', '=' * 34)
    assert 'Connected clients: 1/3' in webstats
    clients, _ = console.ask('clients', '[WS] Connected clients:')
    clients += console.lines(0.2)
    assert clients[-2] == '[WS] Connected clients: 1/3'
    assert re.fullmatch(r'  Client \d+: 127\.0\.0\.1:\d+, frames sent: \d+, skipped: \d+',
                        clients[-1]), clients
    assert console.ask('clear', '[CMD]')[0][-1] == '[CMD] Statistics cleared'
    stats, _ = console.ask('stats', '=' * 34)
    assert int(next(s for s in stats if s.startswith('Total frames:')).split(':')[1]) < frames


@pytest.mark.parametrize('line', ['{"cmd": "info", "id": "n1"}', '{"cmd":"stop"}', 'help',
                                  'stop now', 'quality 20 30', 'framesize QVGA', 'fps 10'])
def test_json_and_unknown_lines_get_the_unknown_command_text(device, viewer, line):
    _, console = device
    lines, first = console.ask(line, UNKNOWN_COMMAND)
    assert lines[-1] == UNKNOWN_COMMAND + line and first < ANSWER_BOUND_S
    assert len(viewer.frames_during(0.5)) >= 5, 'an unknown command changed the stream'


def test_bad_quality_and_long_line(device):
    _, console = device
    for word in ('64', '-1', 'high'):
        assert console.ask(f'quality {word}', '[ERROR]')[0][-1] == QUALITY_INVALID + word
    lines, _ = console.ask('quality', 'Usage:')
    assert '[CMD] Current JPEG quality: 12' in lines
    lines, _ = console.ask('x' * (2 * MAX_SERIAL_LINE), TOO_LONG)
    assert not any(line.startswith('{') for line in lines)
    console.ask('info', '=== Camera Information ===')  # still answering


def test_stop_gives_no_frames_and_start_gives_20_fps(device, viewer):
    _, console = device
    console.ask('stop', STOCK_COMMANDS['stop'].confirms)
    time.sleep(0.3)  # a frame in flight may still land
    assert viewer.frames_during(1.5) == []
    assert wait_for(lambda: json.loads(viewer.texts[-1][1])['fps'] == 0, 3), viewer.texts[-1]
    console.ask('start', STOCK_COMMANDS['start'].confirms)
    time.sleep(0.3)
    fps = len(viewer.frames_during(3.0)) / 3.0
    assert 17 <= fps <= 22, fps


def test_quality_changes_the_frame_size_as_the_ov2640(device, viewer):
    _, console = device
    means = {}
    for quality in (8, 50):
        console.ask(f'quality {quality}', f'[CMD] JPEG quality set to {quality}')
        time.sleep(0.2)
        frames = viewer.frames_during(1.0)
        assert len(frames) >= 10
        means[quality] = sum(map(len, frames)) / len(frames)
        assert abs(means[quality] / typical_bytes('VGA', quality) - 1) < 0.15, means
        image = Image.open(io.BytesIO(frames[-1]))
        image.load()
        assert image.size == (640, 480)
    assert means[8] > 2 * means[50]
    console.ask('quality 12', '[CMD] JPEG quality set to 12')


def test_reset_darkens_the_camera_and_keeps_viewers(device, viewer):
    _, console = device
    console.ask('reset', '[CMD] Resetting camera module...')
    assert len(viewer.frames_during(RESET_DELAY_S * 0.7)) <= 1
    assert len(viewer.frames_during(1.0)) >= 10
    assert not viewer.closed.is_set()


def test_webstop_drops_viewers_and_webstart_takes_them_again(device):
    emu, console = device
    other = Viewer(emu.url)
    assert other.frames_during(0.5)
    console.ask('webstop', STOCK_COMMANDS['webstop'].confirms)
    assert other.closed.wait(3)
    with pytest.raises(Exception):
        connect(emu.url, open_timeout=2).close()
    console.ask('webstart', STOCK_COMMANDS['webstart'].confirms)
    again = Viewer(emu.url)
    assert again.frames_during(0.5)
    again.close()


def test_websocket_speaks_only_v1():
    emu = Emulator('--legacy')
    try:
        with connect(emu.url, compression=None, max_size=None) as ws:
            welcome = json.loads(ws.recv(5))
            assert welcome == {'type': 'welcome', 'message': WELCOME_TEXT}
            for text in ('{"cmd": "stop", "id": "a"}', 'PING 123', 'PING'):
                ws.send(text)
            texts = []
            while (message := ws.recv(5)) != 'PONG':
                if isinstance(message, str):
                    texts.append(json.loads(message))
            assert all(t['type'] == 'status' for t in texts), texts  # no reply, no pong
            while not texts:
                message = ws.recv(5)
                if isinstance(message, str):
                    texts.append(json.loads(message))
            assert set(texts[0]) == {'type', 'frame', 'fps', 'timestamp', 'heap', 'clients'}
            frame = next(m for m in iter(lambda: ws.recv(5), None) if isinstance(m, bytes))
            assert frame[:2] == b'\xff\xd8' and frame[2:4] != b'\xff\xe4'  # no v2 metadata
    finally:
        emu.stop()


def test_documented_console_is_the_table():
    with open(os.path.join(ROOT, 'docs', 'protocol.md')) as f:
        text = f.read()
    section = text[text.index('## Stock firmware console'):text.index('## Versions')]
    for name, command in STOCK_COMMANDS.items():
        row = re.search(rf'^\| `{name}( N)?` \|.*$', section, re.M)
        assert row, name
        assert command.confirms.rstrip() in row.group(0), name
        readme_cell = row.group(0).rstrip(' |').rsplit('|', 1)[1].strip()
        assert (readme_cell != 'no') == command.readme, name
    assert UNKNOWN_COMMAND.strip() in section and TOO_LONG in section
