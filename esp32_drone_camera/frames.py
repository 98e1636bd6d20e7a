"""
Frame validation and the APP4 per-frame metadata (docs/protocol.md).

The checks look only at a few bytes at fixed offsets and at the length: the hot path
must not walk the JPEG byte by byte. They do not take the device's word for anything
it cannot prove: a frame shorter than the smallest JPEG an OV2640 can produce at the
announced size is rejected, and a sequence gap larger than the sensor could have
captured in the time between two frames is a reset or a lie, not drops.
"""

import struct
from typing import NamedTuple, Optional

from .protocol import FRAME_SIZES

SOI = b'\xff\xd8'
EOI = b'\xff\xd9'
APP4_ID = b'\xff\xe4\x00\x16DCAM\x00'  # marker, length 22, identifier
META_VERSION = 1
META_LEN = 24  # whole segment, marker included
_META = struct.Struct('>BBBIQ')  # version, frame size, quality, sequence, capture µs
_META_OFFSET = 2 + len(APP4_ID)

# The smallest JPEG an OV2640 can send (docs/protocol.md, "Smallest frame"). The
# sensor's JPEG (as esp32-camera configures it: baseline, colour) always carries
#   SOI 2 + DQT, two 8-bit tables 134 (2 + 2 + 2 x 65; 138 as two segments)
#   + SOF0, 3 components 19 + DHT, the 4 standard tables of T.81 Annex K 420
#   (2 + 2 + 4 x 17 + 12 + 162 + 12 + 162; 432 as four segments) + SOS 14 + EOI 2,
# and its entropy-coded data holds at least 6 bits per 8x8 luma block: the shortest
# standard luminance DC code ('00', no difference) and the end-of-block code ('1010'),
# which is what a flat grey picture costs. Chroma blocks are not counted (a margin).
JPEG_HEADERS_MIN = 2 + 134 + 19 + 420 + 14 + 2  # 591 bytes
LUMA_BLOCK_MIN_BITS = 6


def min_jpeg_size(width: int, height: int) -> int:
    """Return the fewest bytes an OV2640 JPEG of ``width`` x ``height`` can take."""
    blocks = -(-width // 8) * -(-height // 8)
    return JPEG_HEADERS_MIN + -(-blocks * LUMA_BLOCK_MIN_BITS // 8)


# By frame-size index; MIN_FRAME (the smallest size's) when the size is not known.
MIN_FRAME_BY_SIZE = tuple(min_jpeg_size(w, h) for _, w, h in FRAME_SIZES)
MIN_FRAME = min(MIN_FRAME_BY_SIZE)
# The OV2640's fastest mode (CIF and below, datasheet) is 60 fps: a device cannot have
# captured more frames than that between two it sent, plus one second of slack for
# frames queued in the network (they arrive close together).
MAX_SENSOR_FPS = 60

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


def min_frame_size(frame_size_index: Optional[int]) -> int:
    """Return the smallest acceptable frame for a frame-size index (None: not known)."""
    if frame_size_index is None or not 0 <= frame_size_index < len(MIN_FRAME_BY_SIZE):
        return MIN_FRAME
    return MIN_FRAME_BY_SIZE[frame_size_index]


def validate(data: bytes, max_size: int, min_size: int = MIN_FRAME) -> str:
    """Return OK or the reason the frame must not be published."""
    size = len(data)
    if size > max_size:
        return TOO_LARGE
    if size < min_size:
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
    Frames missing between two sequence numbers (u32, wrapping): 0 to 2**32 - 1.

    A jump backwards (or a repeated number) comes out as a huge gap: compare the gap
    with ``plausible_gap`` before believing it.
    """
    if previous is None:
        return 0
    return (current - previous - 1) & 0xFFFFFFFF


def plausible_gap(elapsed_ns: int) -> int:
    """Return the most frames a device can have captured unseen in ``elapsed_ns``."""
    return MAX_SENSOR_FPS * (1 + max(0, elapsed_ns) // 1_000_000_000)
