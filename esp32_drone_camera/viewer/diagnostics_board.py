"""The latest status of every diagnostics task seen on /diagnostics, for the page."""

import threading
import time
from typing import Callable, Dict, Iterable, List, NamedTuple

LEVEL_NAMES = {0: 'OK', 1: 'WARN', 2: 'ERROR', 3: 'STALE'}
MAX_STATUSES = 256  # a flood of names on /diagnostics cannot grow the viewer without bound


class Status(NamedTuple):
    """One DiagnosticStatus, as plain Python."""

    name: str
    level: int
    message: str
    hardware_id: str
    values: Dict[str, str]


class DiagnosticsBoard:
    """Latest status per name, with the time it arrived."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._latest: Dict[str, tuple] = {}

    def update(self, statuses: Iterable[Status]) -> None:
        """Record the statuses of one DiagnosticArray."""
        now = self._clock()
        with self._lock:
            for status in statuses:
                if status.name in self._latest or len(self._latest) < MAX_STATUSES:
                    self._latest[status.name] = (status, now)

    def as_list(self) -> List[dict]:
        """Return every status, sorted by name, with its level name and age."""
        now = self._clock()
        with self._lock:
            latest = sorted(self._latest.values(), key=lambda item: item[0].name)
        return [{'name': s.name, 'level': s.level,
                 'level_name': LEVEL_NAMES.get(s.level, str(s.level)),
                 'message': s.message, 'hardware_id': s.hardware_id, 'values': s.values,
                 'age_s': round(now - t, 2)} for s, t in latest]
