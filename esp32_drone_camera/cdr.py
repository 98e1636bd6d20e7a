"""
Pre-serialised messages: the node publishes bytes, so no Python message is converted per frame.

A message serialised once is a template. Its header.stamp sits at a fixed offset, right
after the 4-byte CDR encapsulation header, and is patched in place for each frame. A
CompressedImage template serialised with empty data ends with that data's length (0):
without those 4 bytes it is a prefix, and a frame is the prefix, the real length and
the JPEG.
"""

import struct
from typing import Any

from rclpy.serialization import serialize_message

STAMP = struct.Struct('<iI')  # builtin_interfaces/Time: sec, nanosec
STAMP_AT = 4  # after the encapsulation header
_LENGTH = struct.Struct('<I')
_LITTLE_ENDIAN_CDR = b'\x00\x01'


def template(message: Any) -> bytearray:
    """Serialise ``message`` once, as a buffer whose stamp can be patched."""
    data = bytearray(serialize_message(message))
    if data[:2] != _LITTLE_ENDIAN_CDR:  # as on every ROS 2 host
        raise RuntimeError('unexpected CDR encapsulation: big-endian hosts are unsupported')
    return data


def image_prefix(message: Any) -> bytearray:
    """Return the template of a CompressedImage with empty data, minus that data's length."""
    if len(message.data):
        raise ValueError('the template image must have no data')
    return template(message)[:-_LENGTH.size]


def set_stamp(buffer: bytearray, sec: int, nanosec: int) -> None:
    """Patch header.stamp of a template or prefix."""
    STAMP.pack_into(buffer, STAMP_AT, sec, nanosec)


def image(prefix: bytearray, data: bytes) -> bytes:
    """Return the serialised CompressedImage of ``prefix`` carrying ``data``."""
    return b''.join((prefix, _LENGTH.pack(len(data)), data))
