"""
The link's hand-written framing pieces against the ``websockets`` library's own frames.

``parse_frame_header`` decides which frames skip the protocol object, so it is checked
on frames that ``websockets.frames.Frame`` serialises, at the length-encoding edges
(7-, 16- and 64-bit lengths), and on every kind of frame that must NOT take the fast
path. The failure classifier is the link's one table of what each failure means.
"""

import socket
from typing import NamedTuple

from esp32_drone_camera import protocol
from esp32_drone_camera.link_state import LinkState
from esp32_drone_camera.ws_connection import SessionEnded, UnreadableRefusal
from esp32_drone_camera.ws_frames import (extended_length_size, MessageAssembler,
                                          parse_frame_header)
from esp32_drone_camera.ws_link import classify_failure, Retry, Stalled
import pytest
from websockets.datastructures import Headers
from websockets.exceptions import InvalidHandshake, InvalidStatus
from websockets.frames import Frame, Opcode
from websockets.http11 import Response


class Header(NamedTuple):
    """``parse_frame_header``'s answer, named."""

    length: int
    masked: bool
    whole_binary: bool


def split(wire: bytes):
    """Parse the header at the start of ``wire``; return it and the header's size."""
    size = 2 + extended_length_size(wire[1])
    return Header(*parse_frame_header(wire[:size])), size


@pytest.mark.parametrize('length, header_size', [
    (0, 2), (125, 2), (126, 4), (65535, 4), (65536, 10), (1 << 20, 10)])
