"""
A software stand-in for the camera that speaks the real protocol (docs/protocol.md).

The server is imported on first use, so ``python -m esp32_drone_camera.emulator``
can take over SIGINT and SIGTERM before its heavier imports run.
"""

__all__ = ['Emulator', 'EmulatorConfig']


def __getattr__(name):
    if name in __all__:
        from . import server
        return getattr(server, name)
    raise AttributeError(name)
