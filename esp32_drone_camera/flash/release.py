"""
Asking a running camera node to let go of the serial port for the flash, over ROS.

The node offers ``~/release_serial`` (std_srvs/SetBool): ``true`` closes its serial
port, ``false`` opens it again. rclpy is imported only here, on use: flashing without
``--release-node`` works without ROS 2.
"""

import contextlib
import sys
from typing import Callable, Iterator, TYPE_CHECKING

from .errors import EXIT_RELEASE_FAILED, FlashError

if TYPE_CHECKING:  # rclpy itself is imported on use
    from rclpy.client import Client

RELEASE_SERVICE = 'release_serial'
RELEASE_TIMEOUT_S = 10.0


def set_serial_released(node: str, release: bool, timeout_s: float = RELEASE_TIMEOUT_S) -> str:
    """
    Call ``<node>/release_serial`` (std_srvs/SetBool); return the node's message.

    Raises FlashError when ROS 2 is unavailable, the service does not answer or refuses.
    """
    try:
        import rclpy
        from rclpy.executors import SingleThreadedExecutor
        from std_srvs.srv import SetBool
    except ImportError as exc:
        raise FlashError(EXIT_RELEASE_FAILED, f'--release-node needs rclpy and std_srvs ({exc}); '
                                              'source your ROS 2 setup file first') from None
    service = f'{node.rstrip("/")}/{RELEASE_SERVICE}'
    # A private context leaves any rclpy state of the caller alone.
    context = rclpy.Context()
    rclpy.init(context=context)
    try:
        ros_node = rclpy.create_node('esp32_drone_camera_flash', context=context)
        # rclpy (Kilted) types the client by request and response types it cannot infer
        client: 'Client' = ros_node.create_client(SetBool, service)
        if not client.wait_for_service(timeout_sec=timeout_s):
            raise FlashError(EXIT_RELEASE_FAILED, f'service {service} not available '
                                                  f'(is the camera node {node} running?)')
        future = client.call_async(SetBool.Request(data=release))
        executor = SingleThreadedExecutor(context=context)
        executor.add_node(ros_node)
        executor.spin_until_future_complete(future, timeout_sec=timeout_s)
        executor.shutdown()
        response = future.result()
        if response is None or not response.success:
            why = response.message if response is not None else 'no answer'
            raise FlashError(EXIT_RELEASE_FAILED, f'{service} refused: {why}')
        return response.message
    finally:
        context.try_shutdown()


def _quoted(message: str) -> str:
    return f' ({message})' if message else ''


@contextlib.contextmanager
def released_by(node: str, port: str, say: Callable[[str], None]) -> Iterator[None]:
    """Have the camera ``node`` (if any) let go of ``port`` inside the block."""
    if not node:
        yield
        return
    say(f'{node} released {port}' + _quoted(set_serial_released(node, True)))
    try:
        yield
    finally:
        try:
            say(f'{node} re-acquired {port}' + _quoted(set_serial_released(node, False)))
        except FlashError as exc:
            # The flash itself is over; its result stays the exit code.
            print(f'flash: warning: {exc}\n  re-acquire by hand: ros2 service call '
                  f'{node}/{RELEASE_SERVICE} std_srvs/srv/SetBool "{{data: false}}"',
                  file=sys.stderr, flush=True)
