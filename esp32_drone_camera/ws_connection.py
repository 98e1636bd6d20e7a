"""
One WebSocket connection to the camera, from TCP connect to close, on a plain socket.

The protocol work (opening handshake, frame validation, masking, ping replies, the
closing handshake, size limits) is the ``websockets`` library's sans-I/O
``ClientProtocol``; this module only moves bytes, in the thread that calls ``run()``.
It reads one whole WebSocket frame per step: the 2-byte header, the extended length,
then the payload with MSG_WAITALL, so a frame costs a few system calls and one wake-up
however many TCP segments carry it. That is what makes it cheaper than an event loop
(see docs/benchmarks.md): at 20 fps most of the node's CPU is waking up, and here a
frame wakes one thread once. A whole unmasked binary frame (nearly every message the
camera sends) goes straight to ``on_frame`` without the protocol object.

Only frames that ``on_frame`` accepts count as the device being alive: the time of the
last one is what ``on_tick`` gets, and a connection is ``healthy`` once accepted frames
have kept coming for ``healthy_after`` seconds. A peer that sends garbage, or one good
frame and then breaks the protocol, neither keeps the stall watchdog quiet nor resets
the supervisor's back-off.

Reconnecting, back-off and deciding what a silence means belong to the supervisor
(``ws_link``); this class reports each receive-timeout tick to it through ``on_tick``.
"""

import re
import socket
import struct
import threading
import time
from typing import Callable, List, NoReturn, Optional

from websockets.exceptions import InvalidHandshake, InvalidStatus
from websockets.frames import Frame, Opcode
from websockets.http11 import Response
from websockets.uri import WebSocketURI

from .safe_text import printable
from .ws_frames import extended_length_size, MessageAssembler, parse_frame_header

try:
    from websockets.client import ClientProtocol
    from websockets.protocol import State
except ImportError:  # websockets 10 (Ubuntu 22.04 and 24.04): same classes, older names
    from websockets.client import ClientConnection as ClientProtocol
    from websockets.connection import State

USER_AGENT = 'esp32_drone_camera'
SEND_TIMEOUT_S = 2.0  # a device that stops reading our few bytes is a dead link
_HANDSHAKE_CHUNK = 4096
_QUICKACK = getattr(socket, 'TCP_QUICKACK', None)  # Linux only
_STATUS_LINE = re.compile(rb'HTTP/1\.[01] ([1-5][0-9][0-9]) ?([^\r\n]{0,200})\r?\n')


class SessionEnded(Exception):
    """The connection ended; the message says how."""

    def __init__(self, detail: str, healthy: bool):
        super().__init__(detail)
        self.healthy = healthy  # it streamed valid frames long enough: the device worked


class UnreadableRefusal(InvalidHandshake):
    """
    The device answered the upgrade with an HTTP error whose response is unreadable.

    ``websockets`` then reports only "did not receive a valid HTTP response" (say, for
    a body over its 1 MiB limit); the status line, read before, says what happened.
    """

    def __init__(self, status: int, reason: str, problem: str):
        super().__init__(f'HTTP {status} {reason} ({problem})'.replace('  ', ' '))
        self.status = status
        self.reason = reason
        self.problem = problem


def _timeval(seconds: float) -> bytes:
    """Pack a struct timeval for SO_RCVTIMEO / SO_SNDTIMEO."""
    whole = int(seconds)
    return struct.pack('@ll', whole, int((seconds - whole) * 1e6))


def _ignore_errors(callback: Callable[..., object], *args: object) -> None:
    try:
        callback(*args)
    except Exception:  # noqa: BLE001 - never let a callback end the link
        pass


