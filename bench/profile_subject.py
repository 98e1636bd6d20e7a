"""
Profile one subject with py-spy while the emulator streams to it.

Not part of ``make bench``: it is the tool behind the report's findings. Usage:
``python bench/profile_subject.py node --fps 20 --seconds 20`` prints the functions
that take the most samples (inclusive, and self) and keeps the collapsed stacks
(``--raw FILE``) for a flame graph. ``--native`` includes C frames (rclpy, Fast DDS).
"""

import argparse
import collections
import os
import shutil
import subprocess
import sys
import tempfile
import time

from procs import free_port, ProcGroup, PY
import subjects

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


def main(argv=None) -> int:
    """Stream to the subject, record it with py-spy, print the summary."""
    p = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    p.add_argument('subject', choices=('node', 'relay', 'bridge'))
    p.add_argument('--fps', type=float, default=20.0)
    p.add_argument('--size', default='VGA')
    p.add_argument('--seconds', type=float, default=20.0)
    p.add_argument('--native', action='store_true')
    p.add_argument('--top', type=int, default=25)
    p.add_argument('--raw', default=None, help='keep the collapsed stacks here')
    p.add_argument('--domain', type=int, default=68)
    a = p.parse_args(argv)
    spy = shutil.which('py-spy') or os.path.join(os.path.dirname(PY), 'py-spy')
    subject = {s.name: s for s in subjects.ROS_SUBJECTS}[a.subject]
    with tempfile.TemporaryDirectory() as tmp, ProcGroup(a.domain) as group:
        port = free_port()
        group.start([PY, '-m', 'esp32_drone_camera.emulator', '--port', str(port),
                     '--fps', str(a.fps), '--frame-size', a.size, '--pre-encoded', '30'],
                    ).wait_line('EMULATOR READY', START_TIMEOUT)
        sub = group.start([PY, os.path.join(subjects.BENCH, 'subscriber.py'), '--topic',
                           subject.topic, '--type', subject.kind,
                           '--out', os.path.join(tmp, 'sub.npy')])
        proc = group.start(subject.command(f'ws://127.0.0.1:{port}', ''))
        sub.wait_line('FIRST', START_TIMEOUT)
        time.sleep(1.0)
        raw = a.raw or os.path.join(tmp, 'stacks.txt')
        cmd = [spy, 'record', '--pid', str(proc.pid), '--duration', str(int(a.seconds)),
               '--rate', '500', '--format', 'raw', '--output', raw, '--threads']
        subprocess.run(cmd + (['--native'] if a.native else []), check=True,
                       stdout=subprocess.DEVNULL, timeout=a.seconds + 60)
        print(summarise(raw, a.top))
    return 0


if __name__ == '__main__':
    sys.exit(main())
