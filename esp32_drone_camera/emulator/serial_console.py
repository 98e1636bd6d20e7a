"""
The emulated USB serial console on a pseudo-terminal.

With this project's firmware (ProtocolConsole) a line starting with ``{`` is a JSON
command answered with one JSON reply line, and any other line is a command typed by
a person, answered with readable text. With ``--legacy`` the stock firmware's console
(stock_console.py) answers typed commands only. Both print the device's log lines
(boot banner, low-memory warnings). ``toggle_plug`` closes the pty and later opens a
new one, as unplugging and replugging USB does.
"""

import asyncio
import json
import os
import time
import tty
from typing import Callable, List, Optional

from .device import DeviceCore
from .stock_console import StockConsole
from .. import commands as cmds
from ..protocol import LOW_MEMORY_THRESHOLD, MAX_SERIAL_LINE

LOW_MEMORY_PERIOD_S = 10.0
BANNER = ('ESP32-S3 Drone Camera System v2.2 (emulator)',
          '[MEMORY] Initial free heap: {heap_kb} KB',
          '[SUCCESS] Camera initialized successfully',
          '[SUCCESS] Native WebSocket server running')


class ProtocolConsole:
    """This project's firmware console: JSON commands and typed ones (docs/protocol.md)."""

    def __init__(self, core: DeviceCore, write_line: Callable[[str], None]):
        self.core = core
        self.write_line = write_line

    def banner(self) -> List[str]:
        """Return the boot log."""
        return [line.format(heap_kb=self.core.heap // 1024) for line in BANNER]

    def too_long(self) -> str:
        """Return the answer to a line longer than MAX_SERIAL_LINE."""
        return json.dumps({'type': 'reply', 'cmd': '', 'ok': False, 'error': cmds.BAD_REQUEST,
                           'message': 'line too long'})

    def tick(self) -> None:
        """Once a second: nothing to print unprompted."""

    def answer(self, line: str) -> None:
        """Answer one line: a JSON reply line, or readable text for a typed command."""
        if line.lstrip().startswith('{'):
            self.write_line(json.dumps(self.core.handle_json(line, cmds.SERIAL)))
        else:
            _, text = self.core.handle_human(line)
            for out in text.splitlines():
                self.write_line(out)


class SerialConsole:
    """Serial console bound to a DeviceCore; ``legacy`` makes it the stock firmware's."""

    def __init__(self, core: DeviceCore, link: Optional[str] = None, legacy: bool = False):
        self.core = core
        self.link = link
        self.interpreter = (StockConsole if legacy else ProtocolConsole)(core, self.write_line)
        self.master: Optional[int] = None
        self.slave: Optional[int] = None
        self.path: Optional[str] = None
        self._buffer = b''
        self._discarding = False
        self._last_low_memory = 0.0

    def plug(self) -> str:
        """Create the pty, publish its path (and symlink), print the banner."""
        self.master, self.slave = os.openpty()
        tty.setraw(self.master)
        tty.setraw(self.slave)
        self.path = os.ttyname(self.slave)
        if self.link:
            tmp = self.link + '.tmp'
            if os.path.lexists(tmp):
                os.unlink(tmp)
            os.symlink(self.path, tmp)
            os.replace(tmp, self.link)
        asyncio.get_running_loop().add_reader(self.master, self._on_readable)
        print(f'SERIAL PTY {self.path}', flush=True)
        for line in self.interpreter.banner():
            self.write_line(line)
        return self.path

    def unplug(self) -> None:
        """Unplug: the node's port read fails, as when the USB cable is pulled."""
        if self.master is None:
            return
        asyncio.get_running_loop().remove_reader(self.master)
        if self.link and os.path.lexists(self.link):
            os.unlink(self.link)
        for fd in (self.master, self.slave):
            os.close(fd)
        self.master = self.slave = None
        self._buffer = b''

    def toggle_plug(self) -> None:
        """Unplug when plugged, replug (new pty, same symlink) when unplugged."""
        if self.master is None:
            self.plug()
        else:
            self.unplug()

    def write_line(self, text: str) -> None:
        """Write one line to the host; dropped when unplugged or the host is not reading."""
        if self.master is None:
            return
        try:
            os.write(self.master, text.encode() + b'\r\n')
        except OSError:
            pass

    def tick(self) -> None:
        """Once a second: the README's low-memory warning, rate limited."""
        self.interpreter.tick()
        now = time.monotonic()
        if self.core.heap < LOW_MEMORY_THRESHOLD and now - self._last_low_memory >= \
                LOW_MEMORY_PERIOD_S:
            self._last_low_memory = now
            self.write_line(f'[WARNING] Low memory detected: {self.core.heap} bytes')

    def _on_readable(self) -> None:
        try:
            data = os.read(self.master, 4096)
        except OSError:
            return
        self._buffer += data
        while b'\n' in self._buffer:
            raw, self._buffer = self._buffer.split(b'\n', 1)
            if self._discarding:
                self._discarding = False  # end of an over-long line: already answered
                continue
            if len(raw) > MAX_SERIAL_LINE:  # came whole in one read
                self.write_line(self.interpreter.too_long())
                continue
            self._on_line(raw.decode('utf-8', 'replace').rstrip('\r'))
        if len(self._buffer) > MAX_SERIAL_LINE:
            self._buffer = b''
            self._discarding = True
            self.write_line(self.interpreter.too_long())

    def _on_line(self, line: str) -> None:
        if line.strip():
            self.interpreter.answer(line)
