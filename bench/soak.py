"""
Soak: stream at 20 fps for a long time while injecting faults on a schedule.

Runs ``bench.harness.soak_run.Soak`` (emulator killed, frozen, serial cable pulled;
the node's memory, file descriptors and threads sampled), plots the samples and
records the result as the fault table's soak row, both in ``build/reliability/``
(``camera_testkit.reliability``). ``make soak`` runs it with ``--publish docs``: the
table and the plots go into ``docs/`` then, as ``make reliability`` would put them.

    python -m bench.soak --duration 600 [--publish docs]
"""

import argparse
import json
import os
import random
import sys
from typing import Dict

from bench.harness.soak_run import RSS_GROWTH_MB, Soak
from camera_testkit import reliability, ros_env


def plot(summary: dict, path: str) -> None:
    """RSS, fds and threads over time, with the injected faults marked."""
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    t = [x[0] for x in summary['samples']]
    fig, axes = plt.subplots(3, 1, sharex=True, figsize=(9, 6.5))
    for ax, column, label in zip(axes, (1, 2, 3), ('RSS (MiB)', 'open fds', 'threads')):
        ax.plot(t, [x[column] for x in summary['samples']], lw=1.2)
        ax.set_ylabel(label)
        ax.grid(alpha=0.3)
        for when, _, _ in summary['events']:
            ax.axvline(when, color='tab:red', alpha=0.25, lw=0.8)
        ax.axvline(summary['warmup_s'], color='k', ls='--', lw=0.8)
    axes[-1].set_xlabel('time (s); dashed: end of warm-up; red: injected faults')
    axes[0].set_title(f"camera node during a {summary['duration_s']:.0f} s soak at "
                      f"{summary['fps']} fps ({summary['faults']} faults)")
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)


def report(summary: dict, name: str, records: str = reliability.RECORDS) -> None:
    """Plot into ``records`` as ``<name>.png`` and record the soak's row of the fault table."""
    os.makedirs(records, exist_ok=True)
    plot(summary, os.path.join(records, name + '.png'))
    c = summary['checks']
    kinds = sorted({e[1] for e in summary['events']})
    worst: Dict[str, float] = {}
    for _, fault, recovery in summary['events']:
        kind = fault.split(' ')[0].split('+')[0]
        worst[kind] = max(worst.get(kind, 0.0), recovery if recovery is not None else 1e9)
    worst_text = ', '.join(f'{k} {v:.2f} s' for k, v in sorted(worst.items()))
    measured = (f"{summary['duration_s']:.0f} s, {summary['frames']} frames, "
                f"{summary['faults']} faults; RSS {summary['rss_start_mb']:.1f}->"
                f"{summary['rss_end_mb']:.1f} MiB (bound +{RSS_GROWTH_MB:g}); fds "
                f"{c['fds_back']}; threads {c['threads_back']}; invalid frames "
                f"{c['invalid_frames']}; tracebacks {c['tracebacks']}; worst recovery "
                f'per fault: {worst_text}')
    reliability.record(
        f'z-{name}', f'soak ({name})', 'scheduled every few seconds: ' + ', '.join(kinds),
        'stream resumes after each fault; RSS, fds and threads flat after warm-up; '
        'no invalid frame published', measured, summary['ok'], plot=name + '.png',
        records=records)


def main(argv=None) -> int:
    """Command line: run the soak, write the plot and the record, exit 1 on failure."""
    p = argparse.ArgumentParser(
        prog='python -m bench.soak', description=__doc__.strip().splitlines()[0])
    p.add_argument('--duration', type=float, default=600.0, help='seconds (default 600)')
    p.add_argument('--fps', type=int, default=20)
    p.add_argument('--period', type=float, default=10.0, help='seconds between faults')
    p.add_argument('--records', default=reliability.RECORDS,
                   help='where the plot and the record go (default build/reliability)')
    p.add_argument('--name', default='soak', help='plot and record name (default soak)')
    p.add_argument('--publish', metavar='DOCS', default=None,
                   help='then render the fault table and its plots into DOCS (make soak: docs)')
    p.add_argument('--domain', type=int,
                   default=int(os.environ.get('ROS_DOMAIN_ID') or random.randint(1, 100)),
                   help='ROS_DOMAIN_ID (default: $ROS_DOMAIN_ID, else random 1-100)')
    a = p.parse_args(argv)
    ros_env.isolate(os.environ, a.domain)  # before the probe initialises rclpy
    summary = Soak(a.duration, a.fps, a.period).run()
    report(summary, a.name, a.records)
    if a.publish:
        print('wrote', reliability.publish(a.records, a.publish))
    for when, fault, recovery in summary['events']:
        print(f'{when:7.1f} s  {fault:28s} recovered in '
              f'{"never" if recovery is None else f"{recovery:.2f} s"}')
    print(json.dumps({k: v for k, v in summary.items() if k not in ('samples', 'events')},
                     indent=1, default=str))
    return 0 if summary['ok'] else 1


if __name__ == '__main__':
    sys.exit(main())
