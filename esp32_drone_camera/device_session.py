"""
The conversation with the device, apart from the frames: ROS-free.

``DeviceSession`` reads the device's text (welcome, status, replies, pongs) from the
WebSocket link and its lines from the serial console, keeps the clock sync, pings,
chooses where each command goes, and applies the wanted settings when a device
connects. Its callers are the link threads (``on_text``, ``on_link_state``,
``on_serial_line``...), the node's diagnostics thread (``send_ping``, ``report``) and
service threads (``call``, ``set_device_params``).

A peer can send anything any number of times, so nothing here does unbounded work
per message: settings are applied by ONE worker thread (settings_worker.py), where a
newer welcome supersedes the task in progress; every log line a peer can repeat is
throttled (log_limits.py).
"""

import os
import time
from typing import Any, Callable, Dict, Optional, Protocol, Tuple

from . import params
from .clock_sync import ClockSync, Sample
from .command_client import CANCELLED, CommandClient, NO_TRANSPORT, Reply
from .commands import SERIAL, WEBSOCKET
from .link_state import LinkState, SerialState
from .log_limits import DEVICE_LINES_PER_S, LineBudget, Log, Throttle
from .protocol import (format_ping, FRAME_SIZE_BY_NAME, Message, MessageKind,
                       parse_serial_line, parse_text, SerialKind)
from .safe_text import printable
from .settings import Settings
from .settings_worker import SettingsWorker
from .stock_console import json_refused, refusal, STOCK, StockConsole

MAX_TEXT_CHARS = 16384  # device text messages are < 1 KB; longer ones are not parsed
_LOG_LEVEL = {'error': 'error', 'warn': 'warning', 'debug': 'debug', 'info': 'info'}
_LINK_DOWN = (LinkState.DEVICE_FULL, LinkState.STALLED, LinkState.DISCONNECTED)
_STOPPING = {'start': False, 'stop': True}  # commands that start or stop the stream
_STOCK_CONSOLE = 'stock_console'  # a JSON command the serial console took for a typo
_DEFAULTS = {p.name: p.default for p in params.PARAMS}


class CommandLink(Protocol):
    """What the session uses of the WebSocket link (ws_link.WebSocketLink)."""

    connects: int
    stalls: int

    @property
    def connected(self) -> bool:
        """Return whether a connection is up."""

    @property
    def state(self) -> LinkState:
        """Return the link's state."""

    def send_text(self, text: str) -> bool:
        """Send one text message; False when not connected."""


class CommandSerial(Protocol):
    """What the session uses of the serial console (serial_link.SerialLink)."""

    @property
    def is_open(self) -> bool:
        """Return whether the port is open."""

    @property
    def state(self) -> SerialState:
        """Return the port's state."""

    def write_line(self, text: str) -> bool:
        """Send one line; False when the port is not open."""


def load_token(path: str) -> str:
    """Read the command token from ``path``, or from env CAM_TOKEN when no path is set."""
    if path:
        try:
            with open(path, encoding='utf-8') as f:
                return f.read().strip()
        except OSError as exc:
            raise ValueError(f'cannot read command_token_file: {exc.strerror}') from exc
    return os.environ.get('CAM_TOKEN', '')


