"""Fake ``launch.event_handlers``: process start/exit and shutdown handlers."""

from .action import Action
from .event_handler import BaseEventHandler
from .events import Shutdown
from .events.process import ProcessExited, ProcessStarted


class _OnActionEvent(BaseEventHandler):
    """React to ``event_type`` events of ``target_action`` (or of any action)."""

    def __init__(self, event_type, target_action, reaction, **kwargs):
        super().__init__(matcher=self._matches, **kwargs)
        self.__event_type = event_type
        self.target_action = target_action
        self.__reaction = reaction

    def _matches(self, event):
        if not isinstance(event, self.__event_type):
            return False
        if self.target_action is None:
            return True
        if isinstance(self.target_action, Action):
            return event.action is self.target_action
        return self.target_action(event.action)

    def handle(self, event, context):
        """Return the reaction's entities: a callable's result or the given actions."""
        if callable(self.__reaction):
            return self.__reaction(event, context)
        return self.__reaction


class OnProcessExit(_OnActionEvent):
    """Reacts to a process exiting."""

    def __init__(self, *, target_action=None, on_exit, **kwargs):
        """Run ``on_exit`` (actions, or ``f(event, context)``) when the process exits."""
        super().__init__(ProcessExited, target_action, on_exit, **kwargs)


class OnProcessStart(_OnActionEvent):
    """Reacts to a process starting."""

    def __init__(self, *, target_action=None, on_start, **kwargs):
        """Run ``on_start`` (actions, or ``f(event, context)``) when the process starts."""
        super().__init__(ProcessStarted, target_action, on_start, **kwargs)


class OnShutdown(_OnActionEvent):
    """Reacts to the launch shutting down."""

    def __init__(self, *, on_shutdown, **kwargs):
        """Run ``on_shutdown`` (actions, or ``f(event, context)``) on shutdown."""
        super().__init__(Shutdown, None, on_shutdown, **kwargs)
