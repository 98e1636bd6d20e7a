"""
The viewer's HTTP server: the page, MJPEG streams, snapshots and the page's JSON.

``http.server.ThreadingHTTPServer`` from the standard library, one thread per client:
a client that stops reading blocks only its own thread (in ``sendall``, bounded by the
socket timeout), and the node's subscription callback never waits for any client. At a
handful of viewers a thread each costs less than an asyncio stack would, and needs no
dependency beyond Python. Bounds: ``max_clients`` connections (more get 503), a small
send buffer per stream (a slow client skips frames instead of lagging seconds behind
in kernel buffers), and ``client_timeout`` for every read and write.
"""

from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
import json
import os
import select
import socket
import sys
import threading
from typing import (Any, Callable, cast, Dict, Iterable, List, Protocol, Sequence, Tuple,
                    Union)
from urllib.parse import parse_qs, urlsplit

from . import mjpeg
from .hub import Hub, HubClosed
from .topics import base_name, image_topics, RequestError, resolve
from ..threads import named_thread

STREAM_SNDBUF = 64 * 1024  # the kernel doubles it: about 5 VGA frames in flight at most
IDLE_CHECK_S = 1.0  # while no frames come, look this often whether the client left
SNAPSHOT_TIMEOUT_S = 5.0
STREAM_TYPES = ('mjpeg', 'ros_compressed')  # web_video_server types served unchanged
MAX_PATH_SHOWN = 80
STATIC_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'static')
Query = Dict[str, List[str]]  # parse_qs of a request's query string
Request = Union[socket.socket, Tuple[bytes, socket.socket]]  # socketserver's (datagram: tuple)


def page_path() -> str:
    """Return the page's file: beside this module, else in the package's share/ (colcon)."""
    here = os.path.join(STATIC_DIR, 'index.html')
    if os.path.isfile(here):
        return here
    from ament_index_python.packages import get_package_share_directory
    return os.path.join(get_package_share_directory('esp32_drone_camera'), 'viewer',
                        'index.html')


def send_parts(sock: socket.socket, parts: Sequence) -> None:
    """Send ``parts`` (bytes or memoryviews) in order with no copy; partial sends resume."""
    views = [memoryview(p) for p in parts if len(p)]
    while views:
        sent = sock.sendmsg(views)
        while views and sent >= len(views[0]):
            sent -= len(views[0])
            views.pop(0)
        if sent:
            views[0] = views[0][sent:]


def peer_gone(sock: socket.socket) -> bool:
    """Return True if the client closed its end (readable with nothing to read)."""
    try:
        readable, _, _ = select.select([sock], [], [], 0)
        return bool(readable) and sock.recv(1, socket.MSG_PEEK) == b''
    except (OSError, ValueError):
        return True


class Backend(Protocol):
    """What the server needs from the node (the node implements it)."""

    hub: Hub

    def graph(self) -> Dict[str, List[str]]:
        """Return every topic on the ROS graph with its type names."""
        raise NotImplementedError

    def diagnostics(self) -> List[dict]:
        """Return the latest diagnostics statuses as JSON-ready dicts."""
        raise NotImplementedError


