"""
The emulated camera: one port serving the web page and the WebSocket stream.

Behaves like the firmware (docs/protocol.md): welcome and 1 Hz status JSON, JPEG
frames with APP4 metadata, PING/PONG and clock-sync PING, commands with replies, at
most three clients, and the firmware's flow control: at most one frame in flight per
client, a busy client skips frames (counted) instead of queueing them.
"""

import asyncio
import dataclasses
import fcntl
import http
import json
import os
import signal
import socket
import struct
import time
from typing import Dict, List, Optional

from websockets.asyncio.server import serve, ServerConnection
from websockets.datastructures import Headers
from websockets.exceptions import ConnectionClosed
from websockets.http11 import Response

from . import capture_log
from .config import EmulatorConfig
from .device import DeviceCore, DeviceHooks
from .faults import corrupt_frame, FaultPlan, FRAME_FAULTS, malformed_text
from .imagery import FrameSource
from .serial_console import SerialConsole
from .. import commands as cmds
from ..frames import insert_metadata
from ..paths import data_path
from ..protocol import parse_ping, REJECT_HEADER, REJECT_MAX_CLIENTS

PLACEHOLDER_PAGE = (b'<!doctype html><html><title>ESP32-S3 camera</title>'
                    b'<p>Emulated camera: firmware/web/index.html is missing.</p></html>')
RESET_DELAY_S = 1.0
CLOSE_TIMEOUT_S = 1.0  # a viewer that ignores our close must not hold up a shutdown
WRITE_HIGH_WATER = 64 * 1024  # websockets' limit before send() waits for the socket
SEND_BUFFER = 16 * 1024  # kernel send buffer per client (Linux doubles it)
TIMER_GRANULARITY_S = 0.002  # below this frame interval, sleeps overshoot whole frames
CATCH_UP_FRAMES = 2  # enough for a millisecond timer at 2000 fps; more would burst
SIOCOUTQNSD = 0x894B  # Linux ioctl: bytes in a socket's send queue not yet sent


def kernel_unsent(transport) -> int:
    """Return the bytes the kernel still holds unsent for this connection."""
    sock = transport.get_extra_info('socket')
    if sock is None:
        return 0
    try:
        return struct.unpack('i', fcntl.ioctl(sock.fileno(), SIOCOUTQNSD, b'\0' * 4))[0]
    except (OSError, ValueError):  # ValueError: closed meanwhile (fileno() is -1)
        return 0


@dataclasses.dataclass(eq=False)
class Client:
    """One connected viewer and its flow-control state."""

    ws: ServerConnection
    number: int
    frames: int = 0
    skipped: int = 0
    slot: Optional[bytes] = None
    in_flight: bool = False
    wake: asyncio.Event = dataclasses.field(default_factory=asyncio.Event)

    @property
    def busy(self) -> bool:
        """
        Tell whether the last frame is queued, being sent or not yet on the wire.

        As on the ESP32 (whose lwIP send buffer is a few KB), a frame counts as in flight
        until the kernel has sent it, so a slow link makes the sender skip frames
        instead of queueing seconds of video in socket buffers.
        """
        transport = self.ws.transport
        if self.in_flight or self.slot is not None:
            return True
        return transport is not None and (transport.get_write_buffer_size() > 0
                                          or kernel_unsent(transport) > 0)