def test_whole_unmasked_binary_frames_take_the_fast_path(length, header_size):
    payload = bytes(range(256)) * (length // 256) + bytes(length % 256)
    wire = Frame(Opcode.BINARY, payload).serialize(mask=False)
    header, size = split(wire)
    assert size == header_size
    assert header.length == length and not header.masked and header.whole_binary
    assert wire[size:] == payload  # the payload starts right after the parsed header


def with_rsv1(wire: bytes) -> bytes:
    """Set RSV1 (per-message compression, which the link never negotiates)."""
    return bytes([wire[0] | 0x40]) + wire[1:]


@pytest.mark.parametrize('length', [125, 126, 65535, 65536])
@pytest.mark.parametrize('wire, why', [
    (lambda p: Frame(Opcode.BINARY, p, fin=False).serialize(mask=False), 'first fragment'),
    (lambda p: Frame(Opcode.CONT, p).serialize(mask=False), 'last fragment'),
    (lambda p: Frame(Opcode.CONT, p, fin=False).serialize(mask=False), 'middle fragment'),
    (lambda p: Frame(Opcode.TEXT, p).serialize(mask=False), 'text'),
    (lambda p: with_rsv1(Frame(Opcode.BINARY, p).serialize(mask=False)), 'RSV1 set'),
])
def test_other_frames_go_through_the_protocol(length, wire, why):
    header, size = split(wire(b'a' * length))
    assert header.length == length and not header.masked
    assert not header.whole_binary, why


@pytest.mark.parametrize('length', [0, 125, 126, 65535, 65536])
def test_a_masked_frame_is_seen_as_masked_and_not_fast(length):
    wire = Frame(Opcode.BINARY, b'm' * length).serialize(mask=True)
    header, size = split(wire)
    assert header.masked and not header.whole_binary
    assert size + 4 + header.length == len(wire)  # the masking key is not in the header


@pytest.mark.parametrize('opcode, data', [
    (Opcode.PING, b'are you there'), (Opcode.PONG, b''), (Opcode.CLOSE, b'\x03\xe8bye')])
def test_control_frames_are_not_fast(opcode, data):
    header, _ = split(Frame(opcode, data).serialize(mask=False))
    assert header.length == len(data) and not header.whole_binary


def test_a_64_bit_length_is_read_whole_for_the_caller_to_refuse():
    header = Header(*parse_frame_header(b'\x82\x7f' + (1 << 62).to_bytes(8, 'big')))
    assert header.length == 1 << 62 and header.whole_binary


def test_fragments_are_joined_and_control_frames_pass():
    assembler = MessageAssembler()
    assert assembler.add(Frame(Opcode.BINARY, b'\xff\xd8ab', fin=False)) is None
    assert assembler.in_message
    assert assembler.add(Frame(Opcode.PING, b'x')) is None  # may come between fragments
    assert assembler.add(Frame(Opcode.CONT, b'cd', fin=False)) is None
    whole = assembler.add(Frame(Opcode.CONT, b'\xff\xd9'))
    assert whole == (Opcode.BINARY, b'\xff\xd8abcd\xff\xd9')
    assert not assembler.in_message
    assert assembler.add(Frame(Opcode.TEXT, b'{"a":1}')) == (Opcode.TEXT, b'{"a":1}')
    assert assembler.add(Frame(Opcode.TEXT, b'{"a":', fin=False)) is None
    assert assembler.add(Frame(Opcode.CONT, b'2}')) == (Opcode.TEXT, b'{"a":2}')
    assert assembler.add(Frame(Opcode.CONT, b'stray')) is None  # no message started


def refused(status, headers, body):
    return InvalidStatus(Response(status, 'x', Headers(headers), body))


@pytest.mark.parametrize('exc, state, detail, retry', [
    (SessionEnded('device closed the connection (1001 bye)', healthy=True),
     LinkState.DISCONNECTED, 'device closed the connection (1001 bye)', Retry.RESTART),
    (SessionEnded('connection closed by the device (no close frame)', healthy=False),
     LinkState.DISCONNECTED, 'connection closed by the device (no close frame)',
     Retry.BACKOFF),
    (Stalled('no frames for 2.1 s'), LinkState.STALLED, 'no frames for 2.1 s', Retry.BACKOFF),
    (refused(503, {protocol.REJECT_HEADER: protocol.REJECT_MAX_CLIENTS},
             b'max clients (3) reached\n'),
     LinkState.DEVICE_FULL, 'device refused: max clients (3) reached', Retry.LONGEST),
    (refused(503, {}, b''), LinkState.DEVICE_FULL, 'device refused: 503', Retry.LONGEST),
    (refused(429, {protocol.REJECT_HEADER: protocol.REJECT_MAX_CLIENTS}, b''),
     LinkState.DEVICE_FULL, f'device refused: {protocol.REJECT_MAX_CLIENTS}', Retry.LONGEST),
    (refused(403, {}, b'nope'), LinkState.DISCONNECTED,
     'handshake refused: HTTP 403 x: nope', Retry.BACKOFF),
    (refused(500, {}, b'line one\r\nline two\x1b[2J' + b'y' * 5000), LinkState.DISCONNECTED,
     'handshake refused: HTTP 500 x: ' + ('line one line two [2J' + 'y' * 200)[:197] + '...',
     Retry.BACKOFF),
    (UnreadableRefusal(500, 'Internal Server Error', 'body too large: 2000000 bytes'),
     LinkState.DISCONNECTED, 'handshake refused: HTTP 500 Internal Server Error '
     '(body too large: 2000000 bytes)', Retry.BACKOFF),
    (UnreadableRefusal(503, 'Service Unavailable', 'body too large: 2000000 bytes'),
     LinkState.DEVICE_FULL, 'device refused: HTTP 503 Service Unavailable '
     '(body too large: 2000000 bytes)', Retry.LONGEST),
    (InvalidHandshake('bad accept'), LinkState.DISCONNECTED, 'handshake failed: bad accept',
     Retry.BACKOFF),
    (ConnectionRefusedError(111, 'refused'), LinkState.DISCONNECTED, 'connection refused',
     Retry.BACKOFF),
    (socket.timeout('timed out'), LinkState.DISCONNECTED, 'connection timed out',
     Retry.BACKOFF),
    (ConnectionResetError(104, 'reset'), LinkState.DISCONNECTED,
     'connection reset by the device', Retry.BACKOFF),
    (EOFError('connection closed during the handshake'), LinkState.DISCONNECTED,
     'EOFError: connection closed during the handshake', Retry.BACKOFF),
    (OSError(113, 'No route to host'), LinkState.DISCONNECTED,
     'OSError: [Errno 113] No route to host', Retry.BACKOFF),
    (KeyError('bug'), LinkState.DISCONNECTED, "internal error: KeyError('bug')", Retry.BACKOFF),
])
def test_every_failure_has_one_state_detail_and_retry_policy(exc, state, detail, retry):
    failure = classify_failure(exc)
    assert (failure.state, failure.detail, failure.retry) == (state, detail, retry)
    assert type(failure.state) is LinkState
