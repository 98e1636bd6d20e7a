"""
Frame validation and the APP4 per-frame metadata (docs/protocol.md).

The checks look only at a few bytes at fixed offsets: the hot path must not walk
the JPEG byte by byte.
"""

import struct
from typing import NamedTuple, Optional

SOI = b'\xff\xd8'
EOI = b'\xff\xd9'
APP4_ID = b'\xff\xe4\x00\x16DCAM\x00'  # marker, length 22, identifier
META_VERSION = 1
META_LEN = 24  # whole segment, marker included
_META = struct.Struct('>BBBIQ')  # version, frame size, quality, sequence, capture µs
_META_OFFSET = 2 + len(APP4_ID)
MIN_FRAME = 4  # SOI + EOI

OK = 'ok'
TOO_SHORT = 'too_short'
NO_SOI = 'no_soi'
NO_EOI = 'no_eoi'
TOO_LARGE = 'too_large'
REASONS = (TOO_SHORT, NO_SOI, NO_EOI, TOO_LARGE)


class FrameMeta(NamedTuple):
    """Metadata the v2 firmware puts after SOI."""

    frame_size: int
    quality: int
    seq: int
    capture_us: int


def validate(data: bytes, max_size: int) -> str:
    """Return OK or the reason the frame must not be published."""
    size = len(data)
    if size > max_size:
        return TOO_LARGE
    if size < MIN_FRAME:
        return TOO_SHORT
    if data[:2] != SOI:
        return NO_SOI
    if data[-2:] != EOI:
        return NO_EOI
    return OK


def read_metadata(data: bytes) -> Optional[FrameMeta]:
    """Return the frame's metadata, or None when it carries none (v1 device)."""
    if data[2:_META_OFFSET] != APP4_ID or len(data) < META_LEN + 2:
        return None
    version, frame_size, quality, seq, capture_us = _META.unpack_from(data, _META_OFFSET)
    if version != META_VERSION:
        return None
    return FrameMeta(frame_size, quality, seq, capture_us)


def insert_metadata(jpeg: bytes, frame_size: int, quality: int, seq: int,
                    capture_us: int) -> bytes:
    """Return ``jpeg`` with the metadata segment right after SOI (device side)."""
    if jpeg[:2] != SOI:
        raise ValueError('not a JPEG: no SOI')
    segment = APP4_ID + _META.pack(META_VERSION, frame_size, quality, seq & 0xFFFFFFFF,
                                   capture_us)
    return SOI + segment + jpeg[2:]


def sequence_gap(previous: Optional[int], current: int) -> int:
    """
    Frames missing between two sequence numbers (u32, wrapping).

    A jump backwards (or a huge jump forwards) means the device restarted its
    counter, which is not a drop.
    """
    if previous is None:
        return 0
    gap = (current - previous - 1) & 0xFFFFFFFF
    return gap if gap < 0x80000000 else 0
