"""
Adaptive streaming over a throttled link (issue #14): the acceptance run and a step profile.

The emulator runs in its own network namespace behind a veth pair; tc tbf on the
drone's side throttles the camera link, the node and the probe stay on this host
(see camera_testkit.netns). Frame age is the probe's receive time minus the image's
header stamp (the device's capture time through the node's clock sync): what a
consumer sees.

- **acceptance**: uncapped, then ``tbf rate 1500kbit burst 16kb latency 200ms``, then
  uncapped again. Reported: the uncapped rate; the rate and age p99 from 8 s after the
  cap to its end; the adaptation time (cap to the end of the first 2 s window at
  >= 17 fps and age p99 <= 300 ms); the recovery time (cap lifted to the end of the
  first 1 s window at >= 18 fps with every frame at the configured quality and size).
- **profile**: 10 -> 3 -> 1 -> 0.5 -> 3 -> 10 Mbit/s, with and without adaptation:
  delivered fps, mean frame size and age p99 per second, drawn as a plot.

    python -m bench.adaptive_link --out DIR [--short] [--skip-profile] [--section-into MD]

writes DIR/adaptive_link.json, DIR/adaptive_link.png and DIR/adaptive_link.md (a
section for docs/benchmarks.md); ``--section-into docs/benchmarks.md`` also puts that
section into the page, between its markers (replacing the last run's) or at its end,
with the plot copied beside it. ``make bench`` runs it after ``bench.run_bench``, which
rewrites the page. Needs root (ip netns, tc).
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from typing import Dict, List, NamedTuple, Optional, Sequence, Tuple

from bench.harness import sections
from camera_testkit import netns, ros_env
from camera_testkit.processes import CameraNode, child_env, Proc, PY
from esp32_drone_camera import frames
from esp32_drone_camera.protocol import FRAME_SIZES

CAP = ('1500kbit', '16kb', '200ms')  # rate, burst, latency: issue #14's link
PROFILE_MBIT = (10, 3, 1, 0.5, 3, 10)
CEILING = ('VGA', 12)  # the node's defaults: frame_size, jpeg_quality
TARGET_FPS = 20
# A link that comes back is reconnected quickly (as in test_faults_network).
NODE_PARAMS = {'stale_timeout': 2.0, 'connect_timeout': 1.0, 'reconnect_min': 0.1,
               'reconnect_max': 0.5}


class Durations(NamedTuple):
    """Seconds of each phase."""

    uncapped: float
    capped: float  # the first 8 s of it are the adaptation allowance
    lifted: float
    stage: float  # one rate of the step profile


FULL = Durations(uncapped=6, capped=20, lifted=15, stage=15)
SHORT = Durations(uncapped=4, capped=14, lifted=12, stage=8)
ADAPTATION_ALLOWANCE_S = 8.0


class Frame(NamedTuple):
    """One received frame: when (s from the session's start), age, bytes, level."""

    t: float
    age_ms: float
    nbytes: int
    frame_size: str
    quality: int


# -- the link ---------------------------------------------------------------------------
def set_rate(host: 'netns.NetHost', rate: Optional[str], burst: str = CAP[1],
             latency: str = CAP[2]) -> None:
    """Throttle the drone-to-node direction to ``rate`` (tc syntax), or lift it (None)."""
    if rate is not None:
        host.rate_limit(rate, burst, latency)
        return
    subprocess.run(['tc', '-n', host.name, 'qdisc', 'del', 'dev', host.inner, 'root'],
                   capture_output=True, timeout=10)  # fails harmlessly when uncapped


def mbit_rate(mbit: float) -> str:
    """Return a tc rate for ``mbit`` Mbit/s."""
    return f'{int(mbit * 1000)}kbit'


# -- one session: emulator in the namespace, node here, the probe watching -------------
class Session:
    """The emulator on ``host`` and a node with ``adaptive_quality``; started on enter."""

    def __init__(self, host: 'netns.NetHost', probe, adaptive: bool,
                 env: Optional[Dict[str, str]] = None):
        self.host, self.probe, self.adaptive, self.env = host, probe, adaptive, env
        self.procs: List[Proc] = []
        self.t0_ns = 0

    def __enter__(self) -> 'Session':
        set_rate(self.host, None)
        with self.probe._lock:  # only this session's frames: a long run would hoard them
            self.probe.images.clear()
        try:
            emu = Proc(self.host.command([PY, '-m', 'esp32_drone_camera.emulator', '--host',
                                          self.host.address, '--port', '8080']), env=self.env)
            self.procs.append(emu)
            emu.wait_line('EMULATOR READY', 30)
            self.procs.append(CameraNode(f'ws://{self.host.address}:8080', env=self.env,
                                         adaptive_quality=self.adaptive, **NODE_PARAMS))
            start = self.probe.frame_count()
            if not self.probe.wait_frames(start + 20, 30):
                raise RuntimeError('no stream over the veth link:\n' + self.procs[-1].output)
        except BaseException:
            self.close()
            raise
        self.t0_ns = time.time_ns()
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        """Stop the node and the emulator (in that order)."""
        for proc in reversed(self.procs):
            proc.stop()
        self.procs.clear()

    def now(self) -> float:
        """Return seconds since the session started streaming."""
        return (time.time_ns() - self.t0_ns) / 1e9

    def frames(self) -> List[Frame]:
        """Return every frame received since the session started streaming."""
        out = []
        for data, stamp, _, _, received in list(self.probe.images):
            if received < self.t0_ns:
                continue
            meta = frames.read_metadata(data)
            size, quality = (FRAME_SIZES[meta.frame_size][0], meta.quality) if meta and \
                meta.frame_size < len(FRAME_SIZES) else ('?', -1)
            out.append(Frame((received - self.t0_ns) / 1e9, (received - stamp) / 1e6,
                             len(data), size, quality))
        return out

    def node_output(self) -> str:
        """Return what the node printed (for a failure message)."""
        return self.procs[-1].output if self.procs else ''


# -- statistics over received frames -----------------------------------------------------
def window(frames_: Sequence[Frame], t0: float, t1: float) -> List[Frame]:
    """Return the frames received in [t0, t1)."""
    return [f for f in frames_ if t0 <= f.t < t1]


def p99(values: Sequence[float]) -> Optional[float]:
    """Return the 99th percentile (nearest rank), None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


def stats(frames_: Sequence[Frame], t0: float, t1: float) -> dict:
    """Return fps, mean frame bytes and age p50/p99 (ms) over [t0, t1)."""
    w = window(frames_, t0, t1)
    ages = sorted(f.age_ms for f in w)
    return {'fps': len(w) / (t1 - t0), 'mean_bytes': sum(f.nbytes for f in w) / len(w)
            if w else None, 'age_p50_ms': ages[len(ages) // 2] if ages else None,
            'age_p99_ms': p99(ages), 'frames': len(w)}


def series(frames_: Sequence[Frame], end: float, step: float = 1.0) -> List[dict]:
    """Return per-``step`` statistics from 0 to ``end`` (for the plot)."""
    out, t = [], 0.0
    while t + step <= end + 1e-9:
        out.append({'t': t + step, **stats(frames_, t, t + step)})
        t += step
    return out


def first_window(frames_: Sequence[Frame], after: float, end: float, length: float,
                 ok) -> Optional[float]:
    """Return seconds from ``after`` to the end of the first ``length`` window passing ``ok``."""
    t = after
    while t + length <= end:
        w = window(frames_, t, t + length)
        if w and ok(w, length):
            return t + length - after
        t += 0.25
    return None


def _adapted(w: List[Frame], length: float) -> bool:
    return len(w) / length >= 17 and p99([f.age_ms for f in w]) <= 300


def _recovered(w: List[Frame], length: float) -> bool:
    return len(w) / length >= 18 and all((f.frame_size, f.quality) == CEILING for f in w)


# -- the two measurements -----------------------------------------------------------------
def acceptance(host, probe, d: Durations = FULL, env=None) -> dict:
    """Uncapped, capped at 1.5 Mbit/s, uncapped again, adaptation on; return the figures."""
    with Session(host, probe, adaptive=True, env=env) as s:
        time.sleep(d.uncapped)
        cap_at = s.now()
        set_rate(host, CAP[0])
        time.sleep(d.capped)
        lift_at = s.now()
        set_rate(host, None)
        time.sleep(d.lifted)
        end = s.now()
        got = s.frames()
    capped = stats(got, cap_at + ADAPTATION_ALLOWANCE_S, lift_at)
    return {
        'cap': ' '.join(('tbf rate',) + CAP[:1] + ('burst', CAP[1], 'latency', CAP[2])),
        'uncapped': stats(got, 1.0, cap_at),
        'capped': capped, 'capped_window_s': [cap_at + ADAPTATION_ALLOWANCE_S, lift_at],
        'adaptation_s': first_window(got, cap_at, lift_at, 2.0, _adapted),
        'recovery_s': first_window(got, lift_at, end, 1.0, _recovered),
        'levels_capped': sorted({f'{f.frame_size} q{f.quality}' for f in
                                 window(got, cap_at + ADAPTATION_ALLOWANCE_S, lift_at)}),
        'cap_at': cap_at, 'lift_at': lift_at, 'end': end, 'series': series(got, end),
    }


def profile(host, probe, adaptive: bool, d: Durations = FULL, env=None) -> dict:
    """Run the step profile once; return per-stage and per-second figures."""
    with Session(host, probe, adaptive=adaptive, env=env) as s:
        starts = []
        for mbit in PROFILE_MBIT:
            starts.append(s.now())
            set_rate(host, mbit_rate(mbit))
            time.sleep(d.stage)
        end = s.now()
        got = s.frames()
    bounds = starts + [end]
    stages = [{'mbit': mbit, 'start': t0, **stats(got, t0 + d.stage / 2, t1)}
              for mbit, t0, t1 in zip(PROFILE_MBIT, bounds, bounds[1:])]
    return {'adaptive': adaptive, 'stages': stages, 'series': series(got, end)}


# -- report --------------------------------------------------------------------------------
def fmt(value, spec: str = '.0f') -> str:
    """Format ``value`` with ``spec``, or 'n/a' for None."""
    return 'n/a' if value is None else format(value, spec)


def acceptance_rows(a: dict) -> List[Tuple[str, str, str, bool]]:
    """Return (what, bound, measured, passed) rows of the acceptance run."""
    c = a['capped']
    return [
        ('uncapped rate', '20 fps', f'{a["uncapped"]["fps"]:.1f} fps',
         a['uncapped']['fps'] >= 19),
        ('capped rate (8 s after the cap on)', '>= 17 fps', f'{c["fps"]:.1f} fps',
         c['fps'] >= 17),
        ('capped frame age p99', '<= 300 ms', f'{fmt(c["age_p99_ms"])} ms',
         c['age_p99_ms'] is not None and c['age_p99_ms'] <= 300),
        ('adaptation time', '<= 8 s', f'{fmt(a["adaptation_s"], ".1f")} s',
         a['adaptation_s'] is not None and a['adaptation_s'] <= ADAPTATION_ALLOWANCE_S),
        ('recovery to >= 18 fps at the configured quality', '<= 10 s',
         f'{fmt(a["recovery_s"], ".1f")} s',
         a['recovery_s'] is not None and a['recovery_s'] <= 10),
    ]


def markdown(result: dict, png: Optional[str]) -> str:
    """Return the docs/benchmarks.md section."""
    a = result['acceptance']
    lines = ['## Adaptive streaming over a narrowing link', '',
             f'Generated by `python -m bench.adaptive_link` ({result["when"]}, '
             f'{result["mode"]} durations). The emulator (VGA q12, 20 fps) in its own '
             'network namespace behind a veth pair, tc tbf on the drone side; frame age '
             '= receive time minus header stamp.', '',
             f'Acceptance (`{a["cap"]}`, adaptive_quality on):', '',
             '| what | bound | measured | result |', '|---|---|---|---|']
    for what, bound, measured, passed in acceptance_rows(a):
        lines.append(f'| {what} | {bound} | {measured} | {"pass" if passed else "**FAIL**"} |')
    c = a['capped']
    lines += ['', f'Under the cap: age p50 {fmt(c["age_p50_ms"])} ms, mean frame '
              f'{fmt((c["mean_bytes"] or 0) / 1000, ".1f")} KB, levels '
              f'{", ".join(a["levels_capped"]) or "n/a"}.', '']
    runs = result.get('profile') or []
    if runs:
        lines += ['Step profile (each rate for its stage; figures over the second half of '
                  'each stage):', '',
                  '| link | ' + ' | '.join(
                      f'{"adaptive" if r["adaptive"] else "fixed"}: fps / mean KB / age p99 ms'
                      for r in runs) + ' |', '|---|' + '---|' * len(runs)]
        for i, mbit in enumerate(PROFILE_MBIT):
            cells = []
            for r in runs:
                st = r['stages'][i]
                cells.append(f'{st["fps"]:.1f} / {fmt((st["mean_bytes"] or 0) / 1000, ".1f")}'
                             f' / {fmt(st["age_p99_ms"])}')
            lines.append(f'| {mbit:g} Mbit/s | ' + ' | '.join(cells) + ' |')
    if png:
        lines += ['', f'![adaptive streaming: step profile]({png})']
    return '\n'.join(lines) + '\n'


def plot(result: dict, path: str) -> None:
    """Draw delivered fps, mean frame size and age p99 over time, with and without."""
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    runs = result.get('profile') or []
    fig, axes = plt.subplots(3, 1, figsize=(9, 8), sharex=True)
    keys = (('fps', 'delivered fps', 1.0), ('mean_bytes', 'mean frame (KB)', 1e-3),
            ('age_p99_ms', 'age p99 (ms)', 1.0))
    for run in runs:
        label = 'adaptive_quality: true' if run['adaptive'] else 'adaptive_quality: false'
        color = 'tab:blue' if run['adaptive'] else 'tab:red'
        t = [p['t'] for p in run['series']]
        for ax, (key, _, scale) in zip(axes, keys):
            ax.plot(t, [None if p[key] is None else p[key] * scale for p in run['series']],
                    color=color, label=label)
    if runs:
        for start, mbit in ((st['start'], st['mbit']) for st in runs[0]['stages']):
            for ax in axes:
                ax.axvline(start, color='gray', alpha=0.3)
            axes[0].annotate(f'{mbit:g} Mbit/s', (start + 0.3, 22.5), fontsize=8,
                             annotation_clip=False)
    for ax, (_, name, _) in zip(axes, keys):
        ax.set_ylabel(name)
        ax.grid(True, alpha=0.3)
    axes[0].set_ylim(0, 22)
    axes[2].set_yscale('log')
    axes[0].legend(fontsize=8, loc='lower right')
    axes[2].set_xlabel('time (s); tc tbf rate steps 10 -> 3 -> 1 -> 0.5 -> 3 -> 10 Mbit/s')
    fig.suptitle('Adaptive streaming: the emulator (VGA q12, 20 fps) over a stepped link',
                 y=0.995)
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)


def main(argv=None) -> int:
    """Run the measurement; write JSON, PNG and the Markdown section into --out."""
    p = argparse.ArgumentParser(prog='python -m bench.adaptive_link', description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--out', required=True, help='directory for the JSON, PNG and Markdown')
    p.add_argument('--short', action='store_true', help='shorter phases (about 2 min)')
    p.add_argument('--skip-profile', action='store_true', help='acceptance run only')
    p.add_argument('--domain', type=int, default=None, help='DDS domain (default: random)')
    p.add_argument('--section-into', metavar='MD', help='also put the section into this page '
                   '(e.g. docs/benchmarks.md), the plot beside it')
    a = p.parse_args(argv)
    reason = netns.unavailable()
    if reason:
        print(f'adaptive_link: network namespaces unavailable: {reason}', file=sys.stderr)
        return 2
    domain = a.domain if a.domain is not None else ros_env.pick_test_domain()
    ros_env.isolate(os.environ, domain)
    env = child_env(domain)
    from camera_testkit.probe import Probe
    d = SHORT if a.short else FULL
    os.makedirs(a.out, exist_ok=True)
    probe = Probe(own_context=True)
    try:
        with netns.NetHost() as host:
            result = {'mode': 'short' if a.short else 'full',
                      'when': time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime()),
                      'acceptance': acceptance(host, probe, d, env), 'profile': []}
            if not a.skip_profile:
                for adaptive in (True, False):
                    result['profile'].append(profile(host, probe, adaptive, d, env))
    finally:
        probe.close()
    png = None
    if result['profile']:
        png = 'adaptive_link.png'
        plot(result, os.path.join(a.out, png))
    with open(os.path.join(a.out, 'adaptive_link.json'), 'w') as f:
        json.dump(result, f, indent=1)
    section = markdown(result, png)
    with open(os.path.join(a.out, 'adaptive_link.md'), 'w') as f:
        f.write(section)
    if a.section_into:
        where = os.path.dirname(os.path.abspath(a.section_into))
        if png and os.path.abspath(a.out) != where:
            shutil.copyfile(os.path.join(a.out, png), os.path.join(where, png))
        sections.put_section(a.section_into, 'adaptive_link', section)
    for what, bound, measured, passed in acceptance_rows(result['acceptance']):
        print(f'{what}: {measured} (bound {bound}) {"pass" if passed else "FAIL"}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
