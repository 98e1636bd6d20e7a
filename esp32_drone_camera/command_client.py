"""
Correlates device commands with their replies, whatever link carried them.

Each request gets a fresh id; the reply with that id completes the request's future.
A request that gets no reply within its timeout fails with "device did not confirm",
so a service never hangs on a stock (v1) device or a vanished one; ``close`` ends the
calls still waiting, so shutting down never waits for a timeout either.
"""

import concurrent.futures
import itertools
import threading
from typing import Any, Callable, Dict, NamedTuple, Optional

from .protocol import format_command


class Reply(NamedTuple):
    """Outcome of a command: ok, result, error code and a readable message."""

    ok: bool
    result: dict
    error: str = ''
    message: str = ''


_CANCELLED: dict = {}  # completes a waiting call without a reply
NO_TRANSPORT = 'no_transport'
NOT_CONFIRMED = 'not_confirmed'
CANCELLED = 'cancelled'


class CommandClient:
    """Sends commands over a transport chosen per call and waits for the reply."""

    def __init__(self, choose_transport: Callable[[], tuple], token: Callable[[], str]):
        """``choose_transport`` returns (name, send_function) or (None, reason)."""
        self._choose = choose_transport
        self._token = token
        self._ids = itertools.count(1)
        self._pending: Dict[str, concurrent.futures.Future] = {}
        self._lock = threading.Lock()
        self._closed = False

    def call(self, cmd: str, arg: Any = None, timeout: float = 2.0) -> Reply:
        """Send ``cmd`` and wait at most ``timeout`` seconds for its reply."""
        name, send = self._choose()
        if name is None:
            return Reply(False, {}, NO_TRANSPORT, send)
        request_id = f'r{next(self._ids)}'
        future: concurrent.futures.Future = concurrent.futures.Future()
        with self._lock:
            if self._closed:
                return Reply(False, {}, CANCELLED, f'{cmd!r} cancelled: shutting down')
            self._pending[request_id] = future
        try:
            token = self._token() if name == 'websocket' else ''
            if not send(format_command(cmd, arg, request_id, token)):
                return Reply(False, {}, NO_TRANSPORT, f'{name} link is not open')
            try:
                reply = future.result(timeout)
            except concurrent.futures.TimeoutError:
                return Reply(False, {}, NOT_CONFIRMED,
                             f'device did not confirm {cmd!r} within {timeout:g} s over {name}')
        finally:
            with self._lock:
                self._pending.pop(request_id, None)
        if reply is _CANCELLED:
            return Reply(False, {}, CANCELLED, f'{cmd!r} cancelled: shutting down')
        if reply.get('ok'):
            return Reply(True, reply.get('result') or {})
        return Reply(False, {}, str(reply.get('error', 'failed')),
                     str(reply.get('message', 'device refused')))

    def on_reply(self, reply: dict) -> bool:
        """Complete the request a reply belongs to; False if nobody waits for it."""
        request_id: Optional[str] = reply.get('id')
        with self._lock:
            future = self._pending.get(request_id) if request_id else None
        if future is None or future.done():
            return False
        try:
            future.set_result(reply)
        except concurrent.futures.InvalidStateError:
            return False  # cancelled meanwhile
        return True

    def close(self) -> None:
        """End every call waiting for a reply, and refuse new ones (CANCELLED)."""
        with self._lock:
            self._closed = True
            waiting = list(self._pending.values())
        for future in waiting:
            if not future.done():
                try:
                    future.set_result(_CANCELLED)
                except concurrent.futures.InvalidStateError:
                    pass  # its reply won the race
