"""
Subject (c): a bridge written the way typical ESP32 camera bridges are.

The usual pattern: a WebSocket thread decodes every JPEG with ``cv2.imdecode`` and
publishes a raw ``sensor_msgs/Image`` (bgr8) built fresh per frame, stamped with the
ROS clock, while the main thread spins the node. One deviation, needed to measure it:
header.frame_id carries the frame's sequence number (read from the APP4 metadata, a
few bytes), because decoding discards the metadata and the subscriber must match
frames to their capture times.
"""

import argparse
import asyncio
import sys
import threading

from bench.subjects.shared import connect_with_retry, RELIABLE
import cv2
from esp32_drone_camera.frames import read_metadata
import numpy as np
import rclpy
from sensor_msgs.msg import Image


class Bridge:
    """Decode and publish; one instance per process."""

    def __init__(self, node, topic: str):
        self.node = node
        self.pub = node.create_publisher(Image, topic, RELIABLE)

    def on_jpeg(self, data: bytes) -> None:
        """Decode one JPEG and publish it as bgr8."""
        frame = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
        if frame is None:
            return
        msg = Image()
        msg.header.stamp = self.node.get_clock().now().to_msg()
        meta = read_metadata(data)
        msg.header.frame_id = str(meta.seq) if meta else 'camera'
        msg.height, msg.width = frame.shape[:2]
        msg.encoding = 'bgr8'
        msg.step = msg.width * 3
        msg.data = frame.tobytes()
        self.pub.publish(msg)

    async def run(self, url: str) -> None:
        """Receive until the connection closes."""
        ws = await connect_with_retry(url, 'opencv_bridge')
        async with ws:
            async for message in ws:
                if isinstance(message, bytes):
                    self.on_jpeg(message)


def main(argv=None) -> int:
    """Spin the node; the WebSocket runs in its own thread with its own event loop."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--url', required=True)
    p.add_argument('--topic', default='image_raw')
    a, ros_args = p.parse_known_args(argv)
    rclpy.init(args=ros_args)
    node = rclpy.create_node('opencv_bridge')
    bridge = Bridge(node, a.topic)
    loop = asyncio.new_event_loop()
    task = loop.create_task(bridge.run(a.url))

    def receive() -> None:
        try:
            loop.run_until_complete(task)
        except asyncio.CancelledError:
            pass

    thread = threading.Thread(target=receive, daemon=True)
    thread.start()
    try:
        rclpy.spin(node)
    except (KeyboardInterrupt, rclpy.executors.ExternalShutdownException):
        pass
    finally:
        # Stop publishing before the node goes away (publishing into a destroyed node
        # aborts the process).
        loop.call_soon_threadsafe(task.cancel)
        thread.join(2.0)
        node.destroy_node()
        rclpy.try_shutdown()
    return 0


if __name__ == '__main__':
    sys.exit(main())
