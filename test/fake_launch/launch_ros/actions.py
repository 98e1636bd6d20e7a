"""Fake ``launch_ros.actions`` (Humble signatures)."""

from launch.action import Action
from launch.actions import ExecuteProcess

from .substitutions import ExecutableInPackage


class Node(ExecuteProcess):
    """Runs a ROS node; ``cmd`` is the executable and ``arguments`` (no --ros-args part)."""

    def __init__(self, *, executable, package=None, name=None, namespace=None, exec_name=None,
                 parameters=None, remappings=None, ros_arguments=None, arguments=None,
                 **kwargs):
        """Run ``executable`` of ``package`` as a node; other keywords go to ExecuteProcess."""
        program = executable if package is None else ExecutableInPackage(executable, package)
        super().__init__(cmd=[program] + list(arguments or []), name=exec_name, **kwargs)
        self.node_package = package
        self.node_executable = executable
        self.node_name = name
        self.node_namespace = namespace
        self.parameters = parameters
        self.remappings = remappings
        self.ros_arguments = ros_arguments
        self.arguments = arguments


class LifecycleNode(Node):
    """Runs a managed (lifecycle) node; Humble requires name and namespace."""

    def __init__(self, *, name, namespace, **kwargs):
        """Run a lifecycle node ``namespace``/``name``."""
        super().__init__(name=name, namespace=namespace, **kwargs)


class PushRosNamespace(Action):
    """Pushes a namespace for the nodes after it (in a group)."""

    def __init__(self, namespace, **kwargs):
        """Push ``namespace``."""
        super().__init__(**kwargs)
        self.namespace = namespace


class SetParameter(Action):
    """Sets a parameter of all nodes after it (in a group)."""

    def __init__(self, name, value, **kwargs):
        """Set parameter ``name`` to ``value``."""
        super().__init__(**kwargs)
        self.name = name
        self.value = value
