"""Fake ``launch.actions`` (Humble signatures)."""

from .action import Action
from .launch_description_source import LaunchDescriptionSource


class DeclareLaunchArgument(Action):
    """Declares a launch argument."""

    def __init__(self, name, *, default_value=None, description=None, choices=None,
                 **kwargs):
        """Declare argument ``name``; checks ``choices`` against the default as Humble does."""
        super().__init__(**kwargs)
        if choices is not None:
            if len(choices) == 0:
                raise RuntimeError('Provided choices arg is empty. Use None to ignore the '
                                   'choice list.')
            if isinstance(default_value, str) and default_value not in choices:
                raise RuntimeError(f'Provided default_value "{default_value}" is not in '
                                   f'provided choices "{choices}".')
        self.name = name
        self.default_value = default_value
        self.description = description
        self.choices = choices


def _execute_local_options(*, shell=False, sigterm_timeout=None, sigkill_timeout=None,
                           emulate_tty=False, output='log', output_format=None,
                           cached_output=False, log_cmd=False, on_exit=None, respawn=False,
                           respawn_delay=None, **kwargs):
    """Split off the keyword arguments Humble's ExecuteLocal takes from the Action ones."""
    options = {'shell': shell, 'sigterm_timeout': sigterm_timeout,
               'sigkill_timeout': sigkill_timeout, 'emulate_tty': emulate_tty,
               'output': output, 'output_format': output_format,
               'cached_output': cached_output, 'log_cmd': log_cmd, 'on_exit': on_exit,
               'respawn': respawn, 'respawn_delay': respawn_delay}
    return options, kwargs


class ExecuteProcess(Action):
    """Runs a process (with Humble's ExecuteLocal options: output, on_exit, ...)."""

    def __init__(self, *, cmd, prefix=None, name=None, cwd=None, env=None,
                 additional_env=None, **kwargs):
        """Run ``cmd``, a list of strings and substitutions."""
        options, rest = _execute_local_options(**kwargs)
        super().__init__(**rest)
        self.cmd = list(cmd)
        self.prefix = prefix
        self.name = name
        self.cwd = cwd
        self.env = env
        self.additional_env = additional_env
        self.output = options['output']
        self.emulate_tty = options['emulate_tty']
        self.on_exit = options['on_exit']
        self.respawn = options['respawn']


class OpaqueFunction(Action):
    """Calls a Python function when executed."""

    def __init__(self, *, function, args=None, kwargs=None, **left_over_kwargs):
        """Call ``function(context, *args, **kwargs)`` when executed."""
        super().__init__(**left_over_kwargs)
        if not callable(function):
            raise TypeError('OpaqueFunction expected a callable for "function"')
        self.function = function
        self.args = list(args) if args is not None else []
        self.kwargs = dict(kwargs) if kwargs is not None else {}

    def execute(self, context):
        """Call the function (the one thing the fake does run) and return its actions."""
        return self.function(context, *self.args, **self.kwargs)


class IncludeLaunchDescription(Action):
    """Includes another launch description (Humble: only a LaunchDescriptionSource)."""

    def __init__(self, launch_description_source, *, launch_arguments=None, **kwargs):
        """Include ``launch_description_source`` with ``launch_arguments`` (name, value)."""
        super().__init__(**kwargs)
        # Passing a path directly only works from Iron on.
        if not isinstance(launch_description_source, LaunchDescriptionSource):
            raise TypeError('Humble IncludeLaunchDescription needs a LaunchDescriptionSource, '
                            f'got {launch_description_source!r}')
        self.launch_description_source = launch_description_source
        self.launch_arguments = list(launch_arguments) if launch_arguments is not None else []


class LogInfo(Action):
    """Logs a message."""

    def __init__(self, *, msg, **kwargs):
        """Log ``msg`` (strings and substitutions)."""
        super().__init__(**kwargs)
        self.msg = msg


class EmitEvent(Action):
    """Emits an event."""

    def __init__(self, *, event, **kwargs):
        """Emit ``event``."""
        super().__init__(**kwargs)
        self.event = event


class RegisterEventHandler(Action):
    """Registers an event handler."""

    def __init__(self, event_handler, **kwargs):
        """Register ``event_handler``."""
        super().__init__(**kwargs)
        self.event_handler = event_handler


class Shutdown(Action):
    """Shuts the launch down."""

    def __init__(self, *, reason='reason not given', **kwargs):
        """Shut down for ``reason``."""
        super().__init__(**kwargs)
        self.reason = reason


class SetEnvironmentVariable(Action):
    """Sets an environment variable for the processes started after it."""

    def __init__(self, name, value, **kwargs):
        """Set ``name`` to ``value``."""
        super().__init__(**kwargs)
        self.name = name
        self.value = value


class SetLaunchConfiguration(Action):
    """Sets a launch configuration."""

    def __init__(self, name, value, **kwargs):
        """Set configuration ``name`` to ``value``."""
        super().__init__(**kwargs)
        self.name = name
        self.value = value


class GroupAction(Action):
    """Groups actions, optionally scoping launch configurations."""

    def __init__(self, actions, *, scoped=True, forwarding=True, launch_configurations=None,
                 **kwargs):
        """Group ``actions``."""
        super().__init__(**kwargs)
        self.actions = list(actions)
        self.scoped = scoped
        self.forwarding = forwarding
        self.launch_configurations = launch_configurations

    def describe_sub_entities(self):
        """Return the grouped actions."""
        return self.actions


class TimerAction(Action):
    """Runs actions after a delay."""

    def __init__(self, *, period, actions, cancel_on_shutdown=True, **kwargs):
        """Run ``actions`` after ``period`` seconds."""
        super().__init__(**kwargs)
        self.period = period
        self.actions = list(actions)
        self.cancel_on_shutdown = cancel_on_shutdown

    def describe_sub_entities(self):
        """Return the delayed actions."""
        return self.actions
