"""Fake ``launch.events``."""

from . import process  # noqa: F401 - as in real launch
from ..event import Event


class Shutdown(Event):
    """Asks the launch to shut down."""

    def __init__(self, *, reason='reason not given', due_to_sigint=False):
        """Shut down for ``reason``."""
        self.reason = reason
        self.due_to_sigint = due_to_sigint


__all__ = ['Shutdown']