class DeviceSession:
    """The device's text, serial lines, commands, clock sync and apply-on-connect."""

    def __init__(self, settings: Settings, log: Log, *, token: Callable[[], str] = lambda: '',
                 now_ns: Callable[[], int] = time.time_ns,
                 on_welcome: Callable[[Optional[int]], None] = lambda index: None,
                 monotonic: Callable[[], float] = time.monotonic):
        """``on_welcome(frame size index or None)`` is called on every device welcome."""
        self.settings = settings
        self.log = log
        self.now_ns = now_ns
        self.on_welcome = on_welcome
        self.monotonic = monotonic
        self.link: Optional[CommandLink] = None  # set by attach()
        self.serial: Optional[CommandSerial] = None  # None without serial_port
        self.commands = CommandClient(self.choose_transport, token)
        self.stock = StockConsole(self._write_serial)  # the v1 console's typed commands
        self.serial_is_stock = False  # the serial console answered JSON with text
        self.clock = ClockSync()
        self.protocol: Optional[int] = None
        self.firmware = ''
        self.stopped_on_request = False
        self.link_detail = ''
        self.serial_detail = ''
        self.malformed_text = 0
        self.unknown_text = 0
        self.device_status: Optional[dict] = None
        self.device_status_at = 0.0
        self.low_memory: Optional[int] = None
        self.low_memory_at = 0.0
        self._v1_ping_ns: Optional[int] = None
        self._v1_rtt_ns: Optional[int] = None
        self._throttle = Throttle(clock=monotonic)
        self._device_lines = LineBudget(clock=monotonic)
        self.worker = SettingsWorker(self._apply_settings, self._on_worker_error)
        self._dispatch: Dict[MessageKind, Callable[[Message, int], None]] = {
            MessageKind.STATUS: self._on_status, MessageKind.REPLY: self._on_reply,
            MessageKind.PONG: self._on_pong, MessageKind.PONG_V1: self._on_pong_v1,
            MessageKind.WELCOME: self._on_welcome, MessageKind.INVALID: self._on_invalid,
            MessageKind.UNKNOWN: self._on_unknown}

    def attach(self, link: CommandLink, serial: Optional[CommandSerial] = None) -> None:
        """Give the session its links (they are built with its callbacks, so after it)."""
        self.link, self.serial = link, serial

    def close(self, timeout: float = 1.0) -> None:
        """End waiting commands and the settings worker, in bounded time."""
        self.commands.close()
        self.stock.close()
        self.worker.close(timeout)

    # -- from the WebSocket link (its thread) ---------------------------------------
    def on_text(self, text: str, arrival_ns: int) -> None:
        """Handle one text message from the device."""
        if len(text) > MAX_TEXT_CHARS:  # no device message is this long: do not parse it
            self.malformed_text += 1
            return
        msg = parse_text(text)
        handler = self._dispatch.get(msg.kind)
        if handler is not None:  # MessageKind.TEST: nothing to do
            handler(msg, arrival_ns)

    def on_bad_message(self, reason: str) -> None:
        """Count a message the link skipped (it never reaches the parser)."""
        self.malformed_text += 1

    def on_link_state(self, state: LinkState, detail: str) -> None:
        """Note a link state change; log it (throttled: a peer can make the link flap)."""
        self.link_detail = detail
        if state == LinkState.CONNECTED:
            if self._throttle.allow(LinkState.CONNECTED):
                self.log.info(f'connected to {detail}')
        elif state in _LINK_DOWN:
            self.protocol = None
            if self._throttle.allow(state):
                self.log.warning(f'{state}: {detail}')

    def expect_frames(self) -> bool:
        """Tell the link whether silence is a stall (not when the stream is stopped)."""
        status = self.device_status
        streaming = status.get('streaming', True) if status else True
        return streaming and not self.stopped_on_request

    def _on_status(self, msg: Message, arrival_ns: int) -> None:
        self.device_status = msg.fields
        self.device_status_at = self.monotonic()

    def _on_reply(self, msg: Message, arrival_ns: int) -> None:
        self.commands.on_reply(msg.fields)

    def _on_pong(self, msg: Message, arrival_ns: int) -> None:
        fields = msg.fields
        try:
            t0 = int(fields['echo'])
        except ValueError:
            self.malformed_text += 1
            return
        self.clock.add(Sample(t0, fields['rx_us'], fields['tx_us'], arrival_ns))

    def _on_pong_v1(self, msg: Message, arrival_ns: int) -> None:
        if self._v1_ping_ns is not None:
            self._v1_rtt_ns = arrival_ns - self._v1_ping_ns
            self._v1_ping_ns = None

    def _on_invalid(self, msg: Message, arrival_ns: int) -> None:
        self.malformed_text += 1
        if self._throttle.allow(MessageKind.INVALID):
            self.log.debug(f'skipped malformed message: {msg.error}')

    def _on_unknown(self, msg: Message, arrival_ns: int) -> None:
        self.unknown_text += 1

    def _on_welcome(self, msg: Message, arrival_ns: int) -> None:
        fields = msg.fields
        self.protocol = fields['protocol']
        self.firmware = printable(fields.get('firmware', '2.1 (README)'), 64)
        self.clock.reset()  # a new connection may be a rebooted device with a new clock
        self._v1_rtt_ns = None
        size = FRAME_SIZE_BY_NAME.get(fields.get('frame_size', ''))
        self.on_welcome(None if size is None else size[0])
        if self.settings.apply_on_connect and (self.protocol >= 2 or self.serial is not None):
            self.worker.submit(fields)  # v1: typed on its serial console, quality only

    # -- apply-on-connect (the worker thread) ----------------------------------------
    def _apply_settings(self, welcome: dict, superseded: Callable[[], bool]) -> None:
        # Waits for replies, which arrive on the link thread: never run it there.
        current = {'jpeg_quality': welcome.get('quality'),
                   'frame_size': welcome.get('frame_size'),
                   'target_fps': welcome.get('fps_target')}
        for name, cmd in params.DEVICE_PARAMS.items():
            wanted = getattr(self.settings, name)
            if current[name] == wanted:
                continue
            if self.speaks_v1 and refusal(cmd):  # the stock firmware cannot: say so once
                if wanted != _DEFAULTS[name] and self._throttle.allow(('refused', cmd)):
                    self.log.warning(f'{name} {wanted} not applied: {refusal(cmd)}')
                continue
            if superseded():
                return
            reply = self.call(cmd, wanted)
            if reply.ok:
                if self._throttle.allow(('set', cmd)):
                    self.log.info(f'device {cmd} set to {wanted}')
            elif reply.error != CANCELLED and self._throttle.allow(('refused', cmd)):
                self.log.warning(f'device refused {cmd} {wanted}: {printable(reply.message)}')

    def _on_worker_error(self, exc: Exception) -> None:
        if self._throttle.allow('worker'):
            self.log.error(f'applying settings failed: {exc!r}')

    # -- pings and clock sync (the diagnostics thread) -------------------------------
    def send_ping(self) -> None:
        """Ping the device: v2 PINGs carry our time (clock sync), v1 ones only time the RTT."""
        link = self.link
        if link is None or not link.connected:
            return
        if self.protocol is not None and self.protocol >= 2:
            link.send_text(format_ping(str(self.now_ns())))
        else:
            self._v1_ping_ns = self.now_ns()
            link.send_text('PING')

    @property
    def rtt_ns(self) -> Optional[int]:
        """Return the latest round-trip time, by the protocol in use."""
        if self.protocol and self.protocol >= 2:
            return self.clock.last_rtt_ns
        return self._v1_rtt_ns

    # -- serial console (its thread) ------------------------------------------------
    def on_serial_line(self, line: str) -> None:
        """Route a console line: a reply to its command, a log line to the log."""
        if self.stock.on_line(line):
            return  # part of a typed command's answer: the caller gets it
        request_id = json_refused(line)
        if request_id is not None:  # a stock console: the command goes again, typed
            self.serial_is_stock = True
            self.commands.on_reply({'id': request_id, 'ok': False, 'error': _STOCK_CONSOLE})
            return
        parsed = parse_serial_line(line)
        if parsed.kind is SerialKind.REPLY:
            self.commands.on_reply(parsed.reply or {})
            return
        if parsed.kind is SerialKind.LOG and parsed.low_memory is not None:
            self.low_memory = parsed.low_memory
            self.low_memory_at = self.monotonic()
        if parsed.kind is not SerialKind.LOG and not line.strip():
            return
        dropped = self._device_lines.take()
        if dropped is None:
            return
        if dropped:
            self.log.warning(f'{dropped} device lines not logged (more than '
                             f'{DEVICE_LINES_PER_S:g}/s)')
        if parsed.kind is SerialKind.LOG:
            getattr(self.log, _LOG_LEVEL[parsed.level])(f'device: {line}')
        else:
            self.log.debug(f'device: {line}')

    def on_serial_state(self, state: SerialState, detail: str) -> None:
        """Note and log a serial port state change (throttled per state)."""
        self.serial_detail = detail
        if state == SerialState.OPEN:
            self.serial_is_stock = False  # maybe reflashed meanwhile: find out again
        if self._throttle.allow(('serial', state)):
            log = self.log.info if state == SerialState.OPEN else self.log.warning
            log(f'serial {state}: {detail}')

    # -- commands (service and worker threads) --------------------------------------
    def choose_transport(self) -> Tuple[Optional[str], Any]:
        """Return (transport name, send function) for a command, or (None, why not)."""
        link, serial = self.link, self.serial
        ws_send = link.send_text if link is not None and link.connected else None
        serial_send = serial.write_line if serial is not None and serial.is_open else None
        mode = self.settings.command_transport
        if mode == WEBSOCKET:
            return (WEBSOCKET, ws_send) if ws_send else (None, 'WebSocket not connected')
        if mode == SERIAL:
            if serial is None:
                return None, 'serial transport selected but serial_port is empty'
            return (SERIAL, serial_send) if serial_send else (
                None, f'serial port not open: {self.serial_detail}')
        if ws_send and self.protocol != 1:
            return WEBSOCKET, ws_send
        if serial_send:  # a v1 device confirms nothing over WebSocket: serial first
            return SERIAL, serial_send
        if ws_send:  # a v1 device and no serial: it will not confirm, and the reply says so
            return WEBSOCKET, ws_send
        return None, 'no transport: WebSocket not connected and no serial port open'

    @property
    def speaks_v1(self) -> bool:
        """Tell whether the device runs the stock firmware (its welcome or its console)."""
        return self.protocol == 1 or self.serial_is_stock

    def call(self, cmd: str, arg: Any = None) -> Reply:
        """Send a device command and wait for its reply (at most command_timeout)."""
        timeout = self.settings.command_timeout
        deadline = self.monotonic() + timeout
        if self.speaks_v1:
            reply = self._call_stock(cmd, arg, timeout)
        else:
            reply = self.commands.call(cmd, arg, timeout)
            if reply.error == _STOCK_CONSOLE:  # found out just now: type it instead
                reply = self._call_stock(cmd, arg, deadline - self.monotonic())
        if reply.ok and cmd in _STOPPING:
            self.stopped_on_request = _STOPPING[cmd]
        return reply

    def _call_stock(self, cmd: str, arg: Any, timeout: float) -> Reply:
        # The stock firmware takes commands on its serial console only, typed.
        if self.serial is None or not self.serial.is_open:
            return Reply(False, {}, NO_TRANSPORT,
                         f'{STOCK} takes commands only on its USB serial console, and '
                         f'{"no serial_port is set" if self.serial is None else "it is not open"}')
        return self.stock.call(cmd, arg, max(0.0, timeout))

    def _write_serial(self, text: str) -> bool:
        serial = self.serial
        return serial is not None and serial.write_line(text)

    def set_device_params(self, changes: Dict[str, object]) -> Optional[str]:
        """Send the device parameters among ``changes``; return why one failed, or None."""
        for name, value in changes.items():
            cmd = params.DEVICE_PARAMS.get(name)
            if cmd is None:
                continue
            reply = self.call(cmd, value)
            if not reply.ok:
                return f'device did not apply {name}: {reply.error}: {reply.message}'
        return None

    # -- diagnostics -----------------------------------------------------------------
    def report(self, now: float) -> dict:
        """Return this part's fields of the diagnostics snapshot (``now``: monotonic seconds)."""
        link, serial = self.link, self.serial
        rtt, offset = self.rtt_ns, self.clock.offset_ns
        synced = self.settings.use_capture_time and offset is not None
        status, low = self.device_status, self.low_memory
        return {
            'link_state': link.state if link else LinkState.CONNECTING,
            'link_detail': self.link_detail, 'connects': link.connects if link else 0,
            'stalls': link.stalls if link else 0, 'protocol': self.protocol,
            'firmware': self.firmware, 'stopped_on_request': self.stopped_on_request,
            'malformed_text': self.malformed_text, 'unknown_text': self.unknown_text,
            'rtt_ms': None if rtt is None else rtt / 1e6,
            'clock_offset_ms': None if offset is None else offset / 1e6,
            'timestamp_source': 'device capture time' if synced else 'arrival time',
            'device_status': status,
            'device_status_age_s': now - self.device_status_at if status else None,
            'low_memory_bytes': low, 'low_memory_age_s': now - self.low_memory_at if low else None,
            'serial_port': self.settings.serial_port,
            'serial_state': serial.state if serial else '', 'serial_detail': self.serial_detail}
