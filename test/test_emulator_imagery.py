"""The emulator's JPEG sizes follow the OV2640 size model, and settings apply at once."""

import io
import json
import os
import re
import time

from esp32_drone_camera import frames as frame_meta
from esp32_drone_camera.emulator.imagery import comment_padding, FrameRenderer, FrameSource
from esp32_drone_camera.emulator.jpeg_size import typical_bytes
from esp32_drone_camera.protocol import FRAME_SIZE_BY_NAME, FRAME_SIZE_NAMES
from PIL import Image
import pytest
import serial
from support import Emulator, ROOT
from websockets.sync.client import connect

QUALITIES = (0, 4, 8, 12, 20, 30, 40, 50, 63)
# Measured OV2640 frames (jpeg_size.py names the sources): (size, quality) -> bytes.
MEASURED = {('VGA', 12): 22200, ('SVGA', 12): 33050, ('VGA', 6): 32800, ('SVGA', 6): 48800}


def test_model_is_monotone_in_quality_and_frame_size():
    for name in FRAME_SIZE_NAMES:
        sizes = [typical_bytes(name, q) for q in range(2, 64)]
        assert all(a > b for a, b in zip(sizes, sizes[1:])), name
        assert typical_bytes(name, 0) == typical_bytes(name, 1) == typical_bytes(name, 2)
    for q in range(64):
        sizes = [typical_bytes(name, q) for name in FRAME_SIZE_NAMES]
        assert all(a < b for a, b in zip(sizes, sizes[1:])), q


def test_model_matches_the_measured_frames():
    for (name, quality), measured in MEASURED.items():
        assert abs(typical_bytes(name, quality) / measured - 1) < 0.05, (name, quality)


def test_documented_table_is_the_model():
    with open(os.path.join(ROOT, 'docs', 'protocol.md')) as f:
        text = f.read()
    section = text[text.index('### Frame size vs quality'):]
    header = re.search(r'^\| size \|(.*)\|$', section, re.M).group(1)
    qualities = [int(cell.strip()[1:]) for cell in header.split('|')]
    rows = 0
    for name in FRAME_SIZE_NAMES:
        cells = re.search(rf'^\| {name} \|(.*)\|$', section, re.M).group(1).split('|')
        for quality, cell in zip(qualities, cells):
            assert float(cell) == round(typical_bytes(name, quality) / 1000, 1), (name, quality)
        rows += 1
    assert rows == len(FRAME_SIZE_NAMES) and len(qualities) >= 6


@pytest.mark.parametrize('name', FRAME_SIZE_NAMES)
def test_frames_follow_the_model_and_decode_to_their_size(name):
    _, width, height = FRAME_SIZE_BY_NAME[name]
    means = []
    for quality in QUALITIES:
        frames = FrameRenderer(name, quality).pre_encode(8)
        mean = sum(map(len, frames)) / len(frames)
        assert abs(mean / typical_bytes(name, quality) - 1) < 0.15, (name, quality, mean)
        means.append(mean)
        image = Image.open(io.BytesIO(frames[-1]))
        image.load()
        assert image.size == (width, height)
    assert all(a > b for a, b in zip(means[1:], means[2:])), means  # q0 and q4 may tie


def test_comment_padding_is_exact():
    for size in (*range(4, 70), 65535, 65536, 65537, 65538, 65539, 65540, 131071, 200000):
        padding = comment_padding(size)
        assert len(padding) == size
        assert padding[:2] == b'\xff\xfe'
    assert comment_padding(3) == b''


def test_frame_source_applies_a_setting_at_the_next_frame_and_caches_it():
    source = FrameSource(pre_encoded=4)
    big = source.frame('VGA', 8, 0)
    small = source.frame('VGA', 50, 1)
    assert len(big) > 2 * len(small)
    assert Image.open(io.BytesIO(source.frame('QVGA', 12, 2))).size == (320, 240)
    assert source.frame('VGA', 8, 4) is big  # cycled from the cache, not encoded again
    source.warm('VGA', 20)
    assert all(source.frame('VGA', 20, n) is source.frame('VGA', 20, n + 4) for n in range(4))
    for quality in range(FrameSource.CACHED_SETTINGS + 4):
        source.frame('QQVGA', quality, 0)
    assert len(source._cache) == FrameSource.CACHED_SETTINGS
    assert FrameSource().frame('VGA', 12, 1) != FrameSource().frame('VGA', 12, 2)  # rendered


def _next_frames(ws, count):
    out = []
    while len(out) < count:
        message = ws.recv(5)
        if isinstance(message, bytes):
            out.append(message)
    return out


def _reply(ws, command):
    ws.send(json.dumps(command))
    while True:
        message = ws.recv(5)
        if isinstance(message, str) and json.loads(message).get('type') == 'reply':
            return json.loads(message)


def test_runtime_commands_change_the_next_frames():
    emu = Emulator('--serial-pty')
    port = serial.Serial(emu.serial_path, 115200, timeout=2)
    try:
        with connect(emu.url, compression=None, max_size=None) as ws:
            _next_frames(ws, 3)
            for quality in (50, 8):
                assert _reply(ws, {'cmd': 'quality', 'arg': quality})['ok']
                got = _next_frames(ws, 3)[1:]  # one frame may have been in flight
                for frame in got:
                    assert frame_meta.read_metadata(frame).quality == quality
                    assert abs(len(frame) / typical_bytes('VGA', quality) - 1) < 0.15
            assert _reply(ws, {'cmd': 'framesize', 'arg': 'QVGA'})['ok']
            frame = _next_frames(ws, 2)[1]
            assert Image.open(io.BytesIO(frame)).size == (320, 240)
            assert abs(len(frame) / typical_bytes('QVGA', 8) - 1) < 0.15
            port.reset_input_buffer()
            port.write(b'{"cmd": "quality", "arg": 40, "id": "s1"}\n')
            deadline = time.monotonic() + 5
            while b'"s1"' not in port.readline():
                assert time.monotonic() < deadline
            frame = _next_frames(ws, 2)[1]
            assert abs(len(frame) / typical_bytes('QVGA', 40) - 1) < 0.15
    finally:
        port.close()
        emu.stop()
