"""
The floor of any Python relay: publish only, nothing received, nothing checked.

It publishes a pre-serialised CompressedImage of a given size at a given rate, woken
by a sleep, to whoever subscribes (reliable, depth 5, like the node). Its CPU per
frame is what rclpy and Fast DDS cost on this machine before any input handling, so
no design that publishes through rclpy can go below it. Each frame carries the APP4
metadata with a sequence number so the benchmark subscriber can count it.

It also times each ``publish()`` call (CPU time of the calling thread): once a
subscriber has matched, a burst of back-to-back calls, then every paced call. On exit
it prints ``PUBLISH_COST paced_us=<median> burst_us=<median>``: the same call costs
far more after a sleep than back to back, which is why CPU per frame at 20 fps is
what it is.
"""

import argparse
import statistics
import sys
import time

from bench.subjects.shared import RELIABLE
from esp32_drone_camera import cdr
from esp32_drone_camera.frames import insert_metadata
import rclpy
from sensor_msgs.msg import CompressedImage

BURST = 200  # back-to-back publishes, timed once a subscriber matched
MATCH_TIMEOUT_S = 20.0


def main(argv=None) -> int:
    """Publish until SIGINT."""
    p = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    p.add_argument('--fps', type=float, default=20.0)
    p.add_argument('--bytes', type=int, default=20000)
    p.add_argument('--topic', default='image_raw/compressed')  # relative: under --ros-args ns
    a, ros_args = p.parse_known_args(argv)
    rclpy.init(args=ros_args)
    node = rclpy.create_node('publish_floor')
    pub = node.create_publisher(CompressedImage, a.topic, RELIABLE)
    publish = pub.publish
    template = CompressedImage(format='jpeg')
    template.header.frame_id = 'camera'
    prefix = cdr.image_prefix(template)
    body = b'\xff\xd8' + bytes(max(0, a.bytes - 28)) + b'\xff\xd9'
    interval = 1.0 / a.fps
    seq = 0
    paced, burst = [], []

    def send(costs):
        nonlocal seq
        jpeg = insert_metadata(body, 5, 12, seq, 0)
        cdr.set_stamp(prefix, *divmod(time.time_ns(), 1_000_000_000))
        message = cdr.image(prefix, jpeg)
        started = time.thread_time_ns()
        publish(message)
        costs.append(time.thread_time_ns() - started)
        seq += 1

    try:
        deadline = time.monotonic() + MATCH_TIMEOUT_S
        while pub.get_subscription_count() == 0 and time.monotonic() < deadline:
            time.sleep(0.01)
        time.sleep(0.3)  # discovery completes both ways before we time anything
        for _ in range(BURST):
            send(burst)
        next_at = time.monotonic()
        while True:
            next_at += interval
            time.sleep(max(0.0, next_at - time.monotonic()))
            send(paced)
    except KeyboardInterrupt:
        pass
    finally:
        if paced and burst:
            print(f'PUBLISH_COST paced_us={statistics.median(paced) / 1e3:.1f} '
                  f'burst_us={statistics.median(burst) / 1e3:.1f}', flush=True)
        node.destroy_node()
        rclpy.try_shutdown()
    return 0


if __name__ == '__main__':
    sys.exit(main())
