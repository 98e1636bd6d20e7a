"""
Run the benchmarks and write docs/benchmarks.md and docs/benchmarks.png.

Usage, from the repository root: ``python -m bench.run_bench --out docs`` (``make
bench``), or ``--quick`` for a few-second check that every subject runs (the smoke
test). ``--json`` also saves the numbers.
"""

import argparse
import datetime
import json
import os
import sys
import time

from bench.harness import case as case_mod
from bench.harness import decode_cost, machine, plan, plot, report
from bench.harness.analyse import combine
from bench.harness.floor import run_floor
from bench.harness.lineup import FLOOR
from esp32_drone_camera.emulator.imagery import FrameRenderer

DEFAULT_DOMAIN = 64  # fixed and explicit; tests elsewhere pick random domains 1-100


def frame_bytes(size: str) -> float:
    """Mean bytes of the frames the emulator cycles at ``size`` (metadata included)."""
    frames = FrameRenderer(size, 12).pre_encode(case_mod.PRE_ENCODED)
    return sum(len(f) for f in frames) / len(frames) + 24


def run(phases: dict, domain: int, log=print) -> dict:
    """Run every case of every phase; return results keyed by phase."""
    results = {}
    vga_bytes = round(frame_bytes('VGA'))
    for phase, cases in phases.items():
        for c in cases:
            started = time.monotonic()
            if c.subjects == (FLOOR,):
                got = run_floor(c, vga_bytes, domain)
            else:
                got = case_mod.run_case(c, domain)
            results.setdefault(phase, []).extend(got)
            for r in got:
                log(f'{phase:12s} {r["subject"]:7s} {c.fps:6g} fps {c.size:5s} '
                    f'x{c.subscribers:<2d} cpu {r["cpu_ms_per_frame"]:.3f} ms/frame '
                    f'{r["cpu_pct"]:5.1f}%  lat p50 {r["lat_p50"]:.2f} p99 {r["lat_p99"]:.2f} ms'
                    f'  {r["delivered"]} frames, {r["lost"]} lost '
                    + (f'; raw {r["raw_received"]} frames, p50 {r["raw_lat_p50"]:.2f} ms '
                       if c.raw_subscribers else '') +
                    f'({time.monotonic() - started:.1f} s)')
    return results


def _jsonable(value):
    if hasattr(value, 'tolist'):
        return value.tolist()
    raise TypeError(type(value))


def main(argv=None) -> int:
    """Run, then write the report, the plot and optionally the JSON."""
    p = argparse.ArgumentParser(
        prog='python -m bench.run_bench', description=__doc__.strip().splitlines()[0])
    p.add_argument('--out', default='docs', help='directory for benchmarks.md/.png')
    p.add_argument('--quick', action='store_true', help='seconds, not minutes (smoke test)')
    p.add_argument('--domain', type=int, default=DEFAULT_DOMAIN, help='ROS_DOMAIN_ID')
    p.add_argument('--json', default=None, help='also write the numbers here')
    a = p.parse_args(argv)
    started = time.monotonic()
    phases = plan.quick_plan() if a.quick else plan.full_plan()
    decode = decode_cost.measure(20 if a.quick else plan.DECODES)  # before any child runs
    print('decode       ' + ', '.join(f'{k} {v["median_ms"]:.3f} ms' for k, v in
                                      decode['decoders'].items() if v)
          + f' per {decode["size"]} frame (node uses {decode["node_decoder"]})')
    results = {phase: combine(runs) for phase, runs in run(phases, a.domain).items()}
    sizes = {c.size for cases in phases.values() for c in cases} | {'VGA'}
    results.update(
        machine=machine.describe(), domain=a.domain, quick=a.quick, decode=decode,
        sweep_fps=plan.SWEEP_FPS, frame_bytes={s: frame_bytes(s) for s in sizes},
        date=datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%d %H:%M UTC'),
        duration_s=time.monotonic() - started)
    os.makedirs(a.out, exist_ok=True)
    report.write(os.path.join(a.out, 'benchmarks.md'), results)
    plot.write(os.path.join(a.out, 'benchmarks.png'), results)
    if a.json:
        with open(a.json, 'w') as f:
            json.dump(results, f, default=_jsonable, indent=1)
    print(f'wrote {a.out}/benchmarks.md and benchmarks.png in '
          f'{time.monotonic() - started:.0f} s')
    return 0


if __name__ == '__main__':
    sys.exit(main())
