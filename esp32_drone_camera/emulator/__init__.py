"""A software stand-in for the camera that speaks the real protocol (docs/protocol.md)."""

from .server import Emulator, EmulatorConfig

__all__ = ['Emulator', 'EmulatorConfig']
