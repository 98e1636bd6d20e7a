"""
The soak itself: emulator and node as processes, faults on a schedule, resources sampled.

The emulator is killed and restarted (alternately with bad frames and text turned
on), frozen with SIGSTOP, and its serial cable is unplugged and replugged; a probe
in this process checks every published frame. The node's resident memory, open file
descriptors and thread count are sampled once a second and checked: after the
warm-up they must stay flat. ``bench.soak`` runs it and reports.
"""

import io
import os
import random
import shutil
import signal
import statistics
import tempfile
import time
from typing import List, Optional

from camera_testkit.probe import Probe
from camera_testkit.processes import CameraNode, Emulator, free_port

# Bounds the soak asserts (after warm-up); see docs/reliability.md.
RSS_GROWTH_MB = 12.0
FD_SLACK = 2
THREAD_SLACK = 2
RECOVERY_BOUND_S = 5.0
FAULTS = ('kill', 'stall', 'serial')


def whole_jpeg(data: bytes) -> bool:
    """Tell whether ``data`` is a JPEG the node may publish and that decodes completely."""
    from PIL import Image
    from esp32_drone_camera import frames
    if frames.validate(data, 1 << 20) != frames.OK:
        return False
    try:
        Image.open(io.BytesIO(data)).load()  # decodes completely, or raises
    except Exception:  # noqa: BLE001 - any decoder error means a bad frame
        return False
    return True


def node_has_open(pid: int, path: str) -> bool:
    """Tell whether process ``pid`` has ``path`` open (a pty: psutil lists files only)."""
    fd_dir = f'/proc/{pid}/fd'
    try:
        names = os.listdir(fd_dir)
    except OSError:
        return False
    for name in names:
        try:
            if os.readlink(os.path.join(fd_dir, name)) == path:
                return True
        except OSError:
            continue
    return False


