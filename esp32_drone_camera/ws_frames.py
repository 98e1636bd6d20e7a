"""
The two pieces of RFC 6455 framing the link does itself, both pure.

``parse_frame_header`` reads the header of a frame by hand, for the binary fast path:
a whole, unmasked binary frame is a complete message as it stands, and handing it to
``websockets``' protocol object would only copy it twice. Every other frame goes
through that protocol object, which validates it.

``MessageAssembler`` joins fragmented messages from the protocol's frame events:
``websockets``' sans-I/O layer validates fragment order and size but leaves joining
them to its I/O wrappers, and the link is its own wrapper.
"""

from typing import List, Optional, Tuple, Union

from websockets.frames import Frame, Opcode

FIN_BINARY = 0x82  # first header byte of a whole binary frame, RSV bits clear (section 5.2)
MASK_BIT = 0x80  # in the second header byte
LENGTH_16 = 126  # 7-bit length codes that announce a 16- or 64-bit extended length
LENGTH_64 = 127
BytesLike = Union[bytes, bytearray, memoryview]  # what a Frame's payload may be


def extended_length_size(second_byte: int) -> int:
    """Return how many extended-length bytes follow the 2-byte header: 0, 2 or 8."""
    code = second_byte & 0x7F
    if code == LENGTH_16:
        return 2
    if code == LENGTH_64:
        return 8
    return 0


def parse_frame_header(header: bytes) -> Tuple[int, bool, bool]:
    """
    Parse a frame header: the 2 fixed bytes and the extended length, no masking key.

    Return ``(length, masked, whole_binary)``: the payload's length (not counting a
    masking key); whether a masking key follows (a server must never send one); and
    whether this is the fast path's case, FIN set, RSV bits clear, opcode binary,
    unmasked. A plain tuple, not a NamedTuple: this runs once a frame, and building a
    NamedTuple costs three times as much as the rest of the function.

    ``header`` must hold exactly ``2 + extended_length_size(header[1])`` bytes. The
    length is not checked against any limit here: the caller compares it with its own
    before it reads (or allocates) anything for the payload.
    """
    first, second = header[0], header[1]
    length = second & 0x7F
    if length >= LENGTH_16:
        length = int.from_bytes(header[2:], 'big')
    return length, second >= MASK_BIT, first == FIN_BINARY and second < MASK_BIT


class MessageAssembler:
    """Turns the protocol's data frames into whole messages, joining fragments."""

    def __init__(self) -> None:
        self.opcode: Optional[Opcode] = None  # of the fragmented message in progress
        self._parts: List[BytesLike] = []

    @property
    def in_message(self) -> bool:
        """Tell whether a fragmented message has started and not yet finished."""
        return self.opcode is not None

    def add(self, frame: Frame) -> Optional[Tuple[Opcode, bytes]]:
        """Return (BINARY or TEXT, payload) when ``frame`` completes a message, else None."""
        opcode = frame.opcode
        if opcode is Opcode.CONT:
            if self.opcode is None:
                return None  # the protocol rejects a stray continuation; nothing to join
            self._parts.append(frame.data)
            if not frame.fin:
                return None
            whole = (self.opcode, b''.join(self._parts))
            self.opcode, self._parts = None, []
            return whole
        if opcode is Opcode.BINARY or opcode is Opcode.TEXT:
            if not frame.fin:
                self.opcode, self._parts = opcode, [frame.data]
                return None
            return opcode, bytes(frame.data)
        return None  # ping (the protocol queued the pong), pong, close
