"""Fake ``launch.launch_context``."""


class LaunchContext:
    """
    What substitutions and conditions are evaluated against.

    A test sets ``launch_configurations`` (argument name -> string value), as
    ``ros2 launch ... name:=value`` and DeclareLaunchArgument defaults would.
    """

    def __init__(self, *, argv=None, noninteractive=False):
        """Create an empty context."""
        self.argv = argv if argv is not None else []
        self.noninteractive = noninteractive
        self.launch_configurations = {}

    def perform_substitution(self, substitution):
        """Perform one substitution in this context."""
        return substitution.perform(self)
