"""Fault injection for the emulator: frames and messages a real device might garble."""

import os
from typing import Iterable, Optional

from .imagery import comment_padding
from .. import frames

FRAME_FAULTS = ('truncated', 'garbage', 'oversize', 'undecodable')
TEXT_FAULTS = ('badjson',)
ALL_FAULTS = FRAME_FAULTS + TEXT_FAULTS
OVERSIZE_BYTES = 300 * 1024  # above the node's default maximum, below its hard limit
MALFORMED_TEXTS = ('{"type":"status","frame":', '{"type":"status","frame":"x","fps":1}',
                   '{"type":"telemetry","x":1}', '[1,2]')


class FaultPlan:
    """Round-robin over the enabled faults, one every ``interval`` frames."""

    def __init__(self, faults: Iterable[str] = (), interval: int = 10):
        unknown = set(faults) - set(ALL_FAULTS)
        if unknown:
            raise ValueError(f'unknown faults: {", ".join(sorted(unknown))}')
        self.faults = tuple(faults)
        self.interval = max(1, interval)
        self._next = 0
        self.injected = dict.fromkeys(ALL_FAULTS, 0)

    def pick(self, frame_number: int) -> Optional[str]:
        """Return the fault to inject at this frame, if any."""
        if not self.faults or frame_number % self.interval != self.interval - 1:
            return None
        fault = self.faults[self._next % len(self.faults)]
        self._next += 1
        self.injected[fault] += 1
        return fault


def corrupt_frame(fault: str, jpeg: bytes) -> bytes:
    """Return the binary message that replaces a good frame for ``fault``."""
    if fault == 'truncated':
        return jpeg[:len(jpeg) // 2]  # SOI present, EOI missing: a cut-off transfer
    if fault == 'garbage':
        return os.urandom(len(jpeg))
    if fault == 'undecodable':
        # Passes the node's marker checks (SOI ... EOI) and keeps its APP4 metadata, as a
        # frame the sensor garbled would (its sequence number is no gap), but is no JPEG
        # inside.
        head = 2 + frames.META_LEN if frames.read_metadata(jpeg) is not None else 2
        return jpeg[:head] + os.urandom(len(jpeg) - head - 2) + jpeg[-2:]
    if fault == 'oversize':
        # Comment segments make it 1-4 bytes longer than OVERSIZE_BYTES.
        return jpeg[:2] + comment_padding(OVERSIZE_BYTES - len(jpeg) + 4) + jpeg[2:]
    raise ValueError(fault)


def malformed_text(index: int) -> str:
    """Return a text message the node must count and skip."""
    return MALFORMED_TEXTS[index % len(MALFORMED_TEXTS)]
