"""
The WebSocket link to the camera: one thread blocked on a plain socket, never on ROS.

The protocol work (opening handshake, frame parsing and validation, masking, ping
replies, the closing handshake, size limits) is the ``websockets`` library's sans-I/O
``ClientProtocol``; this module only moves bytes. It reads one whole WebSocket frame
per step: the 2-byte header, the extended length, then the payload with MSG_WAITALL,
so a frame costs a few system calls and one wake-up however many TCP segments carry
it. That is what makes it cheaper than an event loop (see docs/benchmarks.md): at
20 fps most of the node's CPU is waking up, and here a frame wakes one thread once.

It reconnects by itself with exponential back-off and jitter after any failure:
refused connection, reset, device reboot, a full device (HTTP 503, fourth client),
and a stalled stream (TCP open but no frames for ``stale_timeout``, noticed through
the socket's receive timeout, which costs nothing while frames flow).
"""

import random
import socket
import struct
import threading
import time
from typing import Callable, List, Optional

from websockets.exceptions import InvalidHandshake, InvalidStatus, InvalidURI
from websockets.frames import Opcode
from websockets.http11 import Response
from websockets.uri import parse_uri

try:
    from websockets.client import ClientProtocol
    from websockets.protocol import State
except ImportError:  # websockets 10 (Ubuntu 22.04 and 24.04): same classes, older names
    from websockets.client import ClientConnection as ClientProtocol
    from websockets.connection import State

from .protocol import REJECT_HEADER, REJECT_MAX_CLIENTS
from .threads import named_thread

# Link states, as shown in diagnostics.
CONNECTING = 'connecting'
CONNECTED = 'connected'
DISCONNECTED = 'disconnected'
DEVICE_FULL = 'device_full'
STALLED = 'stalled'
STOPPED = 'stopped'

USER_AGENT = 'esp32_drone_camera'
SEND_TIMEOUT_S = 2.0  # a device that stops reading our few bytes is a dead link
_HANDSHAKE_CHUNK = 4096
_FIN_BINARY = 0x82  # first header byte of a whole binary frame (RFC 6455 section 5.2)
_MASKED = 0x80  # mask bit of the second header byte
_QUICKACK = getattr(socket, 'TCP_QUICKACK', None)  # Linux only


class LinkCallbacks:
    """What the link reports; called in the link's thread, so keep them short."""

    def on_frame(self, data: bytes, arrival_ns: int) -> None:
        """Handle a binary message."""

    def on_text(self, text: str, arrival_ns: int) -> None:
        """Handle a text message."""

    def on_state(self, state: str, detail: str) -> None:
        """Handle a change of link state; detail says why."""

    def on_bad_message(self, reason: str) -> None:
        """Count a message that was skipped (say, text that is not UTF-8)."""


def backoff_delay(attempt: int, low: float, high: float, rng=random.random) -> float:
    """
    Exponential back-off with jitter: uniform in [d/2, d], d = min(high, low*2^attempt).

    The jitter keeps several nodes (or a node and the web page) from retrying in step.
    """
    delay = min(high, low * (2 ** min(attempt, 30)))
    return delay * (0.5 + 0.5 * rng())


def _timeval(seconds: float) -> bytes:
    """Pack a struct timeval for SO_RCVTIMEO / SO_SNDTIMEO."""
    whole = int(seconds)
    return struct.pack('@ll', whole, int((seconds - whole) * 1e6))


class _Stalled(Exception):
    """No frame for stale_timeout while frames are expected."""


class _Closed(Exception):
    """The session ended; the message says how."""