class Connection:
    """One connection: ``connect()``, then ``run()`` until it raises; ``abort()`` from anywhere."""

    def __init__(self, uri: WebSocketURI, *, on_frame: Callable[[bytes, int], bool],
                 on_text: Callable[[str, int], None], on_bad_message: Callable[[str], None],
                 on_tick: Callable[[float], None], clock_ns: Callable[[], int],
                 max_message: int, healthy_after: float = 5.0):
        self.uri = uri
        self.on_frame = on_frame  # returns whether the frame was valid (accepted)
        self.on_text = on_text
        self.on_bad_message = on_bad_message
        self.on_tick = on_tick  # gets the monotonic time of the last frame; may raise
        self.clock_ns = clock_ns
        self.max_message = max_message
        self.healthy_after = healthy_after
        self.last_frame = time.monotonic()  # of the last accepted frame (or of connect)
        self._first_frame: Optional[float] = None  # of the first accepted frame
        self.protocol = ClientProtocol(uri, max_size=max_message)
        self._sock: Optional[socket.socket] = None
        self._lock = threading.Lock()  # the protocol object and writes to the socket
        self._aborted = False
        self._assembler = MessageAssembler()

    # -- any thread -------------------------------------------------------------
    def abort(self) -> None:
        """End the connection now: wakes the thread blocked in a receive."""
        self._aborted = True
        sock = self._sock
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass  # not connected (any more)

    def send_text(self, text: str) -> bool:
        """Send a text message (masked, as a client must); False unless open."""
        with self._lock:
            sock = self._sock
            if sock is None or self.protocol.state is not State.OPEN:
                return False
            self.protocol.send_text(text.encode('utf-8'))
            return self._flush(sock)

    # -- the connection's own thread --------------------------------------------
    def connect(self, timeout: float, tick: float) -> None:
        """Connect (within ``timeout``), then complete the opening handshake (within it too)."""
        sock = socket.create_connection((self.uri.host, self.uri.port), timeout)
        with self._lock:
            self._sock = sock
        if self._aborted:  # abort() ran before the socket was published
            raise SessionEnded('link stopped', False)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._handshake(sock, timeout)
        # Blocking from here on, with kernel timeouts instead of Python's (which would
        # add a poll() before every recv): a receive timeout is the stall watchdog's
        # tick, a send timeout bounds a write to a dead device.
        sock.settimeout(None)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVTIMEO, _timeval(tick))
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDTIMEO, _timeval(SEND_TIMEOUT_S))
        self.last_frame = time.monotonic()

    @property
    def healthy(self) -> bool:
        """Tell whether accepted frames have kept coming for ``healthy_after`` seconds."""
        first = self._first_frame
        return first is not None and self.last_frame - first >= self.healthy_after

    def close(self, code: int, reason: str) -> None:
        """Start the closing handshake, if the connection is still open."""
        with self._lock:
            sock = self._sock
            if sock is not None and self.protocol.state is State.OPEN:
                self.protocol.send_close(code, reason)
                self._flush(sock)

    def release(self) -> None:
        """Close the socket (after connect() or run() ended)."""
        with self._lock:
            sock, self._sock = self._sock, None
        if sock is not None:
            sock.close()

    def run(self) -> NoReturn:
        """
        Read frames until the connection ends.

        Raises SessionEnded when the device or ``abort()`` ends it, OSError when the
        socket fails, and whatever ``on_tick`` raises.
        """
        sock = self._sock
        assert sock is not None, 'connect() first'
        recv_exact, max_message, assembler = self._recv_exact, self.max_message, self._assembler
        while True:
            header = recv_exact(sock, 2)
            extended = extended_length_size(header[1])
            if extended:
                header += recv_exact(sock, extended)
            length, masked, whole_binary = parse_frame_header(header)
            if whole_binary and length <= max_message and assembler.opcode is None:
                # The fast path: a whole binary frame within the limit, outside a
                # fragmented message, is a complete message as it stands (the protocol
                # object would copy it twice: cold, ~50 us a frame at 20 fps).
                payload = recv_exact(sock, length) if length else b''
                if not self._deliver_frame(payload, self.clock_ns()):
                    self._tick()  # see _through_protocol
                continue
            if length > max_message:
                # Let the protocol see the header alone: it refuses the size (close 1009)
                # before we allocate anything for the payload.
                data = header
            else:
                if masked:
                    length += 4  # a masking key: a protocol error the library reports
                data = header + recv_exact(sock, length) if length else header
            self._through_protocol(sock, data)

    def _through_protocol(self, sock: socket.socket, data: bytes) -> None:
        """Everything but the fast path: text, control frames, fragments, errors."""
        arrival = self.clock_ns()
        protocol = self.protocol
        with self._lock:
            protocol.receive_data(data)
            events = protocol.events_received()
            flushed = self._flush(sock)
        for frame in events:
            message = self._assembler.add(frame) if isinstance(frame, Frame) else None
            if message is None:
                continue
            opcode, payload = message
            if opcode is Opcode.BINARY:
                self._deliver_frame(payload, arrival)
                continue
            try:
                text = payload.decode('utf-8')
            except UnicodeDecodeError:
                _ignore_errors(self.on_bad_message, 'text message is not UTF-8')
                continue
            _ignore_errors(self.on_text, text, arrival)
        if protocol.state is not State.OPEN or not flushed:
            raise SessionEnded(_close_detail(protocol), self.healthy)
        # The receive timeout ticks the watchdog only in silence: messages that are no
        # valid frame, arriving faster than the tick, must not keep it from running.
        self._tick()

    def _deliver_frame(self, data: bytes, arrival: int) -> bool:
        """Hand a binary message to ``on_frame``; return whether it was a valid frame."""
        try:
            accepted = self.on_frame(data, arrival)
        except Exception:  # noqa: BLE001 - never let a callback end the link
            return False
        if accepted:  # only a valid frame is life: garbage must not feed the watchdog
            now = self.last_frame = time.monotonic()
            if self._first_frame is None:
                self._first_frame = now
            return True
        return False

    def _recv_exact(self, sock: socket.socket, n: int) -> bytes:
        """Exactly ``n`` bytes (the receive timeout ticks the watchdog meanwhile)."""
        chunks: List[bytes] = []
        while n:
            try:
                data = sock.recv(n, socket.MSG_WAITALL)
            except BlockingIOError:  # SO_RCVTIMEO: no data for one watchdog tick
                self._tick()
                continue
            if not data:
                if self._aborted:
                    raise SessionEnded('link stopped', self.healthy)
                raise SessionEnded('connection closed by the device (no close frame)',
                                   self.healthy)
            if len(data) == n and not chunks:
                return data
            chunks.append(data)
            n -= len(data)
            self._tick()  # a trickle of bytes is not a frame
        return b''.join(chunks)

    def _tick(self) -> None:
        if self._aborted:
            raise SessionEnded('link stopped', self.healthy)
        self.on_tick(self.last_frame)

    def _flush(self, sock: socket.socket) -> bool:
        """Write what the protocol has to send; call with the lock held."""
        try:
            sent = False
            for data in self.protocol.data_to_send():
                if data:
                    sock.sendall(data)
                    sent = True
                else:  # SEND_EOF: the protocol wants the write side half-closed
                    sock.shutdown(socket.SHUT_WR)
            if sent and _QUICKACK is not None:
                # Sending (a PING, a command) puts Linux in its "interactive" mode, which
                # delays ACKs by up to 40 ms. The camera's send buffer holds a few KB,
                # so it needs ACKs all through each frame: delayed ones stall the stream
                # (measured: 3 % of XGA frames skipped at 100 fps, p99 latency x3).
                sock.setsockopt(socket.IPPROTO_TCP, _QUICKACK, 1)
        except OSError:
            # A half-sent frame cannot be taken back: end the connection, the reader
            # notices and reconnects.
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            return False
        return True

    def _handshake(self, sock: socket.socket, timeout: float) -> None:
        """
        Send the upgrade request and read the response, and not one byte further.

        The device may send its first frames in the same TCP segment as the response:
        they stay in the socket (the headers' end is found with MSG_PEEK), so the frame
        reader starts on a frame boundary.
        """
        protocol = self.protocol
        request = protocol.connect()
        request.headers['User-Agent'] = USER_AGENT
        protocol.send_request(request)
        sock.sendall(b''.join(protocol.data_to_send()))
        deadline = time.monotonic() + timeout
        tail = b''  # the last bytes taken, in case the blank line is split across reads
        head = b''  # the first bytes of the response, for its status line
        in_headers = True
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise socket.timeout('timed out')
            sock.settimeout(remaining)
            if in_headers:
                peek = sock.recv(_HANDSHAKE_CHUNK, socket.MSG_PEEK)
                end = (tail + peek).find(b'\r\n\r\n')
                in_headers = end < 0
                data = sock.recv(len(peek) if in_headers else end + 4 - len(tail))
                tail = (tail + data)[-3:]
                if len(head) < _HANDSHAKE_CHUNK:
                    head += data
            else:
                data = sock.recv(_HANDSHAKE_CHUNK)  # the body of a refusal (HTTP 503)
            if data:
                protocol.receive_data(data)
            else:
                protocol.receive_eof()
            responses = [e for e in protocol.events_received() if isinstance(e, Response)]
            error = _handshake_error(protocol, responses)
            if error is not None:
                raise _with_status(error, head)
            if responses:
                return
            if not data:
                raise EOFError('connection closed during the handshake')