class Soak:
    """Runs emulator and node as processes and injects faults on a schedule."""

    def __init__(self, duration: float, fps: int = 20, period: float = 10.0):
        self.duration = duration
        self.fps = fps
        self.period = period
        self.port = free_port()
        self.tmp = tempfile.mkdtemp(prefix='soak-')
        self.serial_link = os.path.join(self.tmp, 'ttyCAM')
        self.emulator: Optional[Emulator] = None
        self.node: Optional[CameraNode] = None
        self.events: List[tuple] = []  # (t, fault, recovery s or None)
        self.samples: List[tuple] = []  # (t, rss MB, fds, threads)
        self.bad_phase = False
        self.rng = random.Random()

    def start_emulator(self, bad: bool = False) -> None:
        """(Re)start the emulator on the same port and serial symlink."""
        extra = ['--faults', 'truncated,garbage,oversize,badjson', '--fault-interval', '7'] \
            if bad else []
        self.emulator = Emulator('--fps', str(self.fps), '--pre-encoded', '20',
                                 '--serial-link', self.serial_link, *extra, port=self.port)

    def sample(self, t0: float) -> tuple:
        """Resident memory (MB), open fds and threads of the node process now."""
        import psutil
        p = psutil.Process(self.node.proc.pid)
        s = (time.monotonic() - t0, p.memory_info().rss / 2**20, p.num_fds(), p.num_threads())
        self.samples.append(s)
        return s

    def inject(self, fault: str, probe: Probe, t0: float) -> None:
        """Inject one fault and record how long the stream took to come back."""
        start = time.monotonic()
        if fault == 'kill':
            self.emulator.proc.kill()  # brown-out: no close handshake
            self.emulator.proc.wait()
            self.emulator.stop()
            time.sleep(1.0 + self.rng.random())
            self.bad_phase = not self.bad_phase
            self.start_emulator(bad=self.bad_phase)
            recovery = probe.first_frame_after(time.time_ns(), 15)
            fault = 'kill+restart' + (' (bad frames on)' if self.bad_phase else '')
        elif fault == 'stall':
            self.emulator.signal(signal.SIGSTOP)
            # Random lengths: the node's retry timers must not stay in phase with ours.
            time.sleep(3.0 + self.rng.random())
            self.emulator.signal(signal.SIGCONT)
            recovery = probe.first_frame_after(time.time_ns(), 15)
            fault = 'SIGSTOP 3-4 s'
        else:  # serial unplug and replug; the stream must not notice
            self.emulator.signal(signal.SIGUSR1)
            time.sleep(2.0 + self.rng.random())
            self.emulator.signal(signal.SIGUSR1)
            recovery = self.serial_reopened(time.monotonic(), 10.0)
            fault = 'serial unplug 2-3 s'
        self.events.append((start - t0, fault, recovery))

    def serial_reopened(self, mark: float, timeout: float) -> Optional[float]:
        """Seconds from ``mark`` until the node holds the replugged pty open."""
        deadline = mark + timeout
        while time.monotonic() < deadline:
            pty = os.path.realpath(self.serial_link)
            if node_has_open(self.node.proc.pid, pty):
                return time.monotonic() - mark
            time.sleep(0.02)
        return None

    def run(self) -> dict:
        """Run the soak; return the summary (``ok`` says whether every bound held)."""
        probe = Probe(own_context=True, keep_images=False, validate=whole_jpeg)
        try:
            self.start_emulator()
            self.node = CameraNode(f'ws://127.0.0.1:{self.port}', stale_timeout=1.0,
                                   reconnect_max=1.0, connect_timeout=1.0,
                                   serial_port=self.serial_link, target_fps=self.fps)
            return self._schedule(probe)
        finally:
            for proc in (self.node, self.emulator):
                if proc is not None:
                    proc.stop()
            probe.close()
            shutil.rmtree(self.tmp, ignore_errors=True)

    def _schedule(self, probe: Probe) -> dict:
        t0 = time.monotonic()
        if not probe.wait_frames(1, 20):
            raise RuntimeError('no frames from the node within 20 s:\n' + self.node.output)
        warmup = min(30.0, max(10.0, 0.15 * self.duration))
        quiet_tail = 8.0  # no faults at the end: counts must be back to baseline
        next_fault, index, baseline = t0 + warmup, 0, None
        while time.monotonic() - t0 < self.duration:
            now = time.monotonic()
            sample = self.sample(t0)
            if baseline is None and now - t0 >= warmup - 1.0:
                baseline = sample
            if now >= next_fault and t0 + self.duration - now > quiet_tail + 5:
                self.inject(FAULTS[index % len(FAULTS)], probe, t0)
                index += 1
                next_fault = time.monotonic() + self.period
            time.sleep(max(0.0, 1.0 - (time.monotonic() - now)))
        final = self.sample(t0)
        return self._summary(probe, warmup, baseline or final, final)

    def _summary(self, probe: Probe, warmup: float, baseline: tuple, final: tuple) -> dict:
        after = [x for x in self.samples if x[0] >= warmup]
        rss_start = statistics.median(x[1] for x in after[:5]) if after else baseline[1]
        rss_end = statistics.median(x[1] for x in after[-5:]) if after else final[1]
        recoveries = [r for _, _, r in self.events if r is not None]
        tracebacks = self.node.output.count('Traceback')
        checks = {
            'rss_growth_mb': (rss_end - rss_start, rss_end - rss_start < RSS_GROWTH_MB),
            'fds_back': (f'{baseline[2]}->{final[2]}', final[2] <= baseline[2] + FD_SLACK),
            'threads_back': (f'{baseline[3]}->{final[3]}',
                             final[3] <= baseline[3] + THREAD_SLACK),
            'invalid_frames': (probe.invalid, probe.invalid == 0),
            'tracebacks': (tracebacks, tracebacks == 0),
            'all_recovered': (sum(r is None for _, _, r in self.events),
                              all(r is not None and r < RECOVERY_BOUND_S
                                  for _, _, r in self.events)),
            'node_alive': (self.node.proc.poll(), self.node.proc.poll() is None),
        }
        return {'duration_s': self.duration, 'fps': self.fps, 'frames': probe.frame_count(),
                'faults': len(self.events), 'events': self.events, 'samples': self.samples,
                'rss_start_mb': rss_start, 'rss_end_mb': rss_end,
                'rss_max_mb': max(x[1] for x in self.samples),
                'max_recovery_s': max(recoveries) if recoveries else None,
                'checks': {k: v[0] for k, v in checks.items()},
                'failed': [k for k, v in checks.items() if not v[1]],
                'ok': all(v[1] for v in checks.values()), 'warmup_s': warmup}
