"""Fake ``launch.event``: the base of all events."""

from ._recorded import Recorded


class Event(Recorded):
    """Something that happened while launching."""
