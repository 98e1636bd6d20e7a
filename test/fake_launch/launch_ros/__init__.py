"""A minimal fake of ROS 2 ``launch_ros`` (Humble signatures); see the fake ``launch``."""

from . import actions  # noqa: F401 - real launch_ros exposes its submodules on import
from . import parameter_descriptions  # noqa: F401
from . import substitutions  # noqa: F401
