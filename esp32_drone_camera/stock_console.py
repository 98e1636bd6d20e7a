"""
The stock firmware's serial console, from the client's side: typed words, text answers.

The device README's firmware (protocol v1) knows no JSON: a person types a command
word on its USB serial console (``quality`` takes its value after a space) and reads
text lines back. A JSON line gets ``[ERROR] Unknown command: <the line>``, which is how
the node tells the stock console from ours. Answers carry no request id, so one typed
command runs at a time, and its answer is the lines that follow, up to the line that
confirms it (docs/protocol.md, "Stock firmware console"). The README shows only some
of those lines, so every pattern matches loosely: the wording up to the first value.

ROS-free: DeviceSession feeds ``on_line`` from the serial thread and calls ``call``
from service threads; test/test_stock_console.py drives it alone.
"""

import json
import re
import threading
import time
from typing import Callable, List, NamedTuple, Optional, Pattern

from .command_client import CANCELLED, NO_TRANSPORT, Reply

QUIET_S = 0.3  # an answer with nothing recognisable in it ends this long after its last line
MAX_ANSWER_LINES = 64  # a longer answer is cut here: no console can make a call grow
FLASH_TOOL = 'ros2 run esp32_drone_camera flash'
STOCK = "the stock firmware (protocol v1, the device README's)"

# Error codes of a Reply, beside command_client's.
UNCONFIRMED = 'unconfirmed'  # the console printed nothing that says the command worked
REFUSED = 'refused'  # the console printed an [ERROR] line
NOT_SUPPORTED = 'not_supported'  # the stock firmware has no such command

_ERROR = re.compile(r'\[ERROR\]', re.I)
_UNPROMPTED = re.compile(r'\[(DEBUG|WARNING|MEMORY)\]', re.I)  # log lines, not answers
_BLOCK_END = re.compile(r'={8,}\s*$')
_JSON_REFUSED = re.compile(r'\[ERROR\] Unknown command: (\{.*)$', re.I)
_REQUEST_ID = re.compile(r'"id"\s*:\s*"([^"]{1,32})"')


class Rule(NamedTuple):
    """How one node command is typed and which line of the answer confirms it."""

    typed: str  # the console line; '{}' takes the argument
    confirms: Pattern  # the line that says it took effect (or, for a block, its header)
    progress: Optional[Pattern] = None  # a line that says it is under way (reset)
    block: bool = False  # the answer is a block: header, lines, a line of '='


def _line(pattern: str) -> Pattern:
    return re.compile(pattern, re.I)


RULES = {
    'start': Rule('start', _line(r'\[STREAM\] Starting')),
    'stop': Rule('stop', _line(r'\[STREAM\].*\bstop')),
    # reset answers at once and confirms about 1 s later, when the camera is back
    'reset': Rule('reset', _line(r'\[SUCCESS\] Camera initiali[sz]ed'),
                  progress=_line(r'\[CMD\] Resetting')),
    'quality': Rule('quality {}', _line(r'\[CMD\] JPEG quality set to ')),
    'clear': Rule('clear', _line(r'\[CMD\] Statistics cleared')),
    'info': Rule('info', _line(r'=+ .*Information =+'), block=True),
    'stats': Rule('stats', _line(r'=+ .*Statistics =+'), block=True),
    'status': Rule('status', _line(r'=+ .*Status =+'), block=True),
}
# The node's commands that the stock firmware cannot carry out: what it is missing.
UNSUPPORTED = {'framesize': 'cannot change the frame size',
               'fps': 'cannot change the target frame rate'}


def refusal(cmd: str) -> Optional[str]:
    """Return why the stock firmware cannot do ``cmd``, or None when it can."""
    missing = UNSUPPORTED.get(cmd)
    if missing is None and cmd in RULES:
        return None
    missing = missing or f'has no {cmd!r} command'
    return f'{STOCK} {missing}; flash ours ({FLASH_TOOL}) for it'


def json_refused(line: str) -> Optional[str]:
    """
    Tell whether ``line`` is the stock console refusing one of our JSON commands.

    Return the refused command's request id ('' when the echo has none), or None
    when the line is something else.
    """
    match = _JSON_REFUSED.match(line.strip())
    if match is None:
        return None
    try:
        request_id = json.loads(match.group(1)).get('id', '')
        return request_id if isinstance(request_id, str) else ''
    except (ValueError, AttributeError):
        found = _REQUEST_ID.search(match.group(1))  # an echo cut short
        return found.group(1) if found else ''


