"""
The WebSocket link to the camera: keeps one connection alive, in one thread, never on ROS.

Each connection is a ``ws_connection.Connection`` (handshake, receive loop with the
binary fast path, send). This module is its supervisor: it reconnects by itself with
exponential back-off and jitter after any failure (refused connection, reset, device
reboot, a full device: HTTP 503, fourth client), watches for a stalled stream (TCP open
but no frames for ``stale_timeout``, noticed on the socket's receive-timeout ticks,
which cost nothing while frames flow), and names every failure through one function,
``classify_failure``, as ``websockets``' own ``process_exception`` does.

The device is on an open WiFi network, so its peer may be anything: only frames the
node accepts (``on_frame`` returns True) count as life, the back-off starts over only
after a connection was healthy (valid frames for ``healthy_after`` seconds, so a peer
that sends one good frame and then breaks the protocol gets the growing back-off, not
a reconnect storm), and the URL in every detail has its password hidden.
"""

import enum
import random
import socket
import threading
import time
from typing import Callable, NamedTuple, NoReturn, Optional, Protocol

from websockets.exceptions import InvalidHandshake, InvalidStatus, InvalidURI
from websockets.uri import parse_uri, WebSocketURI

from .link_state import LinkState
from .protocol import REJECT_HEADER, REJECT_MAX_CLIENTS
from .safe_text import printable, redact_url
from .threads import named_thread
from .ws_connection import Connection, SessionEnded, UnreadableRefusal, USER_AGENT

__all__ = ['LinkCallbacks', 'WebSocketLink', 'backoff_delay', 'classify_failure', 'Failure',
           'Retry', 'Stalled', 'USER_AGENT', 'parse_device_url']
HEALTHY_AFTER_S = 5.0  # valid frames for this long make a connection "healthy"


class LinkCallbacks(Protocol):
    """What the link reports; called in the link's thread, so keep them short."""

    def on_frame(self, data: bytes, arrival_ns: int) -> bool:
        """Handle a binary message; return whether it was a valid frame (the link's life)."""
        return True

    def on_text(self, text: str, arrival_ns: int) -> None:
        """Handle a text message."""

    def on_state(self, state: LinkState, detail: str) -> None:
        """Handle a change of link state; detail says why."""

    def on_bad_message(self, reason: str) -> None:
        """Count a message that was skipped (say, text that is not UTF-8)."""


def backoff_delay(attempt: int, low: float, high: float,
                  rng: Callable[[], float] = random.random) -> float:
    """
    Exponential back-off with jitter: uniform in [d/2, d], d = min(high, low*2^attempt).

    The jitter keeps several nodes (or a node and the web page) from retrying in step.
    """
    delay = min(high, low * (2 ** min(attempt, 30)))
    return delay * (0.5 + 0.5 * rng())


class Stalled(Exception):
    """No frame for stale_timeout while frames are expected."""


class Retry(enum.Enum):
    """How long to wait before the next connection attempt."""

    RESTART = 'restart'  # the connection was healthy: the device works, back-off starts over
    BACKOFF = 'backoff'  # one more failed attempt: the delay doubles, up to backoff_max
    LONGEST = 'longest'  # a full device stays full until a viewer leaves: backoff_max


class Failure(NamedTuple):
    """What ended a connection attempt, as the link reports and handles it."""

    state: LinkState
    detail: str
    retry: Retry


def classify_failure(exc: BaseException) -> Failure:
    """Name what ended a connection (or the attempt at one): state, detail, retry policy."""
    if isinstance(exc, SessionEnded):
        return Failure(LinkState.DISCONNECTED, str(exc),
                       Retry.RESTART if exc.healthy else Retry.BACKOFF)
    if isinstance(exc, Stalled):
        return Failure(LinkState.STALLED, str(exc), Retry.BACKOFF)
    if isinstance(exc, InvalidStatus):
        response = exc.response
        reason = response.headers.get(REJECT_HEADER, '')
        body = printable(response.body or b'')  # the device's text: one line, bounded
        if reason == REJECT_MAX_CLIENTS or response.status_code == 503:
            return Failure(LinkState.DEVICE_FULL,
                           f'device refused: {body or reason or "503"}', Retry.LONGEST)
        status = f'HTTP {response.status_code} {printable(response.reason_phrase)}'.strip()
        return Failure(LinkState.DISCONNECTED,
                       f'handshake refused: {status}' + (f': {body}' if body else ''),
                       Retry.BACKOFF)
    if isinstance(exc, UnreadableRefusal):
        if exc.status == 503:
            return Failure(LinkState.DEVICE_FULL, f'device refused: {exc}', Retry.LONGEST)
        return Failure(LinkState.DISCONNECTED, f'handshake refused: {exc}', Retry.BACKOFF)
    if isinstance(exc, InvalidHandshake):
        return Failure(LinkState.DISCONNECTED, f'handshake failed: {printable(str(exc))}',
                       Retry.BACKOFF)
    if isinstance(exc, ConnectionRefusedError):
        detail = 'connection refused'
    elif isinstance(exc, socket.timeout):
        detail = 'connection timed out'
    elif isinstance(exc, ConnectionResetError):
        detail = 'connection reset by the device'
    elif isinstance(exc, (OSError, EOFError)):
        detail = f'{type(exc).__name__}: {exc}'
    else:  # a bug here must not end the stream: report it and reconnect
        detail = f'internal error: {exc!r}'
    return Failure(LinkState.DISCONNECTED, printable(detail), Retry.BACKOFF)


