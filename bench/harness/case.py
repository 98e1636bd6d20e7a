"""
One measurement: emulator, subjects and subscribers started fresh, a timed window.

Usually one subject; the long memory run feeds several subjects from one emulator
(the emulator serves up to three clients) so that 100k frames each fit the time
budget. The window starts after the first frame reached every subscriber plus a
warm-up, so start-up (imports, discovery, connection) is never counted. CPU and
memory are read from /proc at the window's edges; latency and loss come afterwards
from the emulator's capture log and the subscribers' records.
"""

import os
import tempfile
import time
from typing import NamedTuple, Optional, Tuple

from bench.harness.analyse import percentile, window_stats
from bench.harness.cpu import machine_busy_ns, Meter
from bench.harness.lineup import Subject, subscriber_command
from camera_testkit.processes import free_port, ProcGroup, PY
from esp32_drone_camera.emulator import capture_log
from esp32_drone_camera.ws_link import USER_AGENT as NODE_AGENT
import numpy as np

PRE_ENCODED = 10  # distinct frames the emulator cycles (realistic JPEG sizes, fast)
START_TIMEOUT = 20.0
DRAIN_S = 0.15  # frames captured just before the window closed are still on their way


class Case(NamedTuple):
    """What to run."""

    subjects: Tuple[Subject, ...]
    fps: float
    size: str = 'VGA'
    subscribers: int = 1
    seconds: float = 3.0
    warmup: float = 1.0
    capture_latency_ms: float = 0.0
    rss_every: Optional[float] = None  # sample memory during the window (long runs)
    frames: Optional[int] = None  # end the window early once this many frames were captured
    raw_subscribers: int = 0  # also subscribe to the node's image_raw (it decodes only then)


def _start_subject(group: ProcGroup, subject: Subject, url: str, tmp: str, count: int):
    """Start one subject's subscribers, then the subject; return (proc, subs, outs)."""
    outs = [os.path.join(tmp, f'{subject.name}_{i}.npy') for i in range(count)]
    subs = []
    if subject.topic is not None:
        # Started together with the subject: frames published before a subscriber
        # matched are not counted anyway (the window starts after every FIRST).
        subs = [group.start(subscriber_command(subject.topic, subject.kind, out))
                for out in outs]
    proc = group.start(subject.command(url, outs[0]))
    return proc, subs, outs[:len(subs) or 1]


def run_case(case: Case, domain: int) -> list:
    """Run one case; return one dict of numbers per subject (see analyse.window_stats)."""
    with tempfile.TemporaryDirectory(prefix='bench_') as tmp, ProcGroup(domain) as group:
        log = os.path.join(tmp, 'capture.log')
        port = free_port()
        emulator = group.start([
            PY, '-m', 'esp32_drone_camera.emulator', '--host', '127.0.0.1', '--port',
            str(port), '--fps', str(case.fps), '--frame-size', case.size, '--pre-encoded',
            str(PRE_ENCODED), '--capture-log', log,
            '--capture-latency-ms', str(case.capture_latency_ms)])
        emulator.wait_line('EMULATOR READY', START_TIMEOUT)
        url = f'ws://127.0.0.1:{port}'
        runs = [(s, *_start_subject(group, s, url, tmp, case.subscribers))
                for s in case.subjects]
        raw_outs = [os.path.join(tmp, f'raw_{i}.npy') for i in range(case.raw_subscribers)]
        raw_subs = [group.start(subscriber_command(f'{case.subjects[0].namespace}/image_raw',
                                                   'raw', out)) for out in raw_outs]
        for _, proc, subs, _ in runs:
            for p in subs or [proc]:
                p.wait_line('FIRST', START_TIMEOUT)
        for p in raw_subs:
            p.wait_line('FIRST', START_TIMEOUT)
        time.sleep(case.warmup)

        meters = [Meter(proc.pid) for _, proc, _, _ in runs]
        emu_meter = Meter(emulator.pid)
        busy0 = machine_busy_ns()
        t0, emu0, before = time.time_ns(), emu_meter.read(), [m.read() for m in meters]
        rss = [[(0.0, u.rss)] for u in before]
        end = time.monotonic() + case.seconds
        with open(log, 'rb') as tail:
            tail.read()  # frames captured before the window do not count
            captured = 0
            while case.rss_every and time.monotonic() + case.rss_every < end:
                time.sleep(case.rss_every)
                for samples, meter in zip(rss, meters):
                    samples.append(((time.time_ns() - t0) / 1e9, meter.read().rss))
                new = tail.read()  # the log lags by one write buffer
                captured += new.count(b'\n') - new.count(b'skip')
                if case.frames and captured >= case.frames:
                    end = time.monotonic()
        time.sleep(max(0.0, end - time.monotonic()))
        t1, emu1, after = time.time_ns(), emu_meter.read(), [m.read() for m in meters]
        busy1 = machine_busy_ns()
        for samples, u in zip(rss, after):
            samples.append(((t1 - t0) / 1e9, u.rss))

        time.sleep(DRAIN_S)
        group.stop_all([p for _, proc, subs, _ in runs for p in (proc, *subs)] + raw_subs)
        group.stop_all([emulator])  # last: flushes the capture log
        log_read = capture_log.read(log)
        results = []
        for (subject, proc, _, outs), b, a, samples in zip(runs, before, after, rss):
            stats = window_stats(log_read.captures, [np.load(o) for o in outs], t0, t1,
                                 _skipped_for(subject, log_read, len(runs)))
            stats.update(_usage_numbers(stats, b, a, (t1 - t0) / 1e9))
            stats.update(_raw_numbers([np.load(o) for o in raw_outs], t0, t1))
            stats.update(subject=subject.name, fps=case.fps, size=case.size,
                         subscribers=case.subscribers, rss_samples=samples,
                         raw_subscribers=case.raw_subscribers,
                         capture_latency_ms=case.capture_latency_ms,
                         emulator_cpu_pct=(emu1.cpu_ns - emu0.cpu_ns) / (t1 - t0) * 100,
                         machine_busy_pct=(busy1 - busy0) / (t1 - t0) * 100,
                         errors=[line for line in proc.lines
                                 if 'Error' in line or 'Traceback' in line][-3:])
            results.append(stats)
    return results


