"""
The emulated device's state and command handling, free of I/O.

This mirrors the firmware's portable core (firmware/lib/camera_core): the same
commands, replies and errors, checked against the same test vectors. The server
(emulator/server.py) and the serial console feed it text and carry out the effects
it asks for through ``DeviceHooks``.
"""

import hmac
import json
import time
from typing import Any, Callable, Optional, Tuple

from .. import commands as cmds
from ..protocol import (FIRMWARE_VERSION, FRAME_SIZE_BY_NAME, loads_strict, MAX_CLIENTS,
                        MAX_ID_CHARS, MAX_TEXT_BYTES, PROTOCOL_VERSION, WELCOME_TEXT)


class DeviceHooks:
    """Effects of commands on the outside world; the server overrides these."""

    def reset(self) -> None:
        """Drop every client and restart the camera after a delay."""

    def restart_camera(self, seconds: float) -> None:
        """Keep the camera dark for ``seconds`` (the stock console's reset); clients stay."""

    def set_server_running(self, running: bool) -> None:
        """Start or stop accepting WebSocket clients."""

    def broadcast_test(self) -> int:
        """Send a test message to every client; return how many got it."""
        return 0

    def client_list(self) -> list:
        """Describe the connected clients."""
        return []

    def server_stats(self) -> dict:
        """Return the server counters: messages_sent, frames_skipped, rejected."""
        return {'messages_sent': 0, 'frames_skipped': 0, 'rejected': 0}


