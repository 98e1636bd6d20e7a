"""
Sans-I/O codec of the camera's WebSocket and serial protocol (docs/protocol.md).

Pure functions only: no sockets, no threads, no ROS. The WebSocket link, the serial
link, the node and the emulator all go through this module, so the protocol is
written once.
"""

from enum import Enum
import json
import math
import re
from typing import Any, NamedTuple, Optional

from .paths import data_path

PROTOCOL_VERSION = 2
with open(data_path('firmware', 'VERSION'), encoding='ascii') as _version:  # the one source
    FIRMWARE_VERSION = _version.readline().strip()
LEGACY_PROTOCOL = 1
DEFAULT_PORT = 8080
MAX_CLIENTS = 3
MAX_TEXT_BYTES = 512
MAX_SERIAL_LINE = 256
MAX_ID_CHARS = 32
REJECT_HEADER = 'X-Reject-Reason'
REJECT_MAX_CLIENTS = 'max-clients'
LOW_MEMORY_THRESHOLD = 50000
WELCOME_TEXT = 'ESP32-S3 Camera Ready - 20fps video stream starting'

# Frame-size table: index (as carried in the frame metadata), name, width, height.
FRAME_SIZES = (
    ('QQVGA', 160, 120), ('QCIF', 176, 144), ('HQVGA', 240, 176), ('QVGA', 320, 240),
    ('CIF', 400, 296), ('VGA', 640, 480), ('SVGA', 800, 600), ('XGA', 1024, 768),
)
FRAME_SIZE_NAMES = tuple(name for name, _, _ in FRAME_SIZES)
FRAME_SIZE_BY_NAME = {name: (index, w, h) for index, (name, w, h) in enumerate(FRAME_SIZES)}

_PING_TOKEN = re.compile(r'^[A-Za-z0-9._-]{1,32}$')
_LOG_TAG = re.compile(r'^\[([A-Za-z]+)\]')
_LOW_MEMORY = re.compile(r'^\[WARNING\] Low memory detected: (\d+) bytes')
_LOG_LEVELS = {'ERROR': 'error', 'WARNING': 'warn', 'WARN': 'warn', 'DEBUG': 'debug'}

# Required fields of each device message type, with the JSON types they may have.
_NUMBER = (int, float)
_SCHEMAS = {
    'welcome': {'message': (str,)},
    'status': {'frame': (int,), 'fps': _NUMBER, 'timestamp': _NUMBER, 'heap': _NUMBER,
               'clients': (int,)},
    'reply': {'cmd': (str,), 'ok': (bool,)},
    'pong': {'echo': (str,), 'rx_us': (int,), 'tx_us': (int,)},
    'test': {},
}
# Optional v2 fields: checked when present so a bad value is caught, not propagated.
_OPTIONAL = {
    'welcome': {'protocol': (int,), 'firmware': (str,), 'frame_size': (str,),
                'width': (int,), 'height': (int,), 'quality': (int,), 'fps_target': _NUMBER,
                'auth': (bool,), 'max_clients': (int,)},
    'status': {'heap_min': _NUMBER, 'drops': (int,), 'streaming': (bool,), 'quality': (int,),
               'frame_size': (str,), 'fps_target': _NUMBER, 'uptime_us': (int,)},
    'reply': {'id': (str,), 'result': (dict,), 'error': (str,), 'message': (str,)},
    'pong': {},
    'test': {},
}


class MessageKind(str, Enum):
    """What a device text message is; members equal their text ('welcome', ...)."""

    WELCOME = 'welcome'
    STATUS = 'status'
    REPLY = 'reply'
    PONG = 'pong'
    PONG_V1 = 'pong_v1'  # the README firmware's plain PONG
    TEST = 'test'
    INVALID = 'invalid'
    UNKNOWN = 'unknown'

    def __str__(self) -> str:
        return self.value


class SerialKind(str, Enum):
    """What a serial console line is: a JSON reply, a tagged log line, or other text."""

    REPLY = 'reply'
    LOG = 'log'
    TEXT = 'text'

    def __str__(self) -> str:
        return self.value


