"""The emulator's settings: everything its command line can set."""

import dataclasses
from typing import Optional

from ..protocol import MAX_CLIENTS


@dataclasses.dataclass
class EmulatorConfig:
    """Everything the command line can set."""

    host: str = '127.0.0.1'
    port: int = 8080
    fps: float = 20.0
    frame_size: str = 'VGA'
    quality: int = 12
    token: Optional[str] = None
    legacy: bool = False
    max_clients: int = MAX_CLIENTS
    faults: tuple = ()
    fault_interval: int = 10
    stall_after: Optional[float] = None
    stall_for: float = 0.0
    die_after: Optional[float] = None
    pre_encoded: int = 0
    capture_latency_ms: float = 0.0
    capture_log: Optional[str] = None
    serial_pty: bool = False
    serial_link: Optional[str] = None
    heap: int = 180000
    page: Optional[str] = None
