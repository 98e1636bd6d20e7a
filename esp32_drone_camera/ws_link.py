"""
The WebSocket link to the camera: asyncio in its own thread, never blocking ROS.

It connects with the ``websockets`` library (per-message deflate off: the device sends
JPEG and does not speak deflate), hands every message to callbacks in this thread,
and reconnects by itself with exponential back-off and jitter after any failure:
refused connection, reset, device reboot, a full device (HTTP 503, fourth client),
and a stalled stream (TCP open but no frames for ``stale_timeout``).
"""

import asyncio
import random
import threading
import time
from typing import Callable, Optional

from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidStatus, WebSocketException

from .protocol import REJECT_HEADER, REJECT_MAX_CLIENTS

# Link states, as shown in diagnostics.
CONNECTING = 'connecting'
CONNECTED = 'connected'
DISCONNECTED = 'disconnected'
DEVICE_FULL = 'device_full'
STALLED = 'stalled'
STOPPED = 'stopped'


class LinkCallbacks:
    """What the link reports; called in the link's thread, so keep them short."""

    def on_frame(self, data: bytes, arrival_ns: int) -> None:
        """Handle a binary message."""

    def on_text(self, text: str, arrival_ns: int) -> None:
        """Handle a text message."""

    def on_state(self, state: str, detail: str) -> None:
        """Handle a change of link state; detail says why."""


def backoff_delay(attempt: int, low: float, high: float, rng=random.random) -> float:
    """
    Exponential back-off with jitter: uniform in [d/2, d], d = min(high, low*2^attempt).

    The jitter keeps several nodes (or a node and the web page) from retrying in step.
    """
    delay = min(high, low * (2 ** min(attempt, 30)))
    return delay * (0.5 + 0.5 * rng())