class Emulator(DeviceHooks):
    """The emulated device; run it with ``await Emulator(cfg).run()``."""

    def __init__(self, config: EmulatorConfig):
        self.cfg = config
        self.core = DeviceCore(token=config.token, hooks=self, heap=config.heap)
        self.core.quality = config.quality
        self.core.frame_size = config.frame_size
        self.core.fps_target = config.fps
        self.faults = FaultPlan(config.faults, config.fault_interval)
        self.clients: Dict[ServerConnection, Client] = {}
        self.port = config.port
        self.sequence = 0
        self.stalled_until = 0.0
        self.paused_until = 0.0
        self.messages_sent = 0
        self.rejected = 0
        self._client_numbers = 0
        self.frames = FrameSource(config.pre_encoded)
        self._stop = asyncio.Event()
        self._server = None
        self._capture_log = (open(config.capture_log, 'a', buffering=1)
                             if config.capture_log else None)
        self.serial = (SerialConsole(self.core, config.serial_link, config.legacy)
                       if config.serial_pty else None)
        self.ready = asyncio.Event()

    # -- frames -----------------------------------------------------------------
    def capture(self) -> bytes:
        """Produce the next frame as the camera would, metadata included."""
        number = self.sequence
        jpeg = self.frames.frame(self.core.frame_size, self.core.quality, number)
        capture_us = self.core.uptime_us()
        if self._capture_log:
            self._capture_log.write(capture_log.capture_line(number, time.time_ns()))
        self.sequence = (self.sequence + 1) & 0xFFFFFFFF
        self.core.frames += 1
        if self.cfg.legacy:
            return jpeg
        index = self.core.size[0]
        return insert_metadata(jpeg, index, self.core.quality, number, capture_us)

    def broadcast_frame(self, frame: bytes, number: int) -> None:
        """Hand frame ``number`` to every client that is free; busy clients skip it."""
        fault = self.faults.pick(number)
        if fault in FRAME_FAULTS:
            frame = corrupt_frame(fault, frame)
        elif fault == 'badjson':
            self._broadcast_text(malformed_text(self.faults.injected['badjson']))
        for client in list(self.clients.values()):
            if client.busy:
                client.skipped += 1
                self.core.dropped += 1
                if self._capture_log:  # benchmarks tell these apart from a subject's loss
                    self._capture_log.write(capture_log.skip_line(number, client.number))
                continue
            client.slot = frame
            client.wake.set()
        self.core.bytes_sent += len(frame)

    async def _client_sender(self, client: Client) -> None:
        # One frame in flight: the next frame is only taken after this send completes.
        while True:
            await client.wake.wait()
            client.wake.clear()
            frame, client.slot = client.slot, None
            if frame is None:
                continue
            client.in_flight = True
            try:
                await client.ws.send(frame)
            finally:
                client.in_flight = False
            client.frames += 1
            self.messages_sent += 1

    async def _frame_loop(self) -> None:
        next_at = time.monotonic()
        last_fps_at, frames_at = next_at, self.core.frames
        while True:
            interval = 1.0 / max(0.1, float(self.core.fps_target))
            next_at += interval
            now = time.monotonic()
            # Fell behind: skip captures, as the camera does. Only at benchmark rates,
            # where one sleep lasts longer than a frame interval (the event loop's timer
            # has a granularity of about a millisecond), are a few due frames caught up.
            catch_up = CATCH_UP_FRAMES if interval < TIMER_GRANULARITY_S else 1
            if next_at < now - catch_up * interval:
                next_at = now
            await asyncio.sleep(max(0.0, next_at - now))  # 0: yield, so senders run
            now = time.monotonic()
            if now - last_fps_at >= 1.0:
                self.core.fps = (self.core.frames - frames_at) / (now - last_fps_at)
                last_fps_at, frames_at = now, self.core.frames
            if not self.core.streaming or now < self.paused_until or now < self.stalled_until:
                continue
            if not self.clients:
                continue
            number = self.sequence
            frame = self.capture()
            if self.cfg.capture_latency_ms > 0:
                asyncio.get_running_loop().call_later(
                    self.cfg.capture_latency_ms / 1000, self.broadcast_frame, frame, number)
            else:
                self.broadcast_frame(frame, number)

    # -- text -------------------------------------------------------------------
    def _broadcast_text(self, text: str) -> int:
        sent = 0
        for client in list(self.clients.values()):
            asyncio.ensure_future(self._send_text(client.ws, text))
            sent += 1
        return sent

    async def _send_text(self, ws: ServerConnection, text: str) -> None:
        try:
            await ws.send(text)
            self.messages_sent += 1
        except ConnectionClosed:
            pass

    async def _status_loop(self) -> None:
        while True:
            await asyncio.sleep(1.0)
            if time.monotonic() < self.stalled_until:
                continue
            count = len(self.clients)
            for client in list(self.clients.values()):
                status = self.core.status(count, client.skipped, legacy=self.cfg.legacy)
                asyncio.ensure_future(self._send_text(client.ws, json.dumps(status)))
            if self.serial:
                self.serial.tick()

    # -- connections ------------------------------------------------------------
    def _process_request(self, connection, request):
        if request.headers.get('Upgrade', '').lower() != 'websocket':
            if request.path.split('?')[0] != '/':
                return connection.respond(http.HTTPStatus.NOT_FOUND, 'not found\n')
            return Response(200, 'OK', Headers([('Content-Type', 'text/html; charset=utf-8'),
                                                ('Cache-Control', 'no-store')]), self._page())
        reason = None
        if not self.core.server_running:
            reason = ('server-stopped', 'WebSocket server stopped\n')
        elif len(self.clients) >= self.cfg.max_clients:
            reason = (REJECT_MAX_CLIENTS, f'max clients ({self.cfg.max_clients}) reached\n')
        if reason:
            self.rejected += 1
            response = connection.respond(http.HTTPStatus.SERVICE_UNAVAILABLE, reason[1])
            response.headers[REJECT_HEADER] = reason[0]
            return response
        return None

    def _page(self) -> bytes:
        path = self.cfg.page or data_path('firmware', 'web', 'index.html')
        try:
            with open(path, 'rb') as f:
                return f.read()
        except OSError:
            return PLACEHOLDER_PAGE

    async def _handler(self, ws: ServerConnection) -> None:
        if len(self.clients) >= self.cfg.max_clients:  # raced past process_request
            await ws.close(1013, 'max clients reached')
            return
        sock = ws.transport.get_extra_info('socket')
        if sock is not None:
            # The ESP32's lwIP send buffer is small; a large kernel buffer would hide a
            # slow link from the flow control and queue seconds of video.
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, SEND_BUFFER)
        self._client_numbers += 1
        client = Client(ws, self._client_numbers)
        self.clients[ws] = client
        if self._capture_log:
            agent = ws.request.headers.get('User-Agent', '') if ws.request else ''
            self._capture_log.write(capture_log.client_line(client.number, agent))
        sender = asyncio.ensure_future(self._client_sender(client))
        try:
            await ws.send(json.dumps(self.core.welcome(legacy=self.cfg.legacy)))
            async for message in ws:
                if isinstance(message, str):
                    await self._on_text(ws, message)
        except ConnectionClosed:
            pass
        finally:
            sender.cancel()
            self.clients.pop(ws, None)

    async def _on_text(self, ws: ServerConnection, text: str) -> None:
        if time.monotonic() < self.stalled_until:
            return  # a stalled device answers nothing
        ping = parse_ping(text)
        if ping == '':
            await ws.send('PONG')
        elif ping is not None:
            if not self.cfg.legacy:
                rx = self.core.uptime_us()
                await ws.send(json.dumps({'type': 'pong', 'echo': ping, 'rx_us': rx,
                                          'tx_us': self.core.uptime_us()}))
        elif not self.cfg.legacy and text.lstrip().startswith('{'):
            reply = self.core.handle_json(text, cmds.WEBSOCKET)
            await ws.send(json.dumps(reply))

    # -- DeviceHooks ------------------------------------------------------------
    def reset(self) -> None:
        """Drop every client (1012) and keep the camera dark for a second."""
        self.paused_until = time.monotonic() + RESET_DELAY_S
        self.sequence = 0
        for ws in list(self.clients):
            asyncio.get_running_loop().call_later(
                0.05, lambda w=ws: asyncio.ensure_future(w.close(1012, 'camera reset')))

    def restart_camera(self, seconds: float) -> None:
        """Keep the camera dark for ``seconds``; viewers stay connected."""
        self.paused_until = time.monotonic() + seconds

    def set_server_running(self, running: bool) -> None:
        """Drop clients on webstop; new ones are refused until webstart."""
        if not running:
            for ws in list(self.clients):
                asyncio.ensure_future(ws.close(1001, 'server stopped'))

    def broadcast_test(self) -> int:
        """Send the wstest message."""
        return self._broadcast_text(json.dumps({'type': 'test',
                                                'message': 'WebSocket test message'}))

    def client_list(self) -> List[dict]:
        """Describe the connected clients."""
        out = []
        for c in self.clients.values():
            peer = c.ws.remote_address
            out.append({'id': c.number, 'address': f'{peer[0]}:{peer[1]}' if peer else '',
                        'frames': c.frames, 'skipped': c.skipped})
        return out

    def server_stats(self) -> dict:
        """Counters for webstats."""
        return {'messages_sent': self.messages_sent, 'frames_skipped': self.core.dropped,
                'rejected': self.rejected}

    # -- faults driven from tests -----------------------------------------------
    def stall(self, seconds: float) -> None:
        """Keep connections open but send nothing for ``seconds``."""
        self.stalled_until = time.monotonic() + seconds

    # -- lifecycle --------------------------------------------------------------
    async def run(self) -> None:
        """Serve until stop() is called."""
        async with serve(self._handler, self.cfg.host, self.cfg.port,
                         process_request=self._process_request, compression=None,
                         max_size=4096, ping_interval=None, write_limit=WRITE_HIGH_WATER,
                         close_timeout=CLOSE_TIMEOUT_S,
                         server_header='ESP32-S3-Camera-Emulator') as server:
            self._server = server
            self.port = server.sockets[0].getsockname()[1]
            tasks = [asyncio.ensure_future(self._frame_loop()),
                     asyncio.ensure_future(self._status_loop())]
            self.frames.warm(self.core.frame_size, self.core.quality)
            if self.serial:
                self.serial.plug()
            if self.cfg.stall_after is not None:
                asyncio.get_running_loop().call_later(
                    self.cfg.stall_after, self.stall, self.cfg.stall_for)
            if self.cfg.die_after is not None:
                asyncio.get_running_loop().call_later(self.cfg.die_after, os._exit, 3)
            self.ready.set()
            try:
                await self._stop.wait()
            finally:
                for task in tasks:
                    task.cancel()
                if self.serial:
                    self.serial.unplug()
                if self._capture_log:
                    self._capture_log.close()

    def stop(self) -> None:
        """Ask run() to return."""
        self._stop.set()

    def install_signal_handlers(self) -> None:
        """SIGUSR1 unplugs or replugs the serial pty (SIGINT/SIGTERM: stop_signals.py)."""
        if self.serial:
            asyncio.get_running_loop().add_signal_handler(signal.SIGUSR1,
                                                          self.serial.toggle_plug)
