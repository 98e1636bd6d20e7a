"""
The node's parameters on the ROS side: declaring the table, checking changes.

The table itself (names, defaults, ranges, descriptions) and the ROS-free checks live
in ``params.py``; this module is the rclpy glue that applies them to a node, so that a
user's mistake is one line naming the parameter instead of an rclpy traceback.
"""

from typing import List, Optional

from rclpy.exceptions import ParameterException
from rclpy.node import Node
from rclpy.parameter import Parameter

from . import params

SIM_TIME_FIXED = ('use_sim_time is read at start-up: the link stamps frames and times round '
                  'trips with the clock chosen then; restart the node to change it')


def declare(node: Node) -> None:
    """Declare the table's parameters on ``node``; a bad value is one ValueError naming it."""
    # rclpy keeps the -p and --params-file values here until they are declared; it
    # would reject a bad one with a traceback, and an integer for a double outright.
    overrides = getattr(node, '_parameter_overrides', None)
    for p in params.PARAMS:
        if overrides is None:  # not this rclpy's layout: let it check, and say which
            try:
                node.declare_parameter(p.name, p.default, params.descriptor(p))
            except ParameterException as exc:
                raise ValueError(f'parameter {p.name}: {exc}') from None
            continue
        given = overrides.get(p.name)
        value = p.default if given is None else given.value
        error = params.problem(p.name, value)
        if error:
            raise ValueError(error)
        node.declare_parameter(p.name, params.coerce(p.name, value), params.descriptor(p),
                               ignore_override=True)
    stray = params.unknown(overrides or ())
    if stray:
        node.get_logger().warning(stray)


def coerce_integers(parameters: List[Parameter]) -> List[Parameter]:
    """Take an integer for a double parameter as that double (a pre-set callback)."""
    # `ros2 param set ... stale_timeout 5` sends an integer: a double takes it as 5.0.
    return [Parameter(p.name, value=params.coerce(p.name, p.value))
            if p.type_ is Parameter.Type.INTEGER else p for p in parameters]


def refusal(node: Node, parameters: List[Parameter]) -> Optional[str]:
    """Return why ``parameters`` cannot be set at runtime, or None when they can."""
    for param in parameters:
        if param.name == 'use_sim_time' and \
                param.value != node.get_parameter('use_sim_time').value:
            return SIM_TIME_FIXED
        error = params.problem(param.name, param.value)
        if error:
            return error
    return None
