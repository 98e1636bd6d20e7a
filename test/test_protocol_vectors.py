"""The shared protocol vectors (test/vectors) against the Python side."""

import json
import os

from esp32_drone_camera import clock_sync, frames, protocol
from esp32_drone_camera.emulator.device import DeviceCore
import pytest

VECTORS = os.path.join(os.path.dirname(__file__), 'vectors')


def load(name):
    with open(os.path.join(VECTORS, name), encoding='utf-8') as f:
        return json.load(f)


MESSAGES = load('messages.json')['cases']
FRAMES = load('frames.json')
COMMANDS = load('commands.json')
SERIAL = load('serial.json')['cases']
CLOCK = load('clock_sync.json')['cases']


@pytest.mark.parametrize('case', MESSAGES, ids=[c['name'] for c in MESSAGES])
def test_message_vectors(case):
    msg = protocol.parse_text(case['text'])
    assert msg.kind == case['expect']['kind'], msg.error
    for key, value in case['expect'].get('fields', {}).items():
        assert msg.fields[key] == value


@pytest.mark.parametrize('case', FRAMES['cases'], ids=[c['name'] for c in FRAMES['cases']])
def test_frame_vectors(case):
    data = bytes.fromhex(case['hex'])
    # The vectors pin the structural checks the firmware shares (SOI, EOI, at least
    # SOI + EOI, the size limit); the node's smallest-OV2640-JPEG floor is its own
    # policy on top (test_frames.py), so it is set to the structural minimum here.
    reason = frames.validate(data, case['max_size'], min_size=len(frames.SOI + frames.EOI))
    assert reason == case['expect']['reason']
    meta = frames.read_metadata(data) if case['expect']['valid'] else None
    expected = case['expect']['meta']
    assert (meta._asdict() if meta else None) == expected


@pytest.mark.parametrize('case', FRAMES['insertion'],
                         ids=[c['name'] for c in FRAMES['insertion']])
def test_metadata_insertion_vectors(case):
    jpeg = bytes.fromhex(case['jpeg_hex'])
    args = (case['frame_size'], case['quality'], case['seq'], case['capture_us'])
    if case['expect_hex'] is None:
        with pytest.raises(ValueError):
            frames.insert_metadata(jpeg, *args)
    else:
        assert frames.insert_metadata(jpeg, *args).hex() == case['expect_hex']


def _core(token):
    core = DeviceCore(token=token)
    for key, value in COMMANDS['initial_state'].items():
        setattr(core, key, value)
    return core


@pytest.mark.parametrize('case', COMMANDS['cases'], ids=[c['name'] for c in COMMANDS['cases']])
def test_command_vectors_on_emulator_core(case):
    reply = _core(case['token']).handle_json(case['request'], case['transport'])
    expect = case['expect']
    assert reply['type'] == 'reply'
    assert reply['ok'] is expect['ok'], reply
    assert reply.get('id') == expect['id']
    if expect['ok']:
        for key, value in expect['result'].items():
            assert reply['result'][key] == value
    else:
        assert reply['error'] == expect['error']
        assert 'token' not in json.dumps(reply) or case['token'] not in json.dumps(reply)
    # Every reply must itself parse as a valid reply message on the node side.
    assert protocol.parse_text(json.dumps(reply)).kind == 'reply'


@pytest.mark.parametrize('case', COMMANDS['human'], ids=[c['name'] for c in COMMANDS['human']])
def test_human_serial_vectors(case):
    reply, text = _core(None).handle_human(case['line'])
    assert reply['ok'] is case['expect']['ok']
    assert reply['cmd'] == case['expect']['cmd']
    if case['expect']['ok']:
        for key, value in case['expect']['result'].items():
            assert reply['result'][key] == value
    else:
        assert reply['error'] == case['expect']['error']
    assert text and '{' not in text.splitlines()[0]  # readable, not JSON


@pytest.mark.parametrize('case', SERIAL, ids=[c['line'][:30] or 'empty' for c in SERIAL])
def test_serial_vectors(case):
    parsed = protocol.parse_serial_line(case['line'])
    expect = case['expect']
    assert parsed.kind == expect['kind']
    if 'level' in expect:
        assert parsed.level == expect['level']
    if 'low_memory' in expect:
        assert parsed.low_memory == expect['low_memory']
    if 'id' in expect:
        assert parsed.reply['id'] == expect['id']


@pytest.mark.parametrize('case', CLOCK, ids=[c['name'] for c in CLOCK])
def test_clock_sync_vectors(case):
    sync = clock_sync.ClockSync(case['window'])
    for sample in case['samples']:
        sync.add(clock_sync.Sample(*sample))
    assert sync.offset_ns == case['expect']['offset_ns']
    assert sync.rtt_ns == case['expect']['rtt_ns']
