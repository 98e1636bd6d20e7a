"""
The stock firmware's serial console (the device README, v2.1): what ``--legacy`` speaks.

A person types a command word (``quality`` takes a number after it) and reads text
lines back; there is no JSON, so a JSON line is an unknown command. The README lists
the commands and shows the boot log and the status block, which are reproduced word
for word; it does not show the other answers, so those (marked ``readme=False`` in
the table) are written in the same style. STOCK_COMMANDS is the one table of what
each command does and which line confirms it; docs/protocol.md ("Stock firmware
console") is what a client may rely on, and test/test_emulator_legacy.py checks both.
"""

import asyncio
from typing import Callable, List, NamedTuple, Optional

from .device import DeviceCore
from .. import commands as cmds
from ..protocol import MAX_CLIENTS

RESET_DELAY_S = 1.0  # the camera is dark this long after ``reset``


class StockCommand(NamedTuple):
    """One console command: its handler and the line that confirms it took effect."""

    name: str
    handler: str  # StockConsole method; returns the answer's lines
    confirms: str  # every answer that succeeded contains a line starting with this
    readme: bool  # True: that line's wording is the README's own


STOCK_COMMANDS = {c.name: c for c in (
    StockCommand('start', '_start', '[STREAM] Starting 20fps video stream...', True),
    StockCommand('stop', '_stop', '[STREAM] Video stream stopped', False),
    # reset answers at once, and confirms once the camera is back (RESET_DELAY_S later)
    StockCommand('reset', '_reset', '[SUCCESS] Camera initialized successfully', True),
    StockCommand('quality', '_quality', '[CMD] JPEG quality set to ', False),
    StockCommand('info', '_info', '=== Camera Information ===', False),
    StockCommand('stats', '_stats', '=== Performance Statistics ===', False),
    StockCommand('status', '_status', '=== 20fps Video Stream Status ===', True),
    StockCommand('verbose', '_verbose', '[CMD] Verbose logging ', False),
    StockCommand('clear', '_clear', '[CMD] Statistics cleared', False),
    StockCommand('webstats', '_webstats', '=== WebSocket Server Statistics ===', False),
    StockCommand('clients', '_clients', '[WS] Connected clients: ', False),
    StockCommand('webstart', '_webstart',
                 '[SUCCESS] Native WebSocket server running at http://192.168.4.1:8080/', True),
    StockCommand('webstop', '_webstop', '[WS] WebSocket server stopped', False),
    StockCommand('wstest', '_wstest', '[WS] Test message sent to ', False),
)}
UNKNOWN_COMMAND = '[ERROR] Unknown command: '  # not in the README
TOO_LONG = '[ERROR] Command too long'  # not in the README
QUALITY_INVALID = '[ERROR] Invalid quality value (use 0-63): '  # not in the README
BLOCK_END = '=' * 34

# The README's "Example Serial Output", word for word (the heap is the device's).
BANNER = ('ESP32-S3 Drone Camera System v2.1',
          'Optimized for Stable 20fps WebSocket Streaming',
          '=' * 50,
          '',
          '[MEMORY] Initial free heap: {heap_kb} KB',
          '[INIT] Initializing OV2640 camera...',
          '[SUCCESS] Camera initialized successfully',
          '[INIT] Initializing WiFi...',
          '[SUCCESS] WiFi AP started: ESP32-S3_Drone_30fps',
          STOCK_COMMANDS['webstart'].confirms,
          STOCK_COMMANDS['start'].confirms)
CAMERA_INIT = BANNER[5:7]


