"""Fake ``launch.event_handler``."""

from ._recorded import Recorded


class BaseEventHandler(Recorded):
    """Reacts to matching events."""

    def __init__(self, *, matcher, handle_once=False):
        """Handle the events for which ``matcher(event)`` is true."""
        self.__matcher = matcher
        self.handle_once = handle_once

    def matches(self, event):
        """Return whether this handler reacts to ``event``."""
        return self.__matcher(event)

    def handle(self, event, context):
        """Return the entities to run in reaction to ``event``."""
        return None


class EventHandler(BaseEventHandler):
    """Runs fixed entities on matching events."""

    def __init__(self, *, matcher, entities=None, handle_once=False):
        """Run ``entities`` when ``matcher(event)`` is true."""
        super().__init__(matcher=matcher, handle_once=handle_once)
        self.entities = entities

    def handle(self, event, context):
        """Return the entities."""
        return self.entities
