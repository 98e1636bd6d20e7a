"""Fake ``launch.events.process``: what a test hands to a process event handler."""

from ..event import Event


class RunningProcessEvent(Event):
    """Something happened to a process started by an action."""

    def __init__(self, *, action, name, cmd, cwd, env, pid):
        """Describe process ``pid`` started by ``action``."""
        self.action = action
        self.name = name
        self.cmd = cmd
        self.cwd = cwd
        self.env = env
        self.pid = pid


class ProcessStarted(RunningProcessEvent):
    """A process started."""


class ProcessExited(RunningProcessEvent):
    """A process exited with ``returncode``."""

    def __init__(self, *, returncode, **kwargs):
        """Describe a process that exited with ``returncode``."""
        super().__init__(**kwargs)
        self.returncode = returncode
