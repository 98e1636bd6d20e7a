"""
The viewer node: ROS images in a browser, the published JPEG bytes unchanged.

Thin on purpose: it declares the parameters, subscribes to ``/diagnostics``, and
subscribes to an image topic (raw CDR bytes, no deserialisation) exactly while the
hub says someone watches it. Subscriptions are created and destroyed in the executor's
thread, woken by a guard condition, never from an HTTP thread. Everything else is in
the ROS-free modules beside it.
"""

import functools
import socket
import sys
from typing import Any, Dict, List, Optional, Tuple

from diagnostic_msgs.msg import DiagnosticArray
from rcl_interfaces.msg import (FloatingPointRange, IntegerRange, ParameterDescriptor,
                                ParameterType)
import rclpy
from rclpy.exceptions import ParameterException
from rclpy.executors import ExternalShutdownException
from rclpy.node import Node
from rclpy.qos import HistoryPolicy, QoSProfile, ReliabilityPolicy
from rclpy.subscription import Subscription
from sensor_msgs.msg import CompressedImage

from .diagnostics_board import DiagnosticsBoard, Status
from .hub import Hub
from .server import page_path, ViewerServer
from ..threads import named_thread

NODE_NAME = 'esp32_drone_camera_viewer'
# Best effort matches reliable and best-effort publishers alike; depth 1 keeps only the
# newest frame when the executor is busy, which is all a viewer shows anyway.
IMAGE_QOS = QoSProfile(depth=1, reliability=ReliabilityPolicy.BEST_EFFORT,
                       history=HistoryPolicy.KEEP_LAST)


def _descriptor(description: str, kind: int, integer_range: Optional[Tuple[int, int]] = None,
                float_range: Optional[Tuple[float, float]] = None) -> ParameterDescriptor:
    d = ParameterDescriptor(description=description, type=kind, read_only=True)
    if integer_range:
        d.integer_range = [IntegerRange(from_value=integer_range[0], to_value=integer_range[1],
                                        step=1)]
    if float_range:
        d.floating_point_range = [FloatingPointRange(from_value=float_range[0],
                                                     to_value=float_range[1], step=0.0)]
    return d


PARAMETERS = (
    ('port', 8081, _descriptor('TCP port of the HTTP server (0: any free port).',
                               ParameterType.PARAMETER_INTEGER, integer_range=(0, 65535))),
    ('address', '127.0.0.1', _descriptor(
        'Address to listen on: 127.0.0.1 (this machine only) or 0.0.0.0 (every network '
        'interface: anyone on those networks can watch, there is no authentication).',
        ParameterType.PARAMETER_STRING)),
    ('max_clients', 32, _descriptor('HTTP connections served at once; more get 503.',
                                    ParameterType.PARAMETER_INTEGER, integer_range=(1, 1024))),
    ('client_timeout', 10.0, _descriptor(
        'Seconds a client may stall a read or write before it is dropped.',
        ParameterType.PARAMETER_DOUBLE, float_range=(0.5, 600.0))),
)


class ViewerNode(Node):
    """Serves the image topics over HTTP while someone watches them."""

    def __init__(self) -> None:
        super().__init__(NODE_NAME)
        values: Dict[str, Any] = {
            name: self.declare_parameter(name, default, descriptor).value
            for name, default, descriptor in PARAMETERS}
        self.hub = Hub(on_change=self._wake_executor_thread)
        self.board = DiagnosticsBoard()
        self._image_subscriptions: Dict[str, Subscription] = {}
        self._reconcile_guard = self.create_guard_condition(self._reconcile)
        self.create_subscription(DiagnosticArray, '/diagnostics', self._on_diagnostics, 10)
        with open(page_path(), 'rb') as f:
            page = f.read()
        try:
            self.server = ViewerServer(values['address'], values['port'], self, page,
                                       values['max_clients'], values['client_timeout'],
                                       self.get_logger().warning)
        except (OSError, OverflowError) as exc:
            raise ValueError(f'cannot listen on address {values["address"]!r} port '
                             f'{values["port"]}: {exc}') from None
        self._thread = named_thread(self.server.serve_forever, 'viewer_server')
        self._thread.start()
        host, port = self.server.server_address[:2]
        shown = socket.gethostname() if host in ('0.0.0.0', '::') else host
        if ':' in shown:
            shown = f'[{shown}]'
        self.url = f'http://{shown}:{port}/'
        self.get_logger().info(f'viewer at {self.url} (listening on {host} port {port})')

    # --- Backend of the server (called from HTTP threads) --------------------------------

    def graph(self) -> Dict[str, List[str]]:
        """Return every topic on the ROS graph with its type names."""
        return dict(self.get_topic_names_and_types())

    def diagnostics(self) -> List[dict]:
        """Return the latest diagnostics statuses."""
        return self.board.as_list()

    # --- executor thread -----------------------------------------------------------------

    def _wake_executor_thread(self) -> None:
        self._reconcile_guard.trigger()

    def _reconcile(self) -> None:
        """Subscribe to exactly the watched topics."""
        wanted = self.hub.watched()
        for topic in wanted - set(self._image_subscriptions):
            self._image_subscriptions[topic] = self.create_subscription(
                CompressedImage, topic, functools.partial(self.hub.deliver, topic),
                IMAGE_QOS, raw=True)
        for topic in set(self._image_subscriptions) - wanted:
            self.destroy_subscription(self._image_subscriptions.pop(topic))

    def _on_diagnostics(self, msg: DiagnosticArray) -> None:
        self.board.update(
            Status(s.name, s.level[0] if isinstance(s.level, bytes) else int(s.level),
                   s.message, s.hardware_id, {kv.key: kv.value for kv in s.values})
            for s in msg.status)

    def shutdown(self) -> None:
        """Stop serving: wake every client, close the listening socket."""
        self.hub.close()
        self.server.shutdown()
        self.server.server_close()


def main(args: Optional[List[str]] = None) -> int:
    """Run the viewer until Ctrl-C or SIGTERM."""
    rclpy.init(args=args)
    node = None
    try:
        node = ViewerNode()
        rclpy.spin(node)
    except (KeyboardInterrupt, ExternalShutdownException):
        pass
    except (ValueError, ParameterException) as exc:  # a user's mistake: one line, no trace
        print(f'viewer: {exc}', file=sys.stderr)
        return 2
    finally:
        if node is not None:
            node.shutdown()
            node.destroy_node()
        rclpy.try_shutdown()
    return 0


if __name__ == '__main__':
    sys.exit(main())