class StockConsole:
    """Answers typed commands as the stock firmware does, through ``write_line``."""

    def __init__(self, core: DeviceCore, write_line: Callable[[str], None]):
        self.core = core
        self.write_line = write_line

    def banner(self) -> List[str]:
        """Return the boot log."""
        return [line.format(heap_kb=self.core.heap // 1024) for line in BANNER]

    def too_long(self) -> str:
        """Return the answer to a line longer than the console takes."""
        return TOO_LONG

    def tick(self) -> None:
        """Once a second: with ``verbose`` on, a detail line (unprompted, not in the README)."""
        if self.core.verbose:
            clients = len(self.core.hooks.client_list())
            self.write_line(f'[DEBUG] Frames: {self.core.frames}, FPS: {self.core.fps:.1f}, '
                            f'clients: {clients}')

    def answer(self, line: str) -> None:
        """Carry out one typed line and print its answer."""
        words = line.strip().lower().split()
        command = STOCK_COMMANDS.get(words[0]) if words else None
        arg: Optional[str] = None
        if command is not None and command.name == 'quality':
            arg = words[1] if len(words) == 2 else None
            words = words[:1] if len(words) == 2 else words
        if command is None or len(words) != 1:
            self.write_line(UNKNOWN_COMMAND + line.strip())
            return
        for out in getattr(self, command.handler)(arg):
            self.write_line(out)

    # -- handlers: each returns the lines of its answer -----------------------------
    def _start(self, _) -> List[str]:
        self.core.streaming = True
        return [STOCK_COMMANDS['start'].confirms]

    def _stop(self, _) -> List[str]:
        self.core.streaming = False
        return [STOCK_COMMANDS['stop'].confirms]

    def _reset(self, _) -> List[str]:
        self.core.hooks.restart_camera(RESET_DELAY_S)
        asyncio.get_running_loop().call_later(RESET_DELAY_S, self._camera_back)
        return ['[CMD] Resetting camera module...']

    def _camera_back(self) -> None:
        for line in CAMERA_INIT:
            self.write_line(line)

    def _quality(self, word: Optional[str]) -> List[str]:
        if word is None:
            return [f'[CMD] Current JPEG quality: {self.core.quality}',
                    'Usage: quality <0-63>']
        low, high = cmds.QUALITY_RANGE
        if not (word.isdigit() and low <= int(word) <= high):
            return [QUALITY_INVALID + word]
        self.core.quality = int(word)
        return [f'{STOCK_COMMANDS["quality"].confirms}{self.core.quality}']

    def _info(self, _) -> List[str]:
        _, width, height = self.core.size
        return [STOCK_COMMANDS['info'].confirms,
                'Firmware: v2.1',
                'Camera: OV2640',
                f'Resolution: {width}x{height} ({self.core.frame_size})',
                f'JPEG quality: {self.core.quality}',
                f'Target frame rate: {self.core.fps_target:g} fps',
                'PSRAM: 8 MB',
                'Flash: 16 MB',
                f'Free heap: {self.core.heap // 1024} KB',
                BLOCK_END]

    def _stats(self, _) -> List[str]:
        core = self.core
        average = core.bytes_sent // core.frames if core.frames else 0
        return [STOCK_COMMANDS['stats'].confirms,
                f'Total frames: {core.frames}',
                f'Current FPS: {core.fps:.1f}',
                f'Frames dropped: {core.dropped}',
                f'Capture errors: {core.capture_errors}',
                f'Data sent: {core.bytes_sent // 1024} KB',
                f'Average frame size: {average} bytes',
                f'Uptime: {core.uptime_us() // 1_000_000} s',
                BLOCK_END]

    def _status(self, _) -> List[str]:
        # The README's block, word for word; "streaming stopped" is not in the README.
        clients = len(self.core.hooks.client_list())
        doing = 'streaming video frames' if self.core.streaming else 'streaming stopped'
        return [STOCK_COMMANDS['status'].confirms,
                f'Camera - Total frames: {self.core.frames}',
                f'Camera - Current FPS: {self.core.fps:.1f}',
                f'Camera - Memory - Current: {self.core.heap // 1024} KB',
                f'[WS] WebSocket clients: {clients}, {doing}',
                BLOCK_END]

    def _verbose(self, _) -> List[str]:
        self.core.verbose = not self.core.verbose
        state = 'ON' if self.core.verbose else 'OFF'
        return [f'{STOCK_COMMANDS["verbose"].confirms}{state}']

    def _clear(self, _) -> List[str]:
        self.core.clear_stats()
        return [STOCK_COMMANDS['clear'].confirms]

    def _webstats(self, _) -> List[str]:
        stats = self.core.hooks.server_stats()
        running = 'running' if self.core.server_running else 'stopped'
        return [STOCK_COMMANDS['webstats'].confirms,
                f'Server: {running} on port 8080',
                f'Connected clients: {len(self.core.hooks.client_list())}/{MAX_CLIENTS}',
                f'Messages sent: {stats["messages_sent"]}',
                f'Frames skipped: {stats["frames_skipped"]}',
                f'Connections rejected: {stats["rejected"]}',
                BLOCK_END]

    def _clients(self, _) -> List[str]:
        clients = self.core.hooks.client_list()
        lines = [f'{STOCK_COMMANDS["clients"].confirms}{len(clients)}/{MAX_CLIENTS}']
        lines += [f'  Client {c["id"]}: {c["address"]}, frames sent: {c["frames"]}, '
                  f'skipped: {c["skipped"]}' for c in clients]
        return lines

    def _webstart(self, _) -> List[str]:
        self.core.server_running = True
        self.core.hooks.set_server_running(True)
        return [STOCK_COMMANDS['webstart'].confirms]

    def _webstop(self, _) -> List[str]:
        self.core.server_running = False
        self.core.hooks.set_server_running(False)
        return [STOCK_COMMANDS['webstop'].confirms]

    def _wstest(self, _) -> List[str]:
        sent = self.core.hooks.broadcast_test()
        return [f'{STOCK_COMMANDS["wstest"].confirms}{sent} clients']