def _handshake_error(protocol: ClientProtocol, responses: list) -> Optional[Exception]:
    """Return why the handshake failed, or None (so far)."""
    if hasattr(protocol, 'handshake_exc'):  # websockets 11 and later
        return protocol.handshake_exc
    return next((r.exception for r in responses if r.exception is not None), None)


def _with_status(error: Exception, head: bytes) -> Exception:
    """
    Return ``error``, or an UnreadableRefusal when an HTTP error status came before it.

    An error response the library could not parse whole (a body over its limit, broken
    headers) is still a refusal, and its status line is the honest report of it.
    """
    if isinstance(error, InvalidStatus):
        return error
    match = _STATUS_LINE.match(head)
    if match is None or match.group(1) == b'101':
        return error
    problem = printable(str(error.__cause__ or error))
    refusal = UnreadableRefusal(int(match.group(1)), printable(match.group(2)), problem)
    refusal.__cause__ = error
    return refusal


def _close_detail(protocol: ClientProtocol) -> str:
    received = protocol.close_rcvd
    if received is not None:
        reason = printable(received.reason)  # the device's text: one line, bounded
        return f'device closed the connection ({received.code} {reason})'.strip()
    exc = protocol.parser_exc
    if exc is not None and not isinstance(exc, EOFError):
        return f'protocol error: {printable(str(exc))}'
    return 'connection closed'
