"""
A live one-line status of the camera node: ``make run`` shows it until Ctrl-C.

Subscribes to the image topic and /diagnostics like any other ROS client would, so
what it shows is what a user of the topics gets.
"""

import argparse
import sys
import time
from typing import Dict, List, Optional, Tuple

from diagnostic_msgs.msg import DiagnosticArray
import rclpy
from rclpy.executors import ExternalShutdownException
from rclpy.node import Node
from rclpy.qos import QoSProfile, ReliabilityPolicy
from sensor_msgs.msg import CompressedImage


class Monitor(Node):
    """Counts frames, measures stamp-to-receive latency, reads the node's diagnostics."""

    def __init__(self, topic: str, interval: float):
        super().__init__('esp32_drone_camera_monitor')
        qos = QoSProfile(depth=5, reliability=ReliabilityPolicy.RELIABLE)
        self.create_subscription(CompressedImage, topic, self._on_image, qos)
        self.create_subscription(DiagnosticArray, '/diagnostics', self._on_diag, 10)
        self.create_timer(interval, self._print)
        self.frames = 0
        self.bytes = 0
        self.latencies: List[float] = []
        # task name -> (message, key-value pairs) of the node's last diagnostics
        self.diag: Dict[str, Tuple[str, Dict[str, str]]] = {}
        self._window_start = time.monotonic()
        self._window_frames = 0

    def _on_image(self, msg: CompressedImage) -> None:
        now = self.get_clock().now().nanoseconds
        stamp = msg.header.stamp.sec * 1_000_000_000 + msg.header.stamp.nanosec
        self.latencies.append((now - stamp) / 1e6)
        self.frames += 1
        self._window_frames += 1
        self.bytes = len(msg.data)

    def _on_diag(self, msg: DiagnosticArray) -> None:
        for status in msg.status:
            if status.hardware_id.startswith('esp32s3-ov2640'):
                task = status.name.split(': ', 1)[-1]
                self.diag[task] = (status.message, {kv.key: kv.value for kv in status.values})

    def line(self) -> str:
        """Format the status line."""
        now = time.monotonic()
        fps = self._window_frames / max(1e-6, now - self._window_start)
        self._window_start, self._window_frames = now, 0
        lat = sorted(self.latencies)
        self.latencies = []
        p50 = f'{lat[len(lat) // 2]:.1f} ms' if lat else '-'
        conn = self.diag.get('connection', ('waiting for diagnostics', {}))[0]
        frames = self.diag.get('frames', ('', {}))[1]
        device = self.diag.get('device', ('', {}))[1]
        rejected = frames.get('Frames rejected', '0')
        drops = frames.get('Device-side drops (sequence gaps)', '0')
        heap = device.get('Device heap', 'n/a')
        return (f'fps {fps:5.1f} | latency p50 {p50} | frames {self.frames} | '
                f'{self.bytes // 1024} KB | drops {drops} | rejected {rejected} | '
                f'heap {heap} | {conn}')

    def _print(self) -> None:
        sys.stdout.write('\r' + self.line()[:150].ljust(150))
        sys.stdout.flush()


def main(argv: Optional[List[str]] = None) -> int:
    """Print the status line until Ctrl-C."""
    args = rclpy.utilities.remove_ros_args(sys.argv if argv is None else argv)[1:]
    parser = argparse.ArgumentParser(prog='monitor', description=__doc__.splitlines()[0])
    parser.add_argument('--topic', default='/camera/image_raw/compressed')
    parser.add_argument('--interval', type=float, default=0.5)
    a = parser.parse_args(args)
    rclpy.init()
    node = Monitor(a.topic, a.interval)
    try:
        rclpy.spin(node)
    except (KeyboardInterrupt, ExternalShutdownException):
        pass
    finally:
        print()
        node.destroy_node()
        rclpy.try_shutdown()
    return 0


if __name__ == '__main__':
    sys.exit(main())