class WebSocketLink:
    """Keeps one WebSocket connection to the device alive."""

    def __init__(self, url: str, callbacks: LinkCallbacks, *,
                 clock_ns: Callable[[], int] = time.time_ns,
                 open_timeout: float = 3.0, stale_timeout: float = 2.0,
                 backoff_min: float = 0.25, backoff_max: float = 5.0,
                 max_message: int = 1 << 20,
                 expect_frames: Callable[[], bool] = lambda: True):
        try:
            self.uri = parse_uri(url)
        except InvalidURI as exc:
            raise ValueError(f'device_url: {exc}') from None
        if self.uri.secure:
            raise ValueError(f'{url}: the camera serves plain ws://, not wss://')
        self.url = url
        self.callbacks = callbacks
        self.clock_ns = clock_ns
        self.open_timeout = open_timeout
        self.stale_timeout = stale_timeout
        self.backoff_min = backoff_min
        self.backoff_max = backoff_max
        self.max_message = max_message
        self.expect_frames = expect_frames
        self.connects = 0
        self.stalls = 0
        self.state = STOPPED
        self._sock: Optional[socket.socket] = None
        self._protocol: Optional[ClientProtocol] = None
        self._lock = threading.Lock()  # the protocol object and writes to the socket
        self._stopping = threading.Event()
        self._thread: Optional[threading.Thread] = None
        self._last_frame = 0.0
        self._fragments: List[bytes] = []
        self._fragment_opcode: Optional[Opcode] = None
        self._got_frames = False

    # -- thread-safe API --------------------------------------------------------
    def start(self) -> None:
        """Start the link thread."""
        self._stopping.clear()
        self._thread = named_thread(self._run, 'ws_link')
        self._thread.start()

    def stop(self, timeout: float = 0.8) -> None:
        """Close the connection and end the thread (bounded wait)."""
        self._stopping.set()
        sock = self._sock
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)  # wakes the thread blocked in recv
            except OSError:
                pass  # not connected (any more)
        if self._thread is not None:
            self._thread.join(timeout)

    @property
    def connected(self) -> bool:
        """Tell whether a WebSocket connection is open."""
        return self.state == CONNECTED

    def send_text(self, text: str) -> bool:
        """Send a text message (masked, as a client must); False when not connected."""
        with self._lock:
            protocol, sock = self._protocol, self._sock
            if protocol is None or sock is None or self.state != CONNECTED \
                    or protocol.state is not State.OPEN:
                return False
            protocol.send_text(text.encode('utf-8'))
            return self._flush(protocol, sock)

    # -- the link thread --------------------------------------------------------
    def _flush(self, protocol: ClientProtocol, sock: socket.socket) -> bool:
        """Write what the protocol has to send; call with the lock held."""
        try:
            sent = False
            for data in protocol.data_to_send():
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

    def _set_state(self, state: str, detail: str) -> None:
        if self._stopping.is_set() and state != STOPPED:
            return  # whatever stop() interrupted, it is reported once, as STOPPED
        self.state = state
        try:
            self.callbacks.on_state(state, detail)
        except Exception:  # noqa: BLE001 - a callback bug must not kill the link
            pass

    def _run(self) -> None:
        attempt = 0
        while not self._stopping.is_set():
            self._set_state(CONNECTING, self.url)
            delay_floor = 0.0
            try:
                attempt = 0 if self._session() else attempt + 1
            except InvalidStatus as exc:
                response = exc.response
                reason = response.headers.get(REJECT_HEADER, '')
                body = bytes(response.body or b'').decode('utf-8', 'replace').strip()
                if reason == REJECT_MAX_CLIENTS or response.status_code == 503:
                    # A full device stays full until a viewer leaves: wait the longest.
                    self._set_state(DEVICE_FULL, f'device refused: {body or reason or "503"}')
                    delay_floor = self.backoff_max
                else:
                    self._set_state(DISCONNECTED, f'handshake refused: HTTP '
                                    f'{response.status_code} {body}'.strip())
                attempt += 1
            except InvalidHandshake as exc:
                self._set_state(DISCONNECTED, f'handshake failed: {exc}')
                attempt += 1
            except (OSError, EOFError) as exc:
                self._set_state(DISCONNECTED, _describe(exc))
                attempt += 1
            except Exception as exc:  # noqa: BLE001 - a bug here must not end the stream
                self._set_state(DISCONNECTED, f'internal error: {exc!r}')
                attempt += 1
            if self._stopping.is_set():
                break
            delay = max(delay_floor, backoff_delay(attempt, self.backoff_min, self.backoff_max))
            self._stopping.wait(delay)
        self._set_state(STOPPED, 'link stopped')

    def _session(self) -> bool:
        """Run one connection until it ends; True if it delivered frames."""
        sock = socket.create_connection((self.uri.host, self.uri.port), self.open_timeout)
        self._sock = sock
        try:
            if self._stopping.is_set():  # stop() ran before the socket was published
                raise _Closed('link stopped')
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            protocol = ClientProtocol(self.uri, max_size=self.max_message)
            self._handshake(sock, protocol)
            # Blocking from here on, with kernel timeouts instead of Python's (which
            # would add a poll() before every recv): a receive timeout is the stall
            # watchdog's tick, a send timeout bounds a write to a dead device.
            sock.settimeout(None)
            tick = max(0.05, self.stale_timeout / 4)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVTIMEO, _timeval(tick))
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDTIMEO, _timeval(SEND_TIMEOUT_S))
            self._fragments, self._fragment_opcode = [], None
            self._got_frames = False
            with self._lock:
                self._protocol = protocol
            self.connects += 1
            self._last_frame = time.monotonic()
            self._set_state(CONNECTED, self.url)
            return self._receive(sock, protocol)
        except _Stalled as exc:
            self.stalls += 1
            self._set_state(STALLED, str(exc))
            with self._lock:
                if protocol.state is State.OPEN:
                    protocol.send_close(1001, 'stream stalled')
                    self._flush(protocol, sock)
            return False
        except _Closed as exc:
            self._set_state(DISCONNECTED, str(exc))
            return self._got_frames
        finally:
            with self._lock:
                self._protocol = None
                self._sock = None
            sock.close()

    def _handshake(self, sock: socket.socket, protocol: ClientProtocol) -> None:
        """
        Send the upgrade request and read the response, and not one byte further.

        The device may send its first frames in the same TCP segment as the response:
        they stay in the socket (the headers' end is found with MSG_PEEK), so the frame
        reader starts on a frame boundary.
        """
        request = protocol.connect()
        request.headers['User-Agent'] = USER_AGENT
        protocol.send_request(request)
        sock.sendall(b''.join(protocol.data_to_send()))
        deadline = time.monotonic() + self.open_timeout
        tail = b''  # the last bytes taken, in case the blank line is split across reads
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
            else:
                data = sock.recv(_HANDSHAKE_CHUNK)  # the body of a refusal (HTTP 503)
            if data:
                protocol.receive_data(data)
            else:
                protocol.receive_eof()
            responses = [e for e in protocol.events_received() if isinstance(e, Response)]
            error = _handshake_error(protocol, responses)
            if error is not None:
                raise error
            if responses:
                return
            if not data:
                raise EOFError('connection closed during the handshake')

    # -- frames -----------------------------------------------------------------
    def _receive(self, sock: socket.socket, protocol: ClientProtocol) -> bool:
        """Read frames until the connection ends; True if it delivered frames."""
        recv_exact, max_message = self._recv_exact, self.max_message
        while True:
            header = recv_exact(sock, 2)
            length = header[1] & 0x7F
            if length == 126:
                extended = recv_exact(sock, 2)
                length = int.from_bytes(extended, 'big')
                header += extended
            elif length == 127:
                extended = recv_exact(sock, 8)
                length = int.from_bytes(extended, 'big')
                header += extended
            if header[0] == _FIN_BINARY and header[1] < _MASKED and length <= max_message \
                    and self._fragment_opcode is None:
                # The fast path, for nearly every message the camera sends: a whole,
                # unmasked binary frame within the limit, outside a fragmented message,
                # is a complete message as it stands, and the protocol object would only
                # copy it twice (cold, that is ~50 us a frame at 20 fps). Everything else
                # (text, control frames, fragments, anything malformed) goes through it.
                payload = recv_exact(sock, length) if length else b''
                self._deliver_frame(payload, self.clock_ns())
                continue
            if length > max_message:
                # Let the protocol see the header alone: it refuses the size (close 1009)
                # before we allocate anything for the payload.
                data = header
            else:
                if header[1] & 0x80:
                    length += 4  # a masking key: a protocol error the library reports
                data = header + recv_exact(sock, length) if length else header
            arrival = self.clock_ns()
            with self._lock:
                protocol.receive_data(data)
                events = protocol.events_received()
                flushed = self._flush(protocol, sock)
            self._dispatch(events, arrival)
            if protocol.state is not State.OPEN or not flushed:
                raise _Closed(_close_detail(protocol))

    def _recv_exact(self, sock: socket.socket, n: int) -> bytes:
        """Exactly ``n`` bytes (the receive timeout ticks the stall watchdog meanwhile)."""
        chunks = []
        while n:
            try:
                data = sock.recv(n, socket.MSG_WAITALL)
            except BlockingIOError:  # SO_RCVTIMEO: no data for one watchdog tick
                self._check_stall()
                continue
            if not data:
                if self._stopping.is_set():
                    raise _Closed('link stopped')
                raise _Closed('connection closed by the device (no close frame)')
            if len(data) == n and not chunks:
                return data
            chunks.append(data)
            n -= len(data)
            self._check_stall()  # a trickle of bytes is not a frame
        return b''.join(chunks)

    def _check_stall(self) -> None:
        if self._stopping.is_set():
            raise _Closed('link stopped')
        if not self.expect_frames():
            self._last_frame = time.monotonic()
            return
        silent = time.monotonic() - self._last_frame
        if silent > self.stale_timeout:
            raise _Stalled(f'no frames for {silent:.1f} s')

    def _dispatch(self, events: list, arrival: int) -> None:
        """Hand whole messages to the callbacks; reassemble fragmented ones."""
        for frame in events:
            opcode = frame.opcode
            if opcode is Opcode.CONT:
                if self._fragment_opcode is None:
                    continue  # the library rejects this; nothing to deliver
                self._fragments.append(frame.data)
                if not frame.fin:
                    continue
                opcode, data = self._fragment_opcode, b''.join(self._fragments)
                self._fragments, self._fragment_opcode = [], None
            elif opcode is Opcode.BINARY or opcode is Opcode.TEXT:
                data = frame.data
                if not frame.fin:
                    self._fragment_opcode, self._fragments = opcode, [data]
                    continue
            else:
                continue  # ping (the library queued the pong), pong, close
            if opcode is Opcode.BINARY:
                self._deliver_frame(bytes(data), arrival)
                continue
            try:
                text = bytes(data).decode('utf-8')
            except UnicodeDecodeError:
                self.callbacks.on_bad_message('text message is not UTF-8')
                continue
            try:
                self.callbacks.on_text(text, arrival)
            except Exception:  # noqa: BLE001 - never let a callback end the link
                pass

    def _deliver_frame(self, data: bytes, arrival: int) -> None:
        self._last_frame = time.monotonic()
        self._got_frames = True
        try:
            self.callbacks.on_frame(data, arrival)
        except Exception:  # noqa: BLE001 - never let a callback end the link
            pass


def _handshake_error(protocol: ClientProtocol, responses: list) -> Optional[Exception]:
    """Return why the handshake failed, or None (so far)."""
    if hasattr(protocol, 'handshake_exc'):  # websockets 11 and later
        return protocol.handshake_exc
    return next((r.exception for r in responses if r.exception is not None), None)


def _close_detail(protocol: ClientProtocol) -> str:
    received = protocol.close_rcvd
    if received is not None:
        return f'device closed the connection ({received.code} {received.reason})'.strip()
    exc = protocol.parser_exc
    if exc is not None and not isinstance(exc, EOFError):
        return f'protocol error: {exc}'
    return 'connection closed'


def _describe(exc: BaseException) -> str:
    if isinstance(exc, ConnectionRefusedError):
        return 'connection refused'
    if isinstance(exc, socket.timeout):
        return 'connection timed out'
    if isinstance(exc, ConnectionResetError):
        return 'connection reset by the device'
    return f'{type(exc).__name__}: {exc}'
