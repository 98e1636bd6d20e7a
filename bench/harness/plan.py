"""
What a run measures: the full plan (``make bench``, about 3 minutes) and a quick one.

Window lengths are the budget. The 20 fps cases, where the CPU and latency targets
are set, are repeated and interleaved (node, relay, node, ...) so that a burst of
other work on the shared machine hits both alike and the median survives it. Sweeps
get short windows (hundreds of frames each). The long run stops after 100k frames
(checked every half second, so it overshoots by up to half a second's worth).
"""

from typing import Dict, List

from bench.harness.case import Case
from bench.harness.lineup import BRIDGE, DIRECT, FLOOR, NODE, RELAY, ROS_SUBJECTS, SOCKET

TARGET_FPS = 20
REPEATS = 3
SWEEP_FPS = 100
HIGH_RATE = 1050  # just above the 1000 fps target; the bridge gets BRIDGE_HIGH_RATE
BRIDGE_HIGH_RATE = 300
SIZES = ('QVGA', 'XGA')  # VGA is the rate sweep's SWEEP_FPS case
SUBSCRIBER_COUNTS = (3, 10)  # 1 comes from the rate sweep
RAW_REPEATS = 1  # node without / with an image_raw subscriber, one longer window each
DECODES = 200  # in-process decodes of one VGA frame per decoder (full plan)
LONG_FRAMES = 100_000
LONG_FPS = 2000  # 100k frames in under a minute; also shows the emulator keeps up
STAMP_LATENCY_MS = 30.0


def full_plan() -> Dict[str, List[Case]]:
    """Every measurement of the report."""
    sweep = {'seconds': 1.0, 'warmup': 0.3}
    main = [Case((DIRECT,), TARGET_FPS, seconds=1.2, warmup=0.3),
            Case((BRIDGE,), TARGET_FPS, seconds=1.2, warmup=0.3)]
    for repeat in range(REPEATS):
        # The minimal relay is repeated too: it is the proof when a CPU target is out of
        # reach. The publish-only floor gets one window (`make bench` has 3 minutes).
        chosen = (NODE, RELAY, SOCKET, FLOOR) if repeat == 0 else (NODE, RELAY, SOCKET)
        main += [Case((s,), TARGET_FPS, seconds=2.2, warmup=0.3) for s in chosen]
    return {
        'main': main,
        # The node's first clock-sync PING goes out 1 s after start: warm up past it.
        'stamp': [Case((NODE,), TARGET_FPS, seconds=1.5, warmup=1.2,
                       capture_latency_ms=STAMP_LATENCY_MS)],
        # The node's compressed stream with and without a second process on image_raw
        # (the node decodes only while image_raw has a subscriber).
        'raw': [Case((NODE,), TARGET_FPS, seconds=2.6, warmup=0.3, raw_subscribers=n)
                for _ in range(RAW_REPEATS) for n in (0, 1)],
        'rate': [Case((s,), SWEEP_FPS, **sweep) for s in ROS_SUBJECTS]
        # The plain client at the same rate shows what the emulator itself drops.
        + [Case((s,), HIGH_RATE, seconds=2.5, warmup=0.5) for s in (NODE, RELAY, DIRECT)]
        + [Case((BRIDGE,), BRIDGE_HIGH_RATE, **sweep)],
        'size': [Case((s,), SWEEP_FPS, size=z, **sweep) for z in SIZES for s in ROS_SUBJECTS],
        'subscribers': [Case((s,), SWEEP_FPS, subscribers=n, **sweep)
                        for n in SUBSCRIBER_COUNTS for s in ROS_SUBJECTS],
        # One emulator feeds both (it serves up to three clients) so that 100k frames
        # each fit the budget; the bridge cannot reach this rate (see the rate sweep).
        'long': [Case((NODE, RELAY), LONG_FPS, seconds=100, warmup=0.5, rss_every=0.5,
                      frames=LONG_FRAMES)],
    }


def quick_plan() -> Dict[str, List[Case]]:
    """Spend a few seconds per subject: does every subject run and produce numbers."""
    return {'main': [Case((s,), 50, seconds=1.0, warmup=0.3) for s in (*ROS_SUBJECTS, DIRECT)],
            'raw': [Case((NODE,), 50, seconds=1.0, warmup=0.3, raw_subscribers=1)]}
