"""
Property-based fuzzing (hypothesis) of everything that parses outside input.

Contract checked for each parser: it returns its documented result type or raises
only its documented exception, and the invariants the node relies on hold (a frame
is never "ok" without SOI/EOI, read_metadata never raises, ...). Examples are
derandomised so CI is reproducible; FUZZ_EXAMPLES raises the count for a longer
local run. Crashes found are pinned as regression tests at the end of this file.
"""

import json
import os
import threading

from esp32_drone_camera import calibration
from esp32_drone_camera import commands
from esp32_drone_camera import frames, protocol
from esp32_drone_camera.clock_sync import ClockSync
from esp32_drone_camera.command_client import CommandClient, Reply
from esp32_drone_camera.emulator.device import DeviceCore
from esp32_drone_camera.frame_stamper import FrameStamper
from hypothesis import given, HealthCheck, settings, strategies as st
import pytest
import yaml

EXAMPLES = int(os.environ.get('FUZZ_EXAMPLES', '300'))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow])

# Any code point, lone surrogates included: JSON escapes (\ud800) can carry them, so
# they get a strategy of their own rather than being left to chance.
any_text = st.text(st.characters(exclude_categories=()), max_size=80) | \
    st.text(st.characters(categories=['Cs']), min_size=1, max_size=3)
json_scalars = st.none() | st.booleans() | st.integers(-2**70, 2**70) | \
    st.floats(allow_nan=False) | any_text
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(any_text, inner, max_size=4),
    max_leaves=12)
KINDS = ('welcome', 'status', 'reply', 'pong', 'test', 'telemetry', '')
FIELDS = ('message', 'protocol', 'firmware', 'frame', 'fps', 'timestamp', 'heap', 'clients',
          'cmd', 'ok', 'id', 'result', 'error', 'echo', 'rx_us', 'tx_us', 'streaming',
          'quality', 'frame_size', 'drops', 'width')


@st.composite
def device_messages(draw):
    """Draw JSON objects shaped like device messages, with fields of random type."""
    obj = draw(st.dictionaries(st.sampled_from(FIELDS), json_values, max_size=8))
    if draw(st.booleans()):
        obj['type'] = draw(st.sampled_from(KINDS))
    return json.dumps(obj)


device_text = st.one_of(any_text, device_messages(),
                        json_values.map(json.dumps), st.just('PONG'))


# -- protocol.parse_text / parse_serial_line ---------------------------------------
@FUZZ
@given(device_text)
def test_parse_text_classifies_everything(text):
    msg = protocol.parse_text(text)
    assert msg.kind in ('welcome', 'status', 'reply', 'pong', 'pong_v1', 'test', 'invalid',
                        'unknown')
    assert isinstance(msg.fields, dict)
    if msg.kind == 'invalid':
        assert msg.error and msg.fields == {}
    schema = protocol._SCHEMAS.get(msg.kind, {})
    for key, types in schema.items():  # what the node reads without checking again
        assert protocol._type_ok(msg.fields[key], types), (key, msg.fields)
    if msg.kind == 'welcome':
        assert isinstance(msg.fields['protocol'], int)
    if msg.kind == 'reply' and 'id' in msg.fields:
        assert isinstance(msg.fields['id'], str)


@FUZZ
@given(st.one_of(any_text, device_messages(),
                 st.builds(lambda tag, rest: f'[{tag}] {rest}',
                           st.sampled_from(('ERROR', 'WARNING', 'INFO', 'DEBUG', 'x', '')),
                           any_text),
                 st.integers(-10, 10**30).map(
                     lambda n: f'[WARNING] Low memory detected: {n} bytes')))
def test_parse_serial_line_classifies_everything(line):
    parsed = protocol.parse_serial_line(line)
    assert parsed.kind in ('reply', 'log', 'text')
    if parsed.kind == 'log':
        assert parsed.level in ('error', 'warn', 'info', 'debug')
        assert parsed.low_memory is None or parsed.low_memory >= 0
    if parsed.kind == 'reply':
        assert isinstance(parsed.reply['ok'], bool) and isinstance(parsed.reply['cmd'], str)


# -- frames ------------------------------------------------------------------------
jpeg_like = st.builds(lambda head, body, tail: head + body + tail,
                      st.sampled_from((b'', frames.SOI, b'\xff', frames.SOI + frames.APP4_ID)),
                      st.binary(max_size=64), st.sampled_from((b'', frames.EOI, b'\xd9')))