class Message(NamedTuple):
    """
    A classified device text message.

    fields holds the parsed JSON object (empty for pong_v1, invalid and unknown);
    error says why an invalid message was rejected.
    """

    kind: MessageKind
    fields: dict
    error: str = ''


def _reject_constant(name: str) -> Any:
    raise ValueError(f'non-standard JSON number {name}')


def loads_strict(text: str) -> Any:
    """Parse JSON the way the firmware does: no NaN or Infinity."""
    return json.loads(text, parse_constant=_reject_constant)


def _type_ok(value: Any, types: tuple) -> bool:
    if isinstance(value, bool) and bool not in types:
        return False  # JSON true is not a number, even though bool subclasses int in Python
    if isinstance(value, float) and not math.isfinite(value):
        return False
    return isinstance(value, types)


def parse_text(text: str) -> Message:
    """Classify one text message received from the device."""
    if text == 'PONG':
        return Message(MessageKind.PONG_V1, {})
    head = text.lstrip()[:1]
    if head not in ('{', '['):
        if not text.strip():
            return Message(MessageKind.INVALID, {}, 'empty')
        return Message(MessageKind.UNKNOWN, {})
    try:
        obj = loads_strict(text)
    except (ValueError, RecursionError) as exc:  # RecursionError: absurdly deep nesting
        return Message(MessageKind.INVALID, {}, f'bad JSON: {type(exc).__name__}')
    if not isinstance(obj, dict):
        return Message(MessageKind.INVALID, {}, 'not a JSON object')
    kind = obj.get('type')
    if not isinstance(kind, str):
        return Message(MessageKind.INVALID, {}, 'no "type" field')
    schema = _SCHEMAS.get(kind)
    if schema is None:
        return Message(MessageKind.UNKNOWN, obj)
    for key, types in schema.items():
        if key not in obj:
            return Message(MessageKind.INVALID, {}, f'{kind}: missing "{key}"')
        if not _type_ok(obj[key], types):
            return Message(MessageKind.INVALID, {}, f'{kind}: bad "{key}"')
    for key, types in _OPTIONAL[kind].items():
        if key in obj and not _type_ok(obj[key], types):
            return Message(MessageKind.INVALID, {}, f'{kind}: bad "{key}"')
    if kind == 'welcome':
        obj.setdefault('protocol', LEGACY_PROTOCOL)
    return Message(MessageKind(kind), obj)


def format_command(cmd: str, arg: Any = None, request_id: Optional[str] = None,
                   token: Optional[str] = None) -> str:
    """Encode a command as the JSON text the device expects."""
    obj: dict = {'cmd': cmd}
    if arg is not None:
        obj['arg'] = arg
    if request_id is not None:
        obj['id'] = request_id
    if token:
        obj['token'] = token
    return json.dumps(obj, separators=(',', ':'))


def format_ping(token: str) -> str:
    """Encode a v2 clock-sync PING carrying ``token``."""
    if not _PING_TOKEN.match(token):
        raise ValueError(f'bad PING token {token!r}')
    return 'PING ' + token


def parse_ping(text: str) -> Optional[str]:
    """Return '' for a v1 PING, the token for a v2 PING, None for anything else."""
    if text == 'PING':
        return ''
    if text.startswith('PING ') and _PING_TOKEN.match(text[5:]):
        return text[5:]
    return None


class SerialLine(NamedTuple):
    """A classified serial console line."""

    kind: SerialKind
    level: str = ''
    reply: Optional[dict] = None
    low_memory: Optional[int] = None


def parse_serial_line(line: str) -> SerialLine:
    """Classify a line read from the device's serial console."""
    line = line.rstrip('\r\n')
    if line.startswith('{'):
        msg = parse_text(line)
        if msg.kind is MessageKind.REPLY:
            return SerialLine(SerialKind.REPLY, reply=msg.fields)
        return SerialLine(SerialKind.TEXT)
    tag = _LOG_TAG.match(line)
    if tag:
        low = _LOW_MEMORY.match(line)
        return SerialLine(SerialKind.LOG, _LOG_LEVELS.get(tag.group(1).upper(), 'info'),
                          low_memory=int(low.group(1)) if low else None)
    return SerialLine(SerialKind.TEXT)
