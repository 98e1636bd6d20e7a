"""
The JPEG inside a serialised ``sensor_msgs/CompressedImage``, found without deserialising.

The viewer takes images as raw CDR bytes (``raw=True`` subscriptions) and serves a
memoryview of the ``data`` field: no Python message is built and no byte is copied.
The layout (XCDR1 and plain XCDR2 agree here: no field is wider than 4 bytes)::

    encapsulation(4) stamp.sec(4) stamp.nanosec(4) frame_id(4+n) [pad] format(4+n) [pad]
    data(4+n)

Alignment counts from the end of the encapsulation header.
"""

import struct
from typing import NamedTuple, Tuple

_LE = (struct.Struct('<I'), struct.Struct('<iI'))
_BE = (struct.Struct('>I'), struct.Struct('>iI'))
# Encapsulation identifiers (big-endian uint16): CDR_BE, CDR_LE, PLAIN_CDR2_BE/LE.
_ENDIAN = {b'\x00\x00': _BE, b'\x00\x01': _LE, b'\x00\x06': _BE, b'\x00\x07': _LE}
SOI = b'\xff\xd8'


class Image(NamedTuple):
    """What the viewer needs of one CompressedImage."""

    sec: int
    nanosec: int
    format: str  # noqa: A003 - the message's field name
    data: memoryview


def parse(raw: bytes) -> Image:
    """Return the stamp, format and data of a serialised CompressedImage; ValueError if bad."""
    view = memoryview(raw)
    structs = _ENDIAN.get(bytes(view[:2]))
    if structs is None:
        raise ValueError(f'unsupported CDR encapsulation {bytes(view[:2]).hex()}')
    if len(view) < 16:
        raise ValueError('message too short')
    u32, stamp = structs
    sec, nanosec = stamp.unpack_from(view, 4)
    _, pos = _sequence(view, 12, u32)  # header.frame_id
    fmt, pos = _sequence(view, pos, u32)
    data, _ = _sequence(view, pos, u32)
    return Image(sec, nanosec, bytes(fmt).rstrip(b'\0').decode('utf-8', 'replace'), data)


def _sequence(view: memoryview, pos: int, u32: struct.Struct) -> Tuple[memoryview, int]:
    """Return a length-prefixed field at ``pos`` (after alignment) and where it ends."""
    pos += -(pos - 4) % 4  # align to 4, counted from the start of the payload
    if pos + 4 > len(view):
        raise ValueError('message truncated')
    (length,) = u32.unpack_from(view, pos)
    end = pos + 4 + length
    if end > len(view):
        raise ValueError('message truncated')
    return view[pos + 4:end], end


def is_jpeg(image: Image) -> bool:
    """Return True if the data is a JPEG a browser can show (it starts with SOI)."""
    return image.data[:2] == SOI