class DeviceCore:
    """State of the camera and the command dispatcher."""

    def __init__(self, token: Optional[str] = None, hooks: Optional[DeviceHooks] = None,
                 clock_us: Callable[[], int] = lambda: time.monotonic_ns() // 1000,
                 heap: int = 180000):
        self.token = token or None
        self.hooks = hooks or DeviceHooks()
        self.clock_us = clock_us
        self.boot_us = clock_us()
        self.streaming = True
        self.quality = 12
        self.frame_size = 'VGA'
        self.fps_target = 20
        self.verbose = False
        self.server_running = True
        self.heap = heap
        self.heap_min = heap
        self.clear_stats()

    # -- statistics -------------------------------------------------------------
    def clear_stats(self) -> None:
        """Zero the counters (the `clear` command)."""
        self.frames = 0
        self.bytes_sent = 0
        self.capture_errors = 0
        self.dropped = 0
        self.fps = 0.0

    def uptime_us(self) -> int:
        """Device clock: µs since boot."""
        return self.clock_us() - self.boot_us

    @property
    def size(self) -> Tuple[int, int, int]:
        """Index, width and height of the current frame size."""
        return FRAME_SIZE_BY_NAME[self.frame_size]

    # -- messages ---------------------------------------------------------------
    def welcome(self, legacy: bool = False) -> dict:
        """Return the welcome message (README-only form when ``legacy``)."""
        msg = {'type': 'welcome', 'message': WELCOME_TEXT}
        if not legacy:
            _, width, height = self.size
            msg.update(protocol=PROTOCOL_VERSION, firmware=FIRMWARE_VERSION,
                       device='esp32s3-ov2640-emulator', frame_size=self.frame_size,
                       width=width, height=height, quality=self.quality,
                       fps_target=self.fps_target, auth=self.token is not None,
                       max_clients=MAX_CLIENTS)
        return msg

    def status_fields(self, clients: int, drops: int = 0) -> dict:
        """Return the status fields (README's plus v2's) for one client."""
        uptime = self.uptime_us()
        return {'frame': self.frames, 'fps': round(self.fps, 1), 'timestamp': uptime // 1000,
                'heap': self.heap, 'clients': clients, 'heap_min': self.heap_min,
                'drops': drops, 'streaming': self.streaming, 'quality': self.quality,
                'frame_size': self.frame_size, 'fps_target': self.fps_target,
                'uptime_us': uptime}

    def status(self, clients: int, drops: int = 0, legacy: bool = False) -> dict:
        """Return the periodic status message."""
        fields = self.status_fields(clients, drops)
        if legacy:
            fields = {k: fields[k] for k in ('frame', 'fps', 'timestamp', 'heap', 'clients')}
        return {'type': 'status', **fields}

    # -- commands ---------------------------------------------------------------
    def handle_json(self, text: str, transport: str) -> dict:
        """Answer one JSON command; returns the reply object."""
        if len(text.encode('utf-8', 'replace')) > MAX_TEXT_BYTES:
            return _error(None, None, cmds.BAD_REQUEST, 'message too long')
        try:
            obj = loads_strict(text)
        except (ValueError, RecursionError):
            return _error(None, None, cmds.BAD_REQUEST, 'not valid JSON')
        if not isinstance(obj, dict):
            return _error(None, None, cmds.BAD_REQUEST, 'not a JSON object')
        request_id = obj.get('id')
        if request_id is not None and (not isinstance(request_id, str)
                                       or len(request_id) > MAX_ID_CHARS):
            return _error(None, None, cmds.BAD_REQUEST, 'bad id')
        name = obj.get('cmd')
        if not isinstance(name, str):
            return _error(request_id, None, cmds.BAD_REQUEST, 'no cmd')
        if transport == cmds.WEBSOCKET and self.token is not None:
            given = obj.get('token')
            # surrogatepass: a lone surrogate in JSON is a wrong token, not a crash.
            if not isinstance(given, str) or not hmac.compare_digest(
                    given.encode('utf-8', 'surrogatepass'), self.token.encode()):
                return _error(request_id, name, cmds.UNAUTHORIZED, 'command token required')
        return self.dispatch(name, obj.get('arg'), transport, request_id)

    def handle_human(self, line: str) -> Tuple[dict, str]:
        """Answer a command typed on the serial console: (reply, readable text)."""
        words = line.split()
        if not words:
            return {}, ''
        command = cmds.CATALOGUE.get(words[0])
        arg = words[1] if len(words) > 1 else None
        if command is not None:
            arg = cmds.parse_human_argument(command, arg)
        reply = self.dispatch(words[0], arg, cmds.SERIAL, None)
        return reply, format_human(reply)

    def dispatch(self, name: str, arg: Any, transport: str, request_id: Optional[str]) -> dict:
        """Run a command whose request is well formed and authorised."""
        command = cmds.CATALOGUE.get(name)
        if command is None:
            return _error(request_id, name, cmds.UNKNOWN_COMMAND, f"unknown command '{name}'")
        if command.serial_only and transport != cmds.SERIAL:
            return _error(request_id, name, cmds.NOT_ALLOWED,
                          f'{name} is only allowed on the serial console')
        try:
            arg = cmds.check_argument(command, arg)
        except cmds.ArgumentError as exc:
            return _error(request_id, name, cmds.BAD_ARGUMENT, str(exc))
        result = getattr(self, '_cmd_' + name)(arg)
        reply = {'type': 'reply', 'cmd': name, 'ok': True, 'result': result}
        if request_id is not None:
            reply['id'] = request_id
        return reply

    def _cmd_start(self, _):
        self.streaming = True
        return {'streaming': True}

    def _cmd_stop(self, _):
        self.streaming = False
        return {'streaming': False}

    def _cmd_reset(self, _):
        self.hooks.reset()
        return {'resetting': True}

    def _cmd_quality(self, value):
        self.quality = value
        return {'quality': value}

    def _cmd_framesize(self, name):
        self.frame_size = name
        _, width, height = self.size
        return {'frame_size': name, 'width': width, 'height': height}

    def _cmd_fps(self, value):
        self.fps_target = value
        return {'fps_target': value}

    def _cmd_info(self, _):
        _, width, height = self.size
        return {'firmware': FIRMWARE_VERSION, 'protocol': PROTOCOL_VERSION,
                'device': 'esp32s3-ov2640-emulator', 'sensor': 'OV2640 (emulated)',
                'frame_size': self.frame_size, 'width': width, 'height': height,
                'quality': self.quality, 'fps_target': self.fps_target,
                'psram': 8 * 1024 * 1024, 'flash': 16 * 1024 * 1024, 'xclk_hz': 20000000,
                'auth': self.token is not None}

    def _cmd_stats(self, _):
        return {'frames': self.frames, 'fps': round(self.fps, 1), 'dropped': self.dropped,
                'capture_errors': self.capture_errors, 'bytes_sent': self.bytes_sent,
                'avg_frame_bytes': self.bytes_sent // self.frames if self.frames else 0,
                'uptime_us': self.uptime_us()}

    def _cmd_status(self, _):
        return self.status_fields(len(self.hooks.client_list()))

    def _cmd_verbose(self, value):
        self.verbose = (not self.verbose) if value is None else value == 'on'
        return {'verbose': self.verbose}

    def _cmd_clear(self, _):
        self.clear_stats()
        return {'cleared': True}

    def _cmd_webstats(self, _):
        return {'running': self.server_running, 'clients': len(self.hooks.client_list()),
                'max_clients': MAX_CLIENTS, **self.hooks.server_stats()}

    def _cmd_clients(self, _):
        return {'clients': self.hooks.client_list()}

    def _cmd_webstart(self, _):
        self.server_running = True
        self.hooks.set_server_running(True)
        return {'running': True}

    def _cmd_webstop(self, _):
        self.server_running = False
        self.hooks.set_server_running(False)
        return {'running': False}

    def _cmd_wstest(self, _):
        return {'sent': self.hooks.broadcast_test()}

    def _cmd_help(self, _):
        return {'commands': [{'cmd': c.name, 'summary': c.summary}
                             for c in cmds.CATALOGUE.values()]}


def _error(request_id: Optional[str], name: Optional[str], code: str, message: str) -> dict:
    reply = {'type': 'reply', 'cmd': name or '', 'ok': False, 'error': code,
             'message': message}
    if request_id is not None:
        reply['id'] = request_id
    return reply


def format_human(reply: dict) -> str:
    """Readable lines for a person at the serial console."""
    if not reply.get('ok'):
        return f"[CMD] Error ({reply.get('error')}): {reply.get('message')}"
    lines = [f"[CMD] {reply['cmd']}: OK"]
    for key, value in reply.get('result', {}).items():
        if isinstance(value, (list, dict)):
            value = json.dumps(value)
        lines.append(f'  {key}: {value}')
    return '\n'.join(lines)