def parse_device_url(url: str) -> WebSocketURI:
    """
    Parse the device URL as the link needs it; ValueError names device_url and says why.

    The message shows the URL with its password hidden (``InvalidURI`` would quote it
    whole), and a bad port (urllib's bare "Port out of range 0-65535") says where it is.
    """
    shown = redact_url(url)
    try:
        uri = parse_uri(url)
    except InvalidURI as exc:
        raise ValueError(f'device_url {shown!r} is not a valid WebSocket URL: '
                         f'{exc.msg}') from None
    except ValueError as exc:
        raise ValueError(f'device_url {shown!r}: {exc}') from None
    if uri.secure:
        raise ValueError(f'device_url {shown!r}: the camera serves plain ws://, not wss://')
    return uri


class WebSocketLink:
    """Keeps one WebSocket connection to the device alive."""

    def __init__(self, url: str, callbacks: LinkCallbacks, *,
                 clock_ns: Callable[[], int] = time.time_ns,
                 open_timeout: float = 3.0, stale_timeout: float = 2.0,
                 backoff_min: float = 0.25, backoff_max: float = 5.0,
                 max_message: int = 1 << 20,
                 expect_frames: Callable[[], bool] = lambda: True,
                 healthy_after: float = HEALTHY_AFTER_S):
        self.uri = parse_device_url(url)
        self.url = redact_url(url)  # as details and logs show it
        self.callbacks = callbacks
        self.clock_ns = clock_ns
        self.open_timeout = open_timeout
        self.stale_timeout = stale_timeout  # read on every tick, so it may change live
        self.backoff_min = backoff_min
        self.backoff_max = backoff_max
        self.max_message = max_message
        self.expect_frames = expect_frames
        self.healthy_after = healthy_after
        self.connects = 0
        self.stalls = 0
        self.state = LinkState.STOPPED
        self._connection: Optional[Connection] = None
        self._quiet_since = 0.0  # last tick at which no frames were expected
        self._was_healthy = False  # the last connection streamed valid frames long enough
        self._stopping = threading.Event()
        self._thread: Optional[threading.Thread] = None

    # -- thread-safe API --------------------------------------------------------
    def start(self) -> None:
        """Start the link thread."""
        self._stopping.clear()
        self._thread = named_thread(self._run, 'ws_link')
        self._thread.start()

    def stop(self, timeout: float = 0.8) -> None:
        """Close the connection and end the thread (bounded wait)."""
        self._stopping.set()
        connection = self._connection
        if connection is not None:
            connection.abort()  # wakes the thread blocked in recv
        if self._thread is not None:
            self._thread.join(timeout)

    @property
    def connected(self) -> bool:
        """Tell whether a WebSocket connection is open."""
        return self.state is LinkState.CONNECTED

    def send_text(self, text: str) -> bool:
        """Send a text message (masked, as a client must); False when not connected."""
        connection = self._connection
        if connection is None or self.state is not LinkState.CONNECTED:
            return False
        return connection.send_text(text)

    # -- the link thread --------------------------------------------------------
    def _set_state(self, state: LinkState, detail: str) -> None:
        if self._stopping.is_set() and state is not LinkState.STOPPED:
            return  # whatever stop() interrupted, it is reported once, as STOPPED
        self.state = state
        try:
            self.callbacks.on_state(state, detail)
        except Exception:  # noqa: BLE001 - a callback bug must not kill the link
            pass

    def _run(self) -> None:
        attempt = 0
        while not self._stopping.is_set():
            self._set_state(LinkState.CONNECTING, self.url)
            try:
                self._session()  # returns only by raising: every end is classified
            except Exception as exc:  # noqa: BLE001 - classify_failure names them all
                failure = classify_failure(exc)
            self._set_state(failure.state, failure.detail)
            if self._stopping.is_set():
                break
            # A healthy connection (a reset or a stall after minutes of streaming, say)
            # starts the back-off over; anything shorter is one more failed attempt.
            restart = failure.retry is Retry.RESTART or self._was_healthy
            attempt = 0 if restart else attempt + 1
            delay = backoff_delay(attempt, self.backoff_min, self.backoff_max)
            if failure.retry is Retry.LONGEST:
                delay = max(delay, self.backoff_max)
            self._stopping.wait(delay)
        self._set_state(LinkState.STOPPED, 'link stopped')

    def _session(self) -> NoReturn:
        """Run one connection until it ends, which it reports by raising."""
        callbacks = self.callbacks
        connection = Connection(
            self.uri, on_frame=callbacks.on_frame, on_text=callbacks.on_text,
            on_bad_message=callbacks.on_bad_message, on_tick=self._watch,
            clock_ns=self.clock_ns, max_message=self.max_message,
            healthy_after=self.healthy_after)
        self._connection = connection
        self._was_healthy = False
        try:
            if self._stopping.is_set():  # stop() ran before the connection was published
                raise SessionEnded('link stopped', False)
            connection.connect(self.open_timeout, tick=max(0.05, self.stale_timeout / 4))
            self.connects += 1
            self._quiet_since = 0.0
            self._set_state(LinkState.CONNECTED, self.url)
            connection.run()
        except Stalled:
            self.stalls += 1
            connection.close(1001, 'stream stalled')
            raise
        finally:
            self._was_healthy = connection.healthy
            self._connection = None
            connection.release()

    def _watch(self, last_frame: float) -> None:
        """Apply the stall policy on a receive-timeout tick: raise Stalled if it is one."""
        now = time.monotonic()
        if not self.expect_frames():
            self._quiet_since = now  # silence is expected; the clock starts when it is not
            return
        silent = now - max(last_frame, self._quiet_since)
        if silent > self.stale_timeout:
            raise Stalled(f'no frames for {silent:.1f} s')