class Answer:
    """The console's lines after one typed command, and whether they answer it yet."""

    def __init__(self, rule: Rule, now: float):
        self.rule = rule
        self.lines: List[str] = []
        self.outcome: Optional[bool] = None  # True confirmed, False refused
        self.under_way = False  # a progress line came: wait for the confirmation
        self.in_block = False
        self.last_at = now

    def feed(self, line: str, now: float) -> bool:
        """Take one console line; return False when it is not part of the answer."""
        if self.in_block:
            self._add(line, now)
            if _BLOCK_END.match(line):
                self.outcome = True
            return True
        if _UNPROMPTED.match(line) or not line.strip():
            return False  # a log line or a blank between answers: not this answer
        self._add(line, now)
        if _ERROR.match(line):
            self.outcome = False
        elif self.rule.confirms.match(line):
            self.in_block = self.rule.block
            self.outcome = None if self.rule.block else True
        elif self.rule.progress is not None and self.rule.progress.match(line):
            self.under_way = True
        return True

    def _add(self, line: str, now: float) -> None:
        self.lines.append(line)
        self.last_at = now
        if len(self.lines) >= MAX_ANSWER_LINES and self.outcome is None:
            self.outcome = self.in_block  # a block is cut short; anything else unconfirmed

    def quiet_until(self) -> Optional[float]:
        """When silence ends the answer: it has lines, and none it still waits on."""
        if not self.lines or self.under_way:
            return None
        return self.last_at + QUIET_S

    def reply(self, typed: str, timeout: float) -> Reply:
        """Return the outcome as a command Reply (the console's own text as the message)."""
        text = '\n'.join(self.lines)
        if self.outcome is True or (self.outcome is None and self.in_block):
            return Reply(True, {}, '', text)
        if self.outcome is False and self.lines and _ERROR.match(self.lines[-1]):
            return Reply(False, {}, REFUSED, text)
        if not self.lines:
            return Reply(False, {}, UNCONFIRMED,
                         f'the stock console printed nothing within {timeout:g} s after '
                         f'{typed!r}')
        if self.under_way:
            return Reply(False, {}, UNCONFIRMED,
                         f'{typed!r} is under way ({text!r}) but not confirmed within '
                         f'{timeout:g} s')
        return Reply(False, {}, UNCONFIRMED,
                     f'the stock console answered {typed!r} with {text!r}, which does not '
                     f'say it worked')


class StockConsole:
    """Types the node's commands on a stock console, one at a time, and reads the answer."""

    def __init__(self, write_line: Callable[[str], bool],
                 clock: Callable[[], float] = time.monotonic):
        """``write_line(text)`` sends one line; False when the port is not open."""
        self._write_line = write_line
        self._clock = clock
        self._turn = threading.Lock()  # answers carry no id: one command at a time
        self._cond = threading.Condition()
        self._answer: Optional[Answer] = None
        self._closed = False

    def call(self, cmd: str, arg: Optional[object] = None, timeout: float = 2.0) -> Reply:
        """Type ``cmd`` (with ``arg``) and wait at most ``timeout`` s for its answer."""
        why_not = refusal(cmd)
        if why_not:
            return Reply(False, {}, NOT_SUPPORTED, why_not)
        rule = RULES[cmd]
        typed = rule.typed.format(arg)
        deadline = self._clock() + timeout
        if not self._turn.acquire(timeout=max(0.0, timeout)):
            return Reply(False, {}, UNCONFIRMED,
                         f'the stock console was busy with another command for {timeout:g} s')
        try:
            with self._cond:
                if self._closed:
                    return Reply(False, {}, CANCELLED, f'{typed!r} cancelled: shutting down')
                answer = self._answer = Answer(rule, self._clock())
            if not self._write_line(typed):
                return Reply(False, {}, NO_TRANSPORT, 'serial port is not open')
            with self._cond:
                self._wait(answer, deadline)
                self._answer = None
                if self._closed and answer.outcome is None:
                    return Reply(False, {}, CANCELLED, f'{typed!r} cancelled: shutting down')
            return answer.reply(typed, timeout)
        finally:
            with self._cond:
                self._answer = None
            self._turn.release()

    def _wait(self, answer: Answer, deadline: float) -> None:
        # Called with self._cond held; on_line and close notify it.
        while answer.outcome is None and not self._closed:
            until = answer.quiet_until()
            until = deadline if until is None else min(until, deadline)
            left = until - self._clock()
            if left <= 0:
                return
            self._cond.wait(left)

    def on_line(self, line: str) -> bool:
        """Feed one console line; True when it belongs to the answer being waited for."""
        with self._cond:
            answer = self._answer
            if answer is None or answer.outcome is not None:
                return False
            taken = answer.feed(line, self._clock())
            self._cond.notify_all()
            return taken

    def close(self) -> None:
        """End the call waiting for an answer (CANCELLED) and refuse new ones."""
        with self._cond:
            self._closed = True
            self._cond.notify_all()
