"""
A hostile camera for the tests: a loopback WebSocket server that misbehaves on purpose.

The drone's WiFi is open, so anything on it can pretend to be the camera (issue #13).
This peer answers the node's upgrade with ``websockets``' sans-I/O ``ServerProtocol``
(or with any raw HTTP response), then runs a script for each connection that sends
whatever it likes: valid frames, garbage, floods of welcomes, frames a correct server
never sends. A reader thread per connection parses what the node sends back (commands,
PINGs) with the same protocol object, which also answers the node's WebSocket pings.
"""

import json
import socket
import threading
import time
from typing import Callable, List, Optional

from esp32_drone_camera import frames
from esp32_drone_camera.emulator.imagery import FrameRenderer
from esp32_drone_camera.protocol import FRAME_SIZE_BY_NAME
from websockets.frames import Frame, Opcode
from websockets.http11 import Request
from websockets.server import ServerProtocol

TEXT, BINARY, CLOSE = 0x1, 0x2, 0x8


def ws_frame(opcode: int, payload: bytes, *, fin: bool = True, rsv: int = 0,
             masked: bool = False) -> bytes:
    """Encode one frame by hand, however wrong (a server must never mask; RSV must be 0)."""
    first = (0x80 if fin else 0) | (rsv & 7) << 4 | opcode
    mask_bit, n = (0x80 if masked else 0), len(payload)
    if n < 126:
        head = bytes([first, mask_bit | n])
    elif n < 1 << 16:
        head = bytes([first, mask_bit | 126]) + n.to_bytes(2, 'big')
    else:
        head = bytes([first, mask_bit | 127]) + n.to_bytes(8, 'big')
    return head + (b'\0\0\0\0' if masked else b'') + payload  # a zero key masks nothing


def welcome(**fields: object) -> str:
    """Return a v2 welcome: QVGA, quality 12, 20 fps unless ``fields`` say otherwise."""
    msg = {'type': 'welcome', 'message': 'hostile', 'protocol': 2, 'firmware': '2.2.0',
           'frame_size': 'QVGA', 'width': 320, 'height': 240, 'quality': 12,
           'fps_target': 20, 'auth': False, 'max_clients': 3}
    msg.update(fields)
    return json.dumps(msg)


class Jpegs:
    """Real JPEGs of one frame size with v2 metadata, rendered once, cheap to send."""

    def __init__(self, frame_size: str = 'QVGA', quality: int = 12, count: int = 4):
        self.index = FRAME_SIZE_BY_NAME[frame_size][0]
        self._jpegs = FrameRenderer(frame_size, quality).pre_encode(count)
        self.smallest = min(len(j) for j in self._jpegs)

    def frame(self, seq: int, capture_us: int = 0) -> bytes:
        """Return the frame with sequence number ``seq``."""
        return frames.insert_metadata(self._jpegs[seq % len(self._jpegs)], self.index, 12,
                                      seq, capture_us)


class PeerConnection:
    """One accepted connection, past the handshake: send anything, see what comes back."""

    def __init__(self, sock: socket.socket, protocol: ServerProtocol,
                 stopping: threading.Event):
        self.sock = sock
        self.protocol = protocol
        self.texts: List[str] = []  # text messages from the node (commands, PINGs)
        self.closed = threading.Event()  # the node closed or the socket failed
        self._stopping = stopping
        self._lock = threading.Lock()  # one writer at a time: script and reader
        threading.Thread(target=self._read, daemon=True).start()

    @property
    def alive(self) -> bool:
        """Tell whether the connection is up and the peer is not stopping."""
        return not self.closed.is_set() and not self._stopping.is_set()

    def send(self, data: bytes) -> bool:
        """Send raw bytes; False once the connection is gone."""
        with self._lock:
            try:
                self.sock.sendall(data)
                return True
            except OSError:
                self.closed.set()
                return False

    def binary(self, payload: bytes) -> bool:
        """Send one whole binary message."""
        return self.send(ws_frame(BINARY, payload))

    def text(self, text: str) -> bool:
        """Send one whole text message."""
        return self.send(ws_frame(TEXT, text.encode('utf-8')))

    def sleep(self, seconds: float) -> bool:
        """Wait (a stop or the node closing cuts it short); return ``alive``."""
        self._stopping.wait(seconds)
        return self.alive

    def commands(self) -> List[dict]:
        """Commands the node sent (JSON texts; PINGs left out)."""
        return [json.loads(t) for t in list(self.texts) if t.startswith('{')]

    def _read(self) -> None:
        while True:
            try:
                data = self.sock.recv(65536)
            except OSError:
                data = b''
            with self._lock:
                if data:
                    self.protocol.receive_data(data)
                else:
                    self.protocol.receive_eof()
                events = self.protocol.events_received()
                replies = [d for d in self.protocol.data_to_send() if d]
            for event in events:
                if isinstance(event, Frame) and event.opcode is Opcode.TEXT:
                    self.texts.append(bytes(event.data).decode('utf-8', 'replace'))
            for reply in replies:  # pongs and the closing handshake
                self.send(reply)
            if not data or self.protocol.close_rcvd is not None:
                self.closed.set()
                return

    def close(self) -> None:
        """Drop the TCP connection (no closing handshake)."""
        self.closed.set()
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.sock.close()


