"""
Profile one subject with py-spy while the emulator streams to it.

Not part of ``make bench``: it is the tool behind the report's findings. Usage:
``python -m bench.profile_subject node --fps 20 --seconds 20`` prints the CPU each
thread used (ms per second, from schedstat: trustworthy) and the functions that take
the most py-spy samples (inclusive, and self; py-spy counts some waiting threads as
busy, so read it together with the thread table). ``--raw FILE`` keeps the collapsed
stacks for a flame graph; ``--native`` includes C frames (rclpy, Fast DDS).
"""

import argparse
import collections
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

from bench.harness import lineup
from camera_testkit.processes import free_port, ProcGroup, PY

START_TIMEOUT = 20.0


def summarise(raw_path: str, top: int) -> str:
    """Turn py-spy's collapsed stacks into inclusive and self sample counts."""
    inclusive, own = collections.Counter(), collections.Counter()
    total = 0
    with open(raw_path) as f:
        for line in f:
            stack, _, count = line.rstrip('\n').rpartition(' ')
            if not stack:
                continue
            n = int(count)
            total += n
            frames = stack.split(';')
            for frame in set(frames):
                inclusive[frame] += n
            own[frames[-1]] += n
    lines = [f'{total} samples']
    for title, counter in (('inclusive', inclusive), ('self', own)):
        lines.append(f'-- top {top} {title} --')
        lines += [f'{100 * n / max(1, total):5.1f}%  {frame}'
                  for frame, n in counter.most_common(top)]
    return '\n'.join(lines)


def thread_times(pid: int) -> dict:
    """Return run time in ns per thread id of ``pid``."""
    times = {}
    for tid in os.listdir(f'/proc/{pid}/task'):
        try:
            with open(f'/proc/{pid}/task/{tid}/schedstat') as f:
                times[tid] = int(f.read().split()[0])
        except OSError:
            pass  # the thread ended
    return times


def thread_table(spy: str, pid: int, before: dict, after: dict, seconds: float) -> str:
    """CPU ms per second of each thread, named as py-spy names Python threads."""
    dump = subprocess.run([spy, 'dump', '--pid', str(pid)], capture_output=True, text=True,
                          timeout=30).stdout
    names = dict(re.findall(r'Thread (\d+) \((?:idle|active)[^)]*\): "([^"]+)"', dump))
    rows = sorted(((after[t] - before.get(t, 0)) / 1e6 / seconds, t) for t in after)
    lines = ['-- CPU per thread (ms per second) --']
    for ms, tid in reversed(rows):
        if ms >= 0.05:
            lines.append(f'{ms:8.2f}  {tid} {names.get(tid, "(native: DDS or Python helper)")}')
    return '\n'.join(lines)


def main(argv=None) -> int:
    """Stream to the subject, record it with py-spy, print the summary."""
    p = argparse.ArgumentParser(
        prog='python -m bench.profile_subject', description=__doc__.strip().splitlines()[0])
    p.add_argument('subject', choices=tuple(s.name for s in lineup.PROFILED))
    p.add_argument('--fps', type=float, default=20.0)
    p.add_argument('--size', default='VGA')
    p.add_argument('--seconds', type=float, default=20.0)
    p.add_argument('--native', action='store_true')
    p.add_argument('--top', type=int, default=25)
    p.add_argument('--raw', default=None, help='keep the collapsed stacks here')
    p.add_argument('--domain', type=int, default=68)
    a = p.parse_args(argv)
    spy = shutil.which('py-spy') or os.path.join(os.path.dirname(PY), 'py-spy')
    subject = {s.name: s for s in lineup.PROFILED}[a.subject]
    with tempfile.TemporaryDirectory() as tmp, ProcGroup(a.domain) as group:
        port = free_port()
        group.start([PY, '-m', 'esp32_drone_camera.emulator', '--port', str(port),
                     '--fps', str(a.fps), '--frame-size', a.size, '--pre-encoded', '30'],
                    ).wait_line('EMULATOR READY', START_TIMEOUT)
        sub = group.start(lineup.subscriber_command(subject.topic, subject.kind,
                                                    os.path.join(tmp, 'sub.npy')))
        proc = group.start(subject.command(f'ws://127.0.0.1:{port}', ''))
        sub.wait_line('FIRST', START_TIMEOUT)
        time.sleep(1.0)
        raw = a.raw or os.path.join(tmp, 'stacks.txt')
        cmd = [spy, 'record', '--pid', str(proc.pid), '--duration', str(max(1, int(a.seconds))),
               '--rate', '500', '--format', 'raw', '--output', raw, '--threads']
        # Threads first, with py-spy detached: its sampling stops every thread and would
        # add to their CPU time.
        before, started = thread_times(proc.pid), time.monotonic()
        time.sleep(a.seconds)
        after, elapsed = thread_times(proc.pid), time.monotonic() - started
        print(thread_table(spy, proc.pid, before, after, elapsed))
        subprocess.run(cmd + (['--native'] if a.native else []), check=True,
                       stdout=subprocess.DEVNULL, timeout=a.seconds + 60)
        print(summarise(raw, a.top))
    return 0


if __name__ == '__main__':
    sys.exit(main())