class WebSocketLink:
    """Keeps one WebSocket connection to the device alive."""

    def __init__(self, url: str, callbacks: LinkCallbacks, *,
                 clock_ns: Callable[[], int] = time.time_ns,
                 open_timeout: float = 3.0, stale_timeout: float = 2.0,
                 backoff_min: float = 0.25, backoff_max: float = 5.0,
                 max_message: int = 1 << 20,
                 expect_frames: Callable[[], bool] = lambda: True):
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
        self._ws = None
        self._loop: Optional[asyncio.AbstractEventLoop] = None
        self._task: Optional[asyncio.Task] = None
        self._thread: Optional[threading.Thread] = None
        self._last_frame = 0.0

    # -- thread-safe API --------------------------------------------------------
    def start(self) -> None:
        """Start the link thread."""
        started = threading.Event()
        self._thread = threading.Thread(target=self._thread_main, args=(started,),
                                        name='ws_link', daemon=True)
        self._thread.start()
        started.wait()

    def stop(self, timeout: float = 0.8) -> None:
        """Close the connection and end the thread (bounded wait)."""
        loop, task = self._loop, self._task
        if loop is not None and task is not None and not loop.is_closed():
            try:
                loop.call_soon_threadsafe(task.cancel)
            except RuntimeError:
                pass  # the loop closed between the check and the call
        if self._thread is not None:
            self._thread.join(timeout)

    @property
    def connected(self) -> bool:
        """Tell whether a WebSocket connection is open."""
        return self.state == CONNECTED

    def send_text(self, text: str) -> bool:
        """Queue a text message; False when not connected."""
        loop, ws = self._loop, self._ws
        if loop is None or ws is None or self.state != CONNECTED:
            return False
        try:
            asyncio.run_coroutine_threadsafe(self._send(ws, text), loop)
        except RuntimeError:
            return False
        return True

    # -- the link thread --------------------------------------------------------
    def _thread_main(self, started: threading.Event) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        self._task = loop.create_task(self._run())
        started.set()
        try:
            loop.run_until_complete(self._task)
        except asyncio.CancelledError:
            pass
        finally:
            self._set_state(STOPPED, 'link stopped')
            loop.close()

    async def _send(self, ws, text: str) -> None:
        try:
            await ws.send(text)
        except ConnectionClosed:
            pass

    def _set_state(self, state: str, detail: str) -> None:
        self.state = state
        try:
            self.callbacks.on_state(state, detail)
        except Exception:  # noqa: BLE001 - a callback bug must not kill the link
            pass

    async def _run(self) -> None:
        attempt = 0
        while True:
            self._set_state(CONNECTING, self.url)
            delay_floor = 0.0
            try:
                productive = await self._session()
                attempt = 0 if productive else attempt + 1
            except InvalidStatus as exc:
                response = exc.response
                reason = response.headers.get(REJECT_HEADER, '')
                body = response.body.decode('utf-8', 'replace').strip() if response.body else ''
                if reason == REJECT_MAX_CLIENTS or response.status_code == 503:
                    # A full device stays full until a viewer leaves: wait the longest.
                    self._set_state(DEVICE_FULL, f'device refused: {body or reason or "503"}')
                    delay_floor = self.backoff_max
                else:
                    self._set_state(DISCONNECTED, f'handshake refused: HTTP '
                                    f'{response.status_code} {body}'.strip())
                attempt += 1
            except (OSError, asyncio.TimeoutError, WebSocketException) as exc:
                self._set_state(DISCONNECTED, _describe(exc))
                attempt += 1
            except Exception as exc:  # noqa: BLE001 - a bug here must not end the stream
                self._set_state(DISCONNECTED, f'internal error: {exc!r}')
                attempt += 1
            delay = max(delay_floor, backoff_delay(attempt, self.backoff_min, self.backoff_max))
            await asyncio.sleep(delay)

    async def _session(self) -> bool:
        """Run one connection until it fails; True if it delivered frames."""
        got_frames = False
        async with connect(self.url, compression=None, open_timeout=self.open_timeout,
                           ping_interval=None, close_timeout=0.5, max_size=self.max_message,
                           max_queue=8, user_agent_header='esp32_drone_camera') as ws:
            self._ws = ws
            self.connects += 1
            self._last_frame = time.monotonic()
            self._set_state(CONNECTED, self.url)
            watchdog = asyncio.ensure_future(self._watchdog(ws))
            on_frame, on_text, clock = (self.callbacks.on_frame, self.callbacks.on_text,
                                        self.clock_ns)
            try:
                async for message in ws:
                    arrival = clock()
                    try:
                        if type(message) is bytes:
                            self._last_frame = time.monotonic()
                            got_frames = True
                            on_frame(message, arrival)
                        else:
                            on_text(message, arrival)
                    except Exception:  # noqa: BLE001 - never let a callback end the link
                        pass
            finally:
                watchdog.cancel()
                self._ws = None
            if self.state == STALLED:
                return got_frames
            detail = 'connection closed'
            if ws.close_code is not None:
                detail = f'device closed the connection ({ws.close_code} {ws.close_reason})'
            self._set_state(DISCONNECTED, detail.strip())
            return got_frames

    async def _watchdog(self, ws) -> None:
        # A stall is a connection that stays open but delivers no frames while frames are
        # expected (the device is streaming and nobody stopped it).
        period = max(0.05, self.stale_timeout / 4)
        while True:
            await asyncio.sleep(period)
            if not self.expect_frames():
                self._last_frame = time.monotonic()
                continue
            silent = time.monotonic() - self._last_frame
            if silent > self.stale_timeout:
                self.stalls += 1
                self._set_state(STALLED, f'no frames for {silent:.1f} s')
                await ws.close(1001, 'stream stalled')
                return


def _describe(exc: BaseException) -> str:
    if isinstance(exc, ConnectionRefusedError):
        return 'connection refused'
    if isinstance(exc, asyncio.TimeoutError):
        return 'connection timed out'
    if isinstance(exc, ConnectionClosed):
        return f'connection lost ({exc})'
    return f'{type(exc).__name__}: {exc}'
