"""
Measure the publish-only floor (``bench.subjects.publish_floor``) the way cases measure subjects.

No emulator: the floor publishes by itself, so there is no capture log and no
latency, only CPU per frame delivered to one reliable subscriber. The result has the
fields of a case result (latencies NaN) so that tables and medians treat it alike.
"""

import os
import tempfile
import time

from bench.harness.case import Case, START_TIMEOUT
from bench.harness.cpu import machine_busy_ns, Meter
from bench.harness.lineup import subscriber_command
from camera_testkit.processes import ProcGroup
import numpy as np


def run_floor(case: Case, frame_bytes: int, domain: int) -> list:
    """Publish ``frame_bytes`` frames at ``case.fps`` and nothing else; one result."""
    (subject,) = case.subjects
    with tempfile.TemporaryDirectory(prefix='bench_') as tmp, ProcGroup(domain) as group:
        out = os.path.join(tmp, 'floor.npy')
        sub = group.start(subscriber_command(subject.topic, subject.kind, out))
        pub = group.start(subject.command('', '') + ['--fps', str(case.fps), '--bytes',
                                                     str(frame_bytes)])
        sub.wait_line('FIRST', START_TIMEOUT)
        time.sleep(case.warmup)
        meter = Meter(pub.pid)
        busy0, before, t0 = machine_busy_ns(), meter.read(), time.time_ns()
        time.sleep(case.seconds)
        after, t1, busy1 = meter.read(), time.time_ns(), machine_busy_ns()
        group.stop_all([pub, sub])
        rows = np.load(out)
        costs = [line.split()[1:] for line in pub.lines if line.startswith('PUBLISH_COST')]
    publish_us = {k: float(v) for k, v in (kv.split('=') for kv in costs[-1])} if costs else {}
    window_s = (t1 - t0) / 1e9
    delivered = int(((rows[:, 1] >= t0) & (rows[:, 1] <= t1)).sum())
    cpu_ms = (after.cpu_ns - before.cpu_ns) / 1e6
    nan = float('nan')
    return [{
        'subject': subject.name, 'fps': case.fps, 'size': case.size, 'subscribers': 1,
        'capture_latency_ms': 0.0, 'captured': delivered, 'delivered': delivered, 'lost': 0,
        'latency_ms': np.array([]), 'lat_p50': nan, 'lat_p99': nan, 'stamp_err_p50': nan,
        'stamp_err_p99': nan, 'window_s': window_s, 'offered_fps': delivered / window_s,
        'delivered_fps': delivered / window_s,
        'cpu_ms_per_frame': cpu_ms / max(1, delivered), 'cpu_pct': cpu_ms / 1e3 / window_s * 100,
        'cpu_pct_psutil': (after.cpu_ticks_s - before.cpu_ticks_s) / window_s * 100,
        'rss_mb': after.rss / 2**20, 'rss_growth_mb': (after.rss - before.rss) / 2**20,
        'rss_samples': [(0.0, before.rss), (window_s, after.rss)], 'emulator_cpu_pct': nan,
        'machine_busy_pct': (busy1 - busy0) / (t1 - t0) * 100, 'errors': [],
        'frame_bytes': frame_bytes, 'publish_us': publish_us}]
