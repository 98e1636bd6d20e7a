"""
The states the device links report, as Enums that compare equal to their text.

Kept apart from the I/O modules so that diagnostics and the node can name a state
without importing a socket or a serial port. Members are ``str`` subclasses: a state
formats as its value in logs and diagnostics, and equals the plain string.
"""

from .text_enum import TextEnum


class LinkState(TextEnum):
    """The WebSocket link's state, as diagnostics show it."""

    CONNECTING = 'connecting'
    CONNECTED = 'connected'
    DISCONNECTED = 'disconnected'
    DEVICE_FULL = 'device_full'
    STALLED = 'stalled'
    STOPPED = 'stopped'


class SerialState(TextEnum):
    """The USB serial console's state."""

    OPEN = 'open'
    CLOSED = 'closed'
    RELEASED = 'released'