class HostilePeer:
    """
    A fake camera on 127.0.0.1: ``script(connection)`` runs for every connection.

    With ``refusal`` (raw bytes: an HTTP response) it answers every upgrade with
    those bytes and closes instead. When the script returns, the connection is
    dropped without a closing handshake.
    """

    def __init__(self, script: Callable[[PeerConnection], None] = lambda c: None,
                 refusal: Optional[bytes] = None):
        self.script = script
        self.refusal = refusal
        self.connections: List[PeerConnection] = []
        self.accepted: List[float] = []  # time.monotonic() of every accepted TCP connection
        self.requests: List[bytes] = []  # the upgrade requests, as sent
        self._stopping = threading.Event()
        self._listener = socket.create_server(('127.0.0.1', 0))
        self.port = self._listener.getsockname()[1]
        self.url = f'ws://127.0.0.1:{self.port}'
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self._stopping.is_set():
            try:
                sock, _ = self._listener.accept()
            except OSError:
                return
            self.accepted.append(time.monotonic())
            threading.Thread(target=self._serve, args=(sock,), daemon=True).start()

    def _serve(self, sock: socket.socket) -> None:
        request = b''
        sock.settimeout(5)
        try:
            while b'\r\n\r\n' not in request and len(request) < 65536:
                chunk = sock.recv(4096)
                if not chunk:
                    return sock.close()
                request += chunk
        except OSError:
            return sock.close()
        sock.settimeout(None)
        self.requests.append(request)
        if self.refusal is not None:
            try:
                sock.sendall(self.refusal)
            except OSError:
                pass
            return sock.close()
        protocol = ServerProtocol()
        protocol.receive_data(request)
        upgrade = [e for e in protocol.events_received() if isinstance(e, Request)]
        response = protocol.accept(upgrade[0])
        protocol.send_response(response)
        sock.sendall(b''.join(protocol.data_to_send()))
        connection = PeerConnection(sock, protocol, self._stopping)
        self.connections.append(connection)
        try:
            self.script(connection)
        except Exception:  # noqa: BLE001 - a script ends when the node hangs up
            pass
        finally:
            connection.close()

    def connects_between(self, start: float, end: float) -> int:
        """Count the TCP connections accepted between two time.monotonic() instants."""
        return sum(start <= t < end for t in self.accepted)

    def commands(self) -> List[dict]:
        """Commands the node sent over all connections."""
        return [c for conn in list(self.connections) for c in conn.commands()]

    def close(self) -> None:
        """Stop serving: scripts see ``alive`` turn False, the listener closes."""
        self._stopping.set()
        self._listener.close()
        for connection in list(self.connections):
            connection.close()


class Usage:
    """Threads, CPU and memory of a process while an attack runs, sampled every 50 ms."""

    def __init__(self, pid: int, interval: float = 0.05):
        import psutil
        self.process = psutil.Process(pid)
        self.threads_before = self.peak_threads = self.process.num_threads()
        self.rss_before = self.peak_rss = self.process.memory_info().rss
        self._cpu_before = self._cpu()
        self._started = time.monotonic()
        self.cpu_percent = 0.0
        self.seconds = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, args=(interval,), daemon=True)
        self._thread.start()

    def _cpu(self) -> float:
        times = self.process.cpu_times()
        return times.user + times.system

    def _sample(self, interval: float) -> None:
        while not self._stop.wait(interval):
            try:
                self.peak_threads = max(self.peak_threads, self.process.num_threads())
                self.peak_rss = max(self.peak_rss, self.process.memory_info().rss)
            except Exception:  # noqa: BLE001 - the process ended: keep what was seen
                return

    def stop(self) -> 'Usage':
        """End the sampling; fix the CPU use (% of one core) over the whole period."""
        self._stop.set()
        self._thread.join(1)
        self.seconds = time.monotonic() - self._started
        self.cpu_percent = 100 * (self._cpu() - self._cpu_before) / self.seconds
        return self

    @property
    def rss_growth_mib(self) -> float:
        """Return the peak resident memory above the start, MiB."""
        return (self.peak_rss - self.rss_before) / (1 << 20)

    def summary(self) -> str:
        """Say what was measured, for the reliability record."""
        return (f'threads {self.threads_before} -> peak {self.peak_threads}, CPU '
                f'{self.cpu_percent:.0f} % of a core over {self.seconds:.1f} s, RSS '
                f'{self.rss_before / (1 << 20):.0f} MiB + {self.rss_growth_mib:.1f} MiB')
