"""
A minimal fake of the ROS 2 ``launch`` package, for testing launch files without ROS.

Put ``test/fake_launch`` first on ``sys.path``, import a launch file and call its
``generate_launch_description()``. The classes have the constructor signatures of
ROS 2 Humble (a launch file using a newer API fails here with TypeError) and keep
what they were given in ``init_args`` (see ``launch._recorded.Recorded``).
Substitutions can be performed and conditions evaluated against a ``LaunchContext``
whose ``launch_configurations`` the test fills in. Nothing is ever executed.

Unlike the real package, properties return the values as passed (a string stays a
string, it is not normalized to a list of substitutions).
"""

from . import actions  # noqa: F401 - real launch exposes its submodules on import
from . import conditions  # noqa: F401
from . import event_handlers  # noqa: F401
from . import events  # noqa: F401
from . import launch_description_sources  # noqa: F401
from . import substitutions  # noqa: F401
from .action import Action
from .condition import Condition
from .launch_context import LaunchContext
from .launch_description import LaunchDescription
from .substitution import Substitution

__all__ = ['Action', 'Condition', 'LaunchContext', 'LaunchDescription', 'Substitution']
