"""
The USB serial link to the camera (pyserial), in its own thread.

Reads lines and hands them to a callback; writes command lines. When the port
vanishes (USB unplugged) it closes it and tries again every ``retry_interval`` until
the port returns. ``release()`` lets go of the port on request (so the flash tool can
use it) until ``acquire()``.
"""

import threading
import time
from typing import Callable, Optional

import serial

from .link_state import SerialState
from .protocol import MAX_SERIAL_LINE
from .threads import named_thread

_MAX_PENDING = 4 * MAX_SERIAL_LINE  # the device's line limit, with room for log lines


class SerialLink:
    """Keeps the serial port open and split into lines."""

    def __init__(self, port: str, baud: int, on_line: Callable[[str], None],
                 on_state: Callable[[SerialState, str], None] = lambda s, d: None,
                 retry_interval: float = 1.0):
        self.port = port
        self.baud = baud
        self.on_line = on_line
        self.on_state = on_state
        self.retry_interval = retry_interval
        self.state = SerialState.CLOSED
        self._serial: Optional[serial.Serial] = None
        self._write_lock = threading.Lock()
        self._stop = threading.Event()
        self._released = threading.Event()
        self._thread: Optional[threading.Thread] = None

    def start(self) -> None:
        """Start the reader thread."""
        self._thread = named_thread(self._run, 'serial_link')
        self._thread.start()

    def stop(self, timeout: float = 0.5) -> None:
        """Close the port and end the thread."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
        self._close(SerialState.CLOSED, 'stopped')

    @property
    def is_open(self) -> bool:
        """Tell whether the port is open."""
        return self.state is SerialState.OPEN

    def release(self) -> None:
        """Close the port and keep it closed until acquire()."""
        self._released.set()
        self._close(SerialState.RELEASED, 'released on request')

    def acquire(self) -> None:
        """Reopen the port after release()."""
        self._released.clear()

    def write_line(self, text: str) -> bool:
        """Send one line; False when the port is not open or the write failed."""
        data = text.encode('utf-8') + b'\n'
        with self._write_lock:
            port = self._serial
            if port is None:
                return False
            try:
                port.write(data)
                return True
            except (serial.SerialException, OSError) as exc:
                self._close(SerialState.CLOSED, f'write failed: {exc}')
                return False

    def _set_state(self, state: SerialState, detail: str) -> None:
        if state != self.state:
            self.state = state
            try:
                self.on_state(state, detail)
            except Exception:  # noqa: BLE001 - a callback bug must not kill the link
                pass

    def _close(self, state: SerialState, detail: str) -> None:
        with self._write_lock:
            port, self._serial = self._serial, None
        if port is not None:
            try:
                port.close()
            except (serial.SerialException, OSError):
                pass
        self._set_state(state, detail)

    def _open(self) -> bool:
        try:
            # exclusive: a second opener (another node, the flash tool) fails clearly.
            port = serial.Serial(self.port, self.baud, timeout=0.1, exclusive=True)
        except (serial.SerialException, OSError, ValueError) as exc:
            self._set_state(SerialState.CLOSED, f'cannot open {self.port}: {exc}')
            return False
        with self._write_lock:
            self._serial = port
        self._set_state(SerialState.OPEN, self.port)
        return True

    def _run(self) -> None:
        pending = b''
        while not self._stop.is_set():
            if self._released.is_set():
                self._stop.wait(0.1)
                continue
            port = self._serial
            if port is None:
                if not self._open():
                    self._stop.wait(self.retry_interval)
                pending = b''
                continue
            try:
                chunk = port.read(max(1, port.in_waiting))
            except (serial.SerialException, OSError, TypeError) as exc:
                # TypeError: pyserial may hit a closed fd when release() races a read.
                if not self._released.is_set():
                    self._close(SerialState.CLOSED, f'port lost: {exc}')
                continue
            if not chunk:
                continue
            pending += chunk
            *lines, pending = pending.split(b'\n')
            if len(pending) > _MAX_PENDING:
                pending = b''  # an endless line: drop it rather than grow
            for raw in lines:
                if len(raw) > _MAX_PENDING:
                    raw = raw[:_MAX_PENDING]  # bound what a runaway line can cost
                try:
                    self.on_line(raw.decode('utf-8', 'replace').rstrip('\r'))
                except Exception:  # noqa: BLE001 - never let a callback end the link
                    pass
            time.sleep(0)  # let the executor threads run between bursts
