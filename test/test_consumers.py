"""
Slow and many consumers: a stalled subscriber must not slow the node or anyone else.

The subscribers run in their own processes (a separate DDS participant each, as a
real consumer would), on the node's reliable image topic.
"""

import json
import signal
import time

from camera_testkit.processes import CameraNode, Emulator, Proc, PY
from camera_testkit.reliability import record
import pytest
from test_stream import assert_valid_jpeg

pytestmark = pytest.mark.ros
OK = 0
# Bounds loose enough for a loaded 2-core CI machine, tight enough to catch a publisher
# that waits for its slowest reader (that one takes a second per frame).
MAX_AGE_MS = 300
MIN_SERVED = 0.95

# A subscriber process: N subscriptions, each callback sleeping SLEEP seconds; prints
# "READY" and, on SIGINT, a JSON line of [frames, first sequence, last sequence] per
# subscription (the sequence comes from the frame's APP4 metadata, bytes 14-17).
SUBSCRIBER = r"""
import json, signal, sys, time
import rclpy
from rclpy.executors import ExternalShutdownException, MultiThreadedExecutor
from rclpy.qos import QoSProfile, ReliabilityPolicy
from sensor_msgs.msg import CompressedImage
count, sleep = int(sys.argv[1]), float(sys.argv[2])
rclpy.init()
node = rclpy.create_node('consumer_%d' % int(time.time_ns() % 1000000))
counts = [[0, None, None] for _ in range(count)]
def make(i):
    def callback(msg):
        seq = int.from_bytes(bytes(msg.data[14:18]), 'big')
        c = counts[i]
        c[0] += 1
        c[1] = seq if c[1] is None else c[1]
        c[2] = seq
        if sleep:
            time.sleep(sleep)
    return callback
qos = QoSProfile(depth=50, reliability=ReliabilityPolicy.RELIABLE)
for i in range(count):
    node.create_subscription(CompressedImage, '/camera/image_raw/compressed', make(i), qos)
print('READY', flush=True)
executor = MultiThreadedExecutor(num_threads=2)
executor.add_node(node)
try:
    executor.spin()
except (KeyboardInterrupt, ExternalShutdownException):
    pass
print('COUNTS ' + json.dumps(counts), flush=True)
"""


def consumer(procs, count=1, sleep=0.0):
    """Start a subscriber process with ``count`` subscriptions."""
    proc = Proc([PY, '-c', SUBSCRIBER, str(count), str(sleep)])
    procs.append(proc)
    proc.wait_line('READY', 20)
    return proc


def counts_of(proc):
    """Stop a subscriber process and return its per-subscription message counts."""
    proc.signal(signal.SIGINT)
    proc.proc.wait(10)
    return json.loads(proc.wait_line('COUNTS').split(' ', 1)[1])


def window(probe, seconds):
    """Frames the probe got in the next ``seconds`` and their age (receive - stamp) p99."""
    start = probe.frame_count()
    time.sleep(seconds)
    images = list(probe.images)[start:]
    ages = sorted((img[4] - img[1]) / 1e6 for img in images)
    return len(images) / seconds, ages[int(len(ages) * 0.99)] if ages else None, images


def test_stalled_subscriber_does_not_slow_the_node_or_others(probe, procs):
    emu = Emulator('--pre-encoded', '10')
    procs.append(emu)
    procs.append(CameraNode(emu.url))
    assert probe.wait_frames(20, 20)
    base_rate, base_age, _ = window(probe, 3.0)
    slow = consumer(procs, 1, 1.0)  # its callback takes a second per frame
    frozen = consumer(procs)  # this one stops reading (and acknowledging) at all
    frozen.signal(signal.SIGSTOP)
    try:
        time.sleep(1.0)
        rate, age, images = window(probe, 5.0)
        assert probe.wait_diag('image_raw/compressed topic status', lambda d: d[0] == OK, 3), \
            probe.diag('image_raw/compressed topic status')
    finally:
        frozen.signal(signal.SIGCONT)
    for data, *_ in images:
        assert_valid_jpeg(data)
    slow_counts = [c[0] for c in counts_of(slow)]
    record('consumers-slow', 'a stalled subscriber',
           'one subscriber process whose callback sleeps 1 s, one SIGSTOPped subscriber '
           'process (reliable QoS)', 'the node and other subscribers keep full rate and '
           'low latency', f'probe {rate:.1f} fps (before {base_rate:.1f}), capture-to-receive '
           f'p99 {age:.0f} ms (before {base_age:.0f} ms); slow subscriber got '
           f'{slow_counts[0]} frames', passed=rate >= 0.85 * base_rate and age < MAX_AGE_MS)
    assert rate >= 0.85 * base_rate, f'{rate:.1f} fps with a stalled subscriber, ' \
        f'{base_rate:.1f} before'
    assert age < MAX_AGE_MS, f'p99 age {age:.0f} ms with a stalled subscriber'


def test_ten_subscribers_are_served(probe, procs):
    emu = Emulator('--pre-encoded', '10')
    procs.append(emu)
    procs.append(CameraNode(emu.url))
    assert probe.wait_frames(10, 20)
    many = consumer(procs, 10)
    time.sleep(6.0)
    counts = counts_of(many)
    rate, _, images = window(probe, 1.0)
    for data, *_ in images:
        assert_valid_jpeg(data)
    # Loopback has no sender-side drops: every frame between a subscription's first and
    # last sequence number was published, so each must have been received.
    served = [n / (last - first + 1) for n, first, last in counts]
    total = [last - first + 1 for _, first, last in counts]
    record('consumers-ten', 'ten subscribers',
           'one process with 10 reliable subscriptions to image_raw/compressed',
           'every subscriber gets every frame, the probe keeps full rate',
           f'each got {min(served):.1%}-{max(served):.1%} of the ~{max(total)} frames '
           f'published while it listened; probe still {rate:.0f} fps',
           passed=min(served) >= MIN_SERVED and rate >= 16)
    assert min(served) >= MIN_SERVED, counts
    assert rate >= 16