@FUZZ
@given(st.one_of(st.binary(max_size=64), jpeg_like), st.integers(0, 128))
def test_validate_never_passes_a_frame_without_soi_eoi(data, max_size):
    reason = frames.validate(data, max_size)
    assert reason == frames.OK or reason in frames.REASONS
    if reason == frames.OK:
        assert data[:2] == frames.SOI and data[-2:] == frames.EOI
        assert frames.MIN_FRAME <= len(data) <= max_size


@FUZZ
@given(st.one_of(st.binary(max_size=64), jpeg_like))
def test_read_metadata_never_raises(data):
    meta = frames.read_metadata(data)
    if meta is not None:
        assert data[2:11] == frames.APP4_ID[:9] and len(data) >= frames.META_LEN + 2
        assert 0 <= meta.seq < 2**32 and 0 <= meta.frame_size < 256


@FUZZ
@given(st.integers(0, 255), st.integers(0, 255), st.integers(0, 2**40),
       st.integers(0, 2**64 - 1), st.binary(max_size=32))
def test_metadata_round_trips(size, quality, seq, capture_us, body):
    data = frames.insert_metadata(frames.SOI + body + bytes(frames.MIN_FRAME) + frames.EOI,
                                  size, quality, seq, capture_us)
    assert frames.validate(data, 1 << 20) == frames.OK
    assert frames.read_metadata(data) == (size, quality, seq & 0xFFFFFFFF, capture_us)


@FUZZ
@given(st.lists(st.tuples(st.integers(0, 2**32 - 1), st.integers(0, 3_000)), max_size=50))
def test_device_drops_are_bounded_by_what_the_sensor_can_capture(frames_in):
    """Whatever sequence numbers a peer sends, the drops counted stay plausible."""
    stamper = FrameStamper(ClockSync(), lambda index: None, max_frame_size=1 << 20)
    jpeg = frames.SOI + bytes(frames.MIN_FRAME) + frames.EOI
    arrival, bound = 10**12, 0
    for seq, elapsed_ms in frames_in:
        arrival += elapsed_ms * 1_000_000
        bound += frames.plausible_gap(elapsed_ms * 1_000_000)
        stamper.stamp(frames.insert_metadata(jpeg, 0, 12, seq, 0), arrival)
    assert 0 <= stamper.device_drops <= bound
    assert stamper.sequence_jumps <= len(frames_in)


# -- calibration YAML --------------------------------------------------------------
yaml_values = st.recursive(
    st.none() | st.booleans() | st.integers(-2**70, 2**70) | st.floats() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=12) | st.dictionaries(
        st.sampled_from(('rows', 'cols', 'data', 'x')), inner, max_size=4), max_leaves=20)
CALIB_KEYS = ('image_width', 'image_height', 'camera_name', 'camera_matrix',
              'distortion_model', 'distortion_coefficients', 'rectification_matrix',
              'projection_matrix')


yaml_scalars = st.none() | st.booleans() | st.integers(-10**400, 10**400) | st.floats() | \
    st.text(max_size=8)
# Matrix nodes of almost the right shape: where a parser's type assumptions break.
yaml_matrices = st.fixed_dictionaries({}, optional={
    'rows': yaml_scalars, 'cols': yaml_scalars,
    'data': yaml_scalars | st.lists(yaml_scalars, min_size=1, max_size=12)})


@st.composite
def calibration_docs(draw):
    """Draw a valid calibration with some fields replaced by random YAML values."""
    doc = yaml.safe_load(calibration.dump(calibration.Calibration(640, 480, 'cam')))
    for key in draw(st.lists(st.sampled_from(CALIB_KEYS), max_size=3)):
        doc[key] = draw(yaml_values | yaml_matrices)
    return yaml.safe_dump(doc)


@FUZZ
@given(st.one_of(st.text(max_size=200), calibration_docs()))
def test_calibration_parse_raises_only_calibration_error(text):
    try:
        c = calibration.parse(text)
    except calibration.CalibrationError:
        return
    assert c.width > 0 and c.height > 0 and len(c.k) == 9 and len(c.p) == 12