class Handler(BaseHTTPRequestHandler):
    """Routes GET requests; every refusal is a status and a one-line text body."""

    protocol_version = 'HTTP/1.1'  # keep-alive for the page's polling
    server: 'ViewerServer'  # http.server types it as any server: this is the one it runs in

    def version_string(self) -> str:
        """Name the server without Python's version."""
        return 'esp32_drone_camera_viewer'

    def setup(self) -> None:
        """Bound every read and write of this client by the server's client timeout."""
        self.request.settimeout(self.server.client_timeout)  # what setup() does with timeout
        super().setup()

    def do_GET(self) -> None:  # noqa: N802 - the name http.server dispatches to
        """Answer one GET."""
        url = urlsplit(self.path)
        route = ROUTES.get(url.path)
        try:
            if route is None:
                raise RequestError(
                    404, f'unknown path: {url.path[:MAX_PATH_SHOWN]!r} '
                         '(try /, /stream?topic=, /snapshot?topic=)')
            route(self, parse_qs(url.query, keep_blank_values=True))
        except RequestError as exc:
            self.text(exc.status, str(exc))
        except HubClosed as exc:
            self.text(503, str(exc))
        except (ConnectionError, TimeoutError):
            self.close_connection = True  # the client left or stalled: nothing to answer

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - http.server's signature
        """Stay quiet: the page polls every second."""

    # --- responses ------------------------------------------------------------------------

    def text(self, status: int, message: str) -> None:
        """Answer with one line of text."""
        self.body(status, 'text/plain; charset=utf-8', (message + '\n').encode())

    def body(self, status: int, content_type: str, data: Union[bytes, memoryview],
             headers: Iterable[Tuple[str, str]] = ()) -> None:
        """Answer with a complete body."""
        self.send_response(status)
        self.send_header('Content-Type', content_type)
        self.send_header('Content-Length', str(len(data)))
        self.send_header('X-Content-Type-Options', 'nosniff')
        for name, value in (*mjpeg.NO_CACHE, *headers):
            self.send_header(name, value)
        self.end_headers()
        send_parts(self.connection, [data])

    def topic(self, query: Query) -> str:
        """Return the CompressedImage topic the query names (RequestError if none)."""
        kind = query.get('type', ['mjpeg'])[0]
        if kind not in STREAM_TYPES:
            raise RequestError(
                400, f'unsupported type: {kind[:MAX_PATH_SHOWN]!r} (this viewer '
                     'serves the published JPEGs: type=mjpeg)')
        return resolve(query.get('topic', [''])[0], self.server.backend.graph())

    @property
    def peer(self) -> str:
        """Return the client's address as host:port."""
        return '%s:%s' % self.client_address[:2]

    # --- routes ---------------------------------------------------------------------------

    def page(self, query: Query) -> None:
        """Serve the page."""
        self.body(200, 'text/html; charset=utf-8', self.server.page)

    def stream(self, query: Query) -> None:
        """Serve MJPEG: each newest frame once, until the client leaves."""
        topic = self.topic(query)
        sock = self.connection
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, STREAM_SNDBUF)
        with self.server.backend.hub.watch(topic, self.peer, 'stream') as (slot, client):
            self.close_connection = True
            self.send_response(200)
            self.send_header('Content-Type', mjpeg.CONTENT_TYPE)
            for name, value in mjpeg.NO_CACHE:
                self.send_header(name, value)
            self.send_header('Connection', 'close')
            self.end_headers()
            seq = 0
            while True:
                frame = slot.wait_newer(seq, IDLE_CHECK_S)
                if frame is None:
                    if slot.closed or peer_gone(sock):
                        return
                    continue
                send_parts(sock, [mjpeg.part_header(len(frame.data), frame.sec, frame.nanosec),
                                  frame.data, mjpeg.PART_END])
                client.sent_frame(frame.seq, seq)
                seq = frame.seq

    def snapshot(self, query: Query) -> None:
        """Serve the newest frame as one JPEG."""
        topic = self.topic(query)
        with self.server.backend.hub.watch(topic, self.peer, 'snapshot') as (slot, client):
            frame = slot.wait_newer(0, SNAPSHOT_TIMEOUT_S)
            if frame is not None:
                client.sent_frame(frame.seq, 0)
        if frame is None:
            raise RequestError(504, f'no frame on {topic} within {SNAPSHOT_TIMEOUT_S:g} s')
        self.body(200, 'image/jpeg', frame.data,
                  [('X-Timestamp', f'{frame.sec}.{frame.nanosec:09d}')])

    def api_topics(self, query: Query) -> None:
        """Serve the CompressedImage topics with the live numbers of the watched ones."""
        hub = self.server.backend.hub
        topics = []
        for name in image_topics(self.server.backend.graph()):
            stats = hub.stats(name)
            topics.append(dict(stats or {}, topic=base_name(name), name=name,
                               watched=stats is not None))
        self.json({'topics': topics})

    def api_diagnostics(self, query: Query) -> None:
        """Serve the latest diagnostics statuses."""
        self.json({'statuses': self.server.backend.diagnostics()})

    def json(self, value: object) -> None:
        """Answer with JSON."""
        self.body(200, 'application/json', json.dumps(value).encode())


ROUTES: Dict[str, Callable[[Handler, Query], None]] = {
    '/': Handler.page,
    '/index.html': Handler.page,
    '/stream': Handler.stream,
    '/snapshot': Handler.snapshot,
    '/api/topics': Handler.api_topics,
    '/api/diagnostics': Handler.api_diagnostics,
}


class ViewerServer(ThreadingHTTPServer):
    """The HTTP server: bounded clients, each in its own named thread."""

    daemon_threads = True
    request_queue_size = 16
    # What getsockname() gives once bound (IPv4, IPv6): the host is never bytes here.
    server_address: Union[Tuple[str, int], Tuple[str, int, int, int]]

    def __init__(self, address: str, port: int, backend: Backend, page: bytes,
                 max_clients: int, client_timeout: float,
                 log_error: Callable[[str], object] = print) -> None:
        self.address_family = socket.AF_INET6 if ':' in address else socket.AF_INET
        self.backend = backend
        self.page = page
        self.max_clients = max_clients
        self.client_timeout = client_timeout
        self._log_error = log_error
        self._active = 0
        self._active_lock = threading.Lock()
        super().__init__((address, port), Handler)

    def process_request(self, request: Request, client_address: Tuple[str, int]) -> None:
        """Serve in a new thread, or refuse with 503 when ``max_clients`` are connected."""
        with self._active_lock:
            full = self._active >= self.max_clients
            if not full:
                self._active += 1
        if full:
            message = f'too many clients (max_clients {self.max_clients})\n'.encode()
            sock = cast(socket.socket, request)  # a TCP server's requests are sockets
            try:
                sock.sendall(b'HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\n'
                             b'Content-Type: text/plain; charset=utf-8\r\n'
                             b'Content-Length: %d\r\n\r\n%s' % (len(message), message))
            except OSError:
                pass
            self.shutdown_request(request)
            return
        named_thread(self._serve_one, 'viewer_http', (request, client_address)).start()

    def _serve_one(self, request: Request, client_address: Tuple[str, int]) -> None:
        try:
            self.process_request_thread(request, client_address)
        finally:
            with self._active_lock:
                self._active -= 1

    def handle_error(self, request: Request, client_address: Tuple[str, int]) -> None:
        """Log one line per unexpected error (a client leaving is not one)."""
        exc = sys.exc_info()[1]
        if not isinstance(exc, (ConnectionError, TimeoutError)):
            self._log_error(f'viewer: error serving {client_address[0]}: {exc!r}')
