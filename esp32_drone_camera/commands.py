"""
The command catalogue: one command set for the WebSocket and the serial console.

Shared by the emulator (which answers commands) and the node (which checks values
before anything reaches the device). See docs/protocol.md, "Commands".
"""

from typing import Any, NamedTuple, Optional, Tuple

from .protocol import FRAME_SIZE_NAMES

WEBSOCKET = 'websocket'
SERIAL = 'serial'

QUALITY_RANGE = (0, 63)
FPS_RANGE = (1, 30)

# Error codes of a reply.
UNKNOWN_COMMAND = 'unknown_command'
BAD_ARGUMENT = 'bad_argument'
UNAUTHORIZED = 'unauthorized'
NOT_ALLOWED = 'not_allowed'
BAD_REQUEST = 'bad_request'
FAILED = 'failed'


class Command(NamedTuple):
    """
    A device command: its argument kind and where it may be sent.

    arg is None (no argument), 'int' (with limits), 'choice' (one of choices) or
    'toggle' (optional on/off).
    """

    name: str
    summary: str
    arg: Optional[str] = None
    limits: Optional[Tuple[int, int]] = None
    choices: Tuple[str, ...] = ()
    serial_only: bool = False


CATALOGUE = {c.name: c for c in (
    Command('start', 'start video streaming'),
    Command('stop', 'stop video streaming'),
    Command('reset', 'reset the camera module'),
    Command('quality', 'set JPEG quality (0-63, lower is better)', 'int', QUALITY_RANGE),
    Command('framesize', 'set the frame size', 'choice', choices=FRAME_SIZE_NAMES),
    Command('fps', 'set the target frame rate (1-30)', 'int', FPS_RANGE),
    Command('info', 'camera and system information'),
    Command('stats', 'detailed performance statistics'),
    Command('status', 'complete system status'),
    Command('verbose', 'toggle detailed logging (on/off)', 'toggle', choices=('on', 'off')),
    Command('clear', 'clear statistics counters'),
    Command('webstats', 'WebSocket server statistics'),
    Command('clients', 'list connected clients'),
    Command('webstart', 'start the WebSocket server', serial_only=True),
    Command('webstop', 'stop the WebSocket server', serial_only=True),
    Command('wstest', 'send a test message to clients'),
    Command('help', 'list commands'),
)}


class ArgumentError(ValueError):
    """The argument does not fit the command."""


def check_argument(command: Command, arg: Any) -> Any:
    """Return the argument normalised for ``command`` or raise ArgumentError."""
    if command.arg is None:
        return None
    if command.arg == 'toggle':
        if arg is None:
            return None
        if arg not in command.choices:
            raise ArgumentError(f'{command.name} takes on or off')
        return arg
    if arg is None:
        raise ArgumentError(f'{command.name} needs an argument')
    if command.arg == 'int':
        if isinstance(arg, bool) or not isinstance(arg, int):
            raise ArgumentError(f'{command.name} takes an integer')
        assert command.limits is not None, command  # every 'int' command has its limits
        low, high = command.limits
        if not low <= arg <= high:
            raise ArgumentError(f'{command.name} must be {low}-{high}')
        return arg
    if arg not in command.choices:
        raise ArgumentError(f'{command.name} must be one of {", ".join(command.choices)}')
    return arg


def parse_human_argument(command: Command, word: Optional[str]) -> Any:
    """Turn a word typed on the serial console into the command's argument type."""
    if word is None or command.arg != 'int':
        return word
    try:
        return int(word)
    except ValueError:
        return word  # check_argument then reports the bad argument