def _skipped_for(subject: Subject, log: capture_log.CaptureLog, subjects: int):
    """
    Return the frames the emulator skipped for this subject (None: cannot tell).

    Skips are logged per client. With one subject every client is its own; with
    several, the camera node is told apart by its User-Agent and the other subject
    (one at most) has the remaining clients.
    """
    if subjects == 1:
        return set().union(*log.skips.values())
    if subjects > 2:
        return None
    is_node = subject.name == 'node'
    mine = [n for n, agent in log.clients.items() if (agent == NODE_AGENT) == is_node]
    return set().union(*(log.skips.get(n, set()) for n in mine))


def _raw_numbers(records: list, t0_ns: int, t1_ns: int) -> dict:
    """
    Latency (header.stamp to receive) and rate of the image_raw messages received in the window.

    Raw images carry no sequence number, so latency is from the stamp the node gave the
    frame (its capture time, through the clock sync) rather than from the capture log.
    """
    if not records:
        return {}
    lat, received = [], 0
    for rows in records:
        rows = rows[(rows[:, 1] >= t0_ns) & (rows[:, 1] <= t1_ns)]
        received = max(received, len(rows))
        lat.extend(((rows[:, 1] - rows[:, 2]) / 1e6).tolist())
    return {'raw_received': received, 'raw_fps': received / ((t1_ns - t0_ns) / 1e9),
            'raw_latency_ms': np.array(lat, dtype=np.float64),
            'raw_lat_p50': percentile(lat, 50), 'raw_lat_p99': percentile(lat, 99)}


def _usage_numbers(stats: dict, before, after, window_s: float) -> dict:
    """CPU per relayed frame, CPU % of one core, memory, rates."""
    cpu_ms = (after.cpu_ns - before.cpu_ns) / 1e6
    return {
        'window_s': window_s,
        'offered_fps': stats['captured'] / window_s,
        'delivered_fps': stats['delivered'] / window_s,
        'cpu_ms_per_frame': cpu_ms / max(1, stats['delivered']),
        'cpu_pct': cpu_ms / 1e3 / window_s * 100,
        'cpu_pct_psutil': (after.cpu_ticks_s - before.cpu_ticks_s) / window_s * 100,
        'rss_mb': after.rss / 2**20,
        'rss_growth_mb': (after.rss - before.rss) / 2**20,
        # Where the CPU went, per part of the process (cpu.thread_group), ms per frame.
        'cpu_by_thread': {group: (ns - before.by_group.get(group, 0)) / 1e6
                          / max(1, stats['delivered'])
                          for group, ns in after.by_group.items()},
    }
