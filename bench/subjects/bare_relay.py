"""
Subject (b), the bare relay: WebSocket in, CompressedImage out, nothing else.

The floor of the usual design in Python: a websockets asyncio client, as most bridges
use (per-message deflate off), one reused message, an arrival stamp, publish. No
executor is spun (a publisher needs none), no validation, no diagnostics.
"""

import argparse
import asyncio
import sys
import time

from bench.subjects.shared import connect_with_retry, RELIABLE
import rclpy
from sensor_msgs.msg import CompressedImage


async def relay(url: str, publish, msg: CompressedImage) -> None:
    """Publish every binary message of one connection."""
    ws = await connect_with_retry(url, 'bare_relay')
    stamp = msg.header.stamp
    async with ws:
        async for message in ws:
            if type(message) is bytes:
                stamp.sec, stamp.nanosec = divmod(time.time_ns(), 1_000_000_000)
                msg.data = message
                publish(msg)


def main(argv=None) -> int:
    """Relay until the connection closes or SIGINT."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--url', required=True)
    p.add_argument('--topic', default='image_raw/compressed')
    a, ros_args = p.parse_known_args(argv)
    rclpy.init(args=ros_args)
    node = rclpy.create_node('bare_relay')
    pub = node.create_publisher(CompressedImage, a.topic, RELIABLE)
    msg = CompressedImage(format='jpeg')
    msg.header.frame_id = 'camera'
    try:
        asyncio.run(relay(a.url, pub.publish, msg))
    except KeyboardInterrupt:
        pass
    finally:
        node.destroy_node()
        rclpy.try_shutdown()
    return 0


if __name__ == '__main__':
    sys.exit(main())