# -- command client reply handling -------------------------------------------------
@FUZZ
@given(st.lists(device_text, max_size=5), st.booleans(), json_values)
def test_command_client_survives_any_device_text(noise, ok, result):
    """The node's path: device text -> parse_text -> on_reply; the call ends with a Reply."""
    sent = []

    def send(text):
        sent.append(json.loads(text))
        request_id = sent[-1]['id']
        for text in noise:  # unrelated, malformed and forged replies first
            msg = protocol.parse_text(text)
            if msg.kind == 'reply':
                client.on_reply(msg.fields)
        answer = {'type': 'reply', 'cmd': 'info', 'ok': ok, 'id': request_id}
        if isinstance(result, dict):
            answer['result'] = result
        msg = protocol.parse_text(json.dumps(answer))
        threading.Timer(0.001, client.on_reply, (msg.fields,)).start()
        return True

    client = CommandClient(lambda: ('websocket', send), lambda: 'tok')
    reply = client.call('info', None, timeout=2.0)
    assert isinstance(reply, Reply) and isinstance(reply.error, str)
    assert sent[0]['token'] == 'tok' and sent[0]['cmd'] == 'info'
    # A forged reply in the noise may carry the same id ("r1"): first one wins, and
    # only if it is a valid reply; the result is always a dict.
    assert isinstance(reply.result, dict)
    assert not client._pending, 'the request must be forgotten'


# -- the emulator's command handling (mirrors the firmware core) -------------------
command_objects = st.fixed_dictionaries(
    {'cmd': st.sampled_from(sorted(commands.CATALOGUE)) | any_text},
    optional={'arg': json_values, 'id': json_values | any_text, 'token': any_text | json_values})
command_text = st.one_of(any_text, command_objects.map(json.dumps), json_values.map(json.dumps))
ERRORS = (commands.UNKNOWN_COMMAND, commands.BAD_ARGUMENT, commands.UNAUTHORIZED,
          commands.NOT_ALLOWED, commands.BAD_REQUEST, commands.FAILED)


def check_reply(reply):
    """Check a reply object against docs/protocol.md."""
    assert reply['type'] == 'reply' and isinstance(reply['ok'], bool)
    assert isinstance(reply['cmd'], str)
    if reply['ok']:
        assert isinstance(reply['result'], dict)
    else:
        assert reply['error'] in ERRORS and isinstance(reply['message'], str)
    json.dumps(reply)  # always sendable


@FUZZ
@given(command_text, st.sampled_from((commands.WEBSOCKET, commands.SERIAL)),
       st.sampled_from((None, 's3cret')))
def test_device_handle_json(text, transport, token):
    core = DeviceCore(token=token)
    reply = core.handle_json(text, transport)
    check_reply(reply)
    if token and transport == commands.WEBSOCKET and reply['ok']:
        assert json.loads(text).get('token') == token, 'a command ran without the token'


@FUZZ
@given(st.one_of(any_text, st.builds(lambda c, a: f'{c} {a}',
                                     st.sampled_from(sorted(commands.CATALOGUE)), any_text)))
def test_device_handle_human(line):
    reply, text = DeviceCore().handle_human(line)
    assert isinstance(text, str)
    if reply:
        check_reply(reply)
        assert reply.get('cmd') not in ('webstart', 'webstop') or reply['ok'] or \
            reply['error'] == commands.BAD_ARGUMENT


# -- regressions: crashes the fuzzing found (reported; fixed in the package) -------
@pytest.mark.parametrize('text', ['[' * 100000, '{"type": "status", "x": ' + '[' * 5000],
                         ids=['array', 'object'])
def test_regression_deeply_nested_json_is_invalid_not_a_crash(text):
    # RecursionError escaped parse_text; a device (or anyone on its WiFi) can send it.
    assert protocol.parse_text(text).kind == 'invalid'
    assert protocol.parse_serial_line('{"a":' + '[' * 3000).kind == 'text'


@pytest.mark.parametrize('text', [
    'image_width: 1\nimage_height: 1\ndistortion_coefficients: {data: 5}\n',
    'image_width: 1\nimage_height: 1\ncamera_matrix: {rows: 3, cols: 3, data: [1' + '0' * 400
    + ', 2, 3, 4, 5, 6, 7, 8, 9]}\n',
    '[' * 10000,
], ids=['data-not-a-list', 'float-overflow', 'deep-nesting'])
def test_regression_bad_calibration_is_a_calibration_error(text):
    # TypeError, OverflowError and RecursionError escaped, and the node catches only
    # CalibrationError at startup: a bad calibration file crashed the node.
    with pytest.raises(calibration.CalibrationError):
        calibration.parse(text)


def test_regression_lone_surrogate_token_is_unauthorized_not_a_crash():
    # UnicodeEncodeError in the token comparison ended the client's connection (1011).
    reply = DeviceCore(token='s3cret').handle_json('{"cmd":"info","token":"\\ud800"}',
                                                   commands.WEBSOCKET)
    assert reply['error'] == commands.UNAUTHORIZED
