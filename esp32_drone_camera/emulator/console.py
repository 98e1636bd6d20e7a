"""What a serial console language does: its boot log, and how it answers a line."""

from typing import Callable, List, Tuple

from .device import DeviceCore


class Console:
    """
    One console language over a DeviceCore, writing through ``write_line``.

    serial_console.py owns the pseudo-terminal and picks the language: this
    project's (ProtocolConsole) or the stock firmware's (stock_console.StockConsole).
    """

    boot_log: Tuple[str, ...] = ()  # lines printed at boot; ``{heap_kb}`` is filled in

    def __init__(self, core: DeviceCore, write_line: Callable[[str], None]):
        self.core = core
        self.write_line = write_line

    def banner(self) -> List[str]:
        """Return the boot log."""
        return [line.format(heap_kb=self.core.heap // 1024) for line in self.boot_log]

    def too_long(self) -> str:
        """Return the answer to a line longer than the console takes."""
        raise NotImplementedError

    def tick(self) -> None:
        """Once a second: print what the console prints unprompted (nothing here)."""

    def answer(self, line: str) -> None:
        """Answer one line, through ``write_line``."""
        raise NotImplementedError
