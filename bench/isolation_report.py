"""
The consumer-isolation bench's numbers: statistics, verdicts and markdown.

``bench/consumer_isolation.py`` measures; this module pools its windows per node
variant and case, judges the issue #14 bound (a disturbed case's compressed p99 at
most FACTOR x the same run's baseline p99 and at most CEILING_MS) and writes the
tables: one per run, and the ``make bench`` section that puts every distribution's
run (its JSON) into one table of docs/benchmarks.md.
"""

import json
import time
from typing import Dict, List, Optional

FACTOR, CEILING_MS = 2.0, 10.0  # the bound of issue #14
STOCK_LABEL = 'Fast DDS defaults'  # the node without its profile: the "before", not judged
CASE_ORDER = ('none', 'stalled', 'slow_raw', 'raw', 'slow')


def percentile(sorted_values: List[float], q: float) -> Optional[float]:
    """Return the nearest-rank q-th percentile of sorted values, None if empty."""
    if not sorted_values:
        return None
    rank = max(0, min(len(sorted_values) - 1, int(round(q / 100 * len(sorted_values))) - 1))
    return sorted_values[rank]


def latencies(records: List[tuple], t0: int, t1: int) -> List[float]:
    """Return the capture-to-receive latency in ms of each frame received in [t0, t1), sorted."""
    return sorted((recv - stamp) / 1e6 for recv, stamp in records if t0 <= recv < t1)


def summarise(windows: List[dict]) -> Dict[str, dict]:
    """Pool each (variant, case)'s windows: p50/p99 over all frames, and per window."""
    pooled: Dict[str, dict] = {}
    for w in windows:
        key = f'{w["variant"]}|{w["case"]}'
        entry = pooled.setdefault(key, {'variant': w['variant'], 'case': w['case'],
                                        'lat': [], 'windows': []})
        entry['lat'].extend(w['latencies_ms'])
        entry['windows'].append(w)
    out = {}
    for key, e in pooled.items():
        lat = sorted(e['lat'])
        seconds = sum((w['t1'] - w['t0']) / 1e9 for w in e['windows'])
        out[key] = {
            'variant': e['variant'], 'case': e['case'], 'frames': len(lat),
            'fps': len(lat) / seconds if seconds else 0.0,
            'p50_ms': percentile(lat, 50), 'p99_ms': percentile(lat, 99),
            'max_ms': lat[-1] if lat else None,
            'p99_per_window_ms': [w['p99_ms'] for w in e['windows']],
            'loadavg': [w['loadavg'] for w in e['windows']],
            'invalidated_per_s': sum(w['invalidated'] for w in e['windows']) / seconds,
            'machine_busy_pct': [w['machine_busy_pct'] for w in e['windows']]}
    return out


def verdicts(summary: Dict[str, dict], factor: float = FACTOR,
             ceiling_ms: float = CEILING_MS) -> list:
    """Check each disturbed case against its variant's baseline: p99 <= factor x, <= ceiling."""
    rows = []
    for s in summary.values():
        base = summary.get(f'{s["variant"]}|none')
        if s['case'] == 'none' or base is None or s['p99_ms'] is None:
            continue
        bound = min(factor * base['p99_ms'], ceiling_ms)
        rows.append({'variant': s['variant'], 'case': s['case'], 'p99_ms': s['p99_ms'],
                     'baseline_p99_ms': base['p99_ms'], 'bound_ms': bound,
                     'passed': s['p99_ms'] <= bound})
    return rows


def _fmt(value: Optional[float]) -> str:
    return '–' if value is None else f'{value:.2f}'


def markdown(summary: Dict[str, dict], checks: list, label: str) -> str:
    """Return the report table (one row per variant and case) and the bound's verdicts."""
    lines = ['| distro | node | other consumer | compressed p50 ms | compressed p99 ms | '
             'p99 per window | max ms | fps | frames | SHM buffers reused unread /s | '
             'load avg (1 min) | machine busy % |',
             '|---|---|---|---|---|---|---|---|---|---|---|---|']
    for s in summary.values():
        lines.append(
            f'| {label} | {s["variant"]} | {s["case"]} | {_fmt(s["p50_ms"])} | '
            f'{_fmt(s["p99_ms"])} | {" / ".join(_fmt(v) for v in s["p99_per_window_ms"])} | '
            f'{_fmt(s["max_ms"])} | {s["fps"]:.1f} | {s["frames"]} | '
            f'{s["invalidated_per_s"]:.1f} | '
            f'{" / ".join(f"{v:.1f}" for v in s["loadavg"])} | '
            f'{" / ".join(f"{v:.0f}" for v in s["machine_busy_pct"])} |')
    lines += ['', '| distro | node | other consumer | p99 ms | bound ms (min(2 x baseline, 10)) '
              '| result |', '|---|---|---|---|---|---|']
    for c in checks:
        verdict = 'pass' if c['passed'] else 'over'
        if c['variant'] != STOCK_LABEL and not c['passed']:
            verdict = '**FAIL**'
        lines.append(f'| {label} | {c["variant"]} | {c["case"]} | {c["p99_ms"]:.2f} | '
                     f'{c["bound_ms"]:.2f} | {verdict} |')
    return '\n'.join(lines)


# -- the make bench section: every distribution's run in one table ---------------------
SECTION_INTRO = """## One consumer must not hurt another

`bench/consumer_isolation.py` (issue #14): the compressed stream's capture-to-receive
latency at a healthy reliable subscriber (its own process) while the node streams VGA
at 20 fps from the emulator, in interleaved windows whose order rotates between
repeats: no other consumer (**none**, the baseline of the same run), one more reliable
subscriber of image_raw/compressed SIGSTOPped (**stalled**), and a reliable
`image_raw` subscriber that handles 5 of the 20 frames a second (**slow_raw**). Bound:
a disturbed case's p99 at most min(2 x its run's baseline p99, 10 ms). "as shipped" is
the node with `config/fastdds_camera.xml`; "Fast DDS defaults" is the node on Fast
DDS's default profile (the before, reported but not judged). The machine is shared:
the load average of each window is in the table, and a window's p99 per window shows
how much of a pooled p99 comes from one window.

Why the profile matters: an image_raw sample (~900 KB) is larger than Fast DDS's
default 512 KiB shared-memory segment, and a stalled subscriber's port pins up to 512
samples until Fast DDS declares it dead; either way the segment reuses buffers a
healthy subscriber has not read yet ("SHM buffers reused unread"), which then wait
for the reliable repair. The 16 MiB segment leaves room for both. What a stalled
subscriber still costs is Fast DDS recreating its dead port on every send while it
stays matched (~0.5 ms of system calls in the publishing thread: the stalled p50
above the baseline's). On a saturated machine the baseline's own p99 passes 10 ms
(the scheduler's delay, not another consumer's): judge the ceiling at a low load
average."""


def load_runs(paths: List[str]) -> List[dict]:
    """Read the JSON files that runs of the bench wrote (one per distribution)."""
    runs = []
    for path in paths:
        with open(path, encoding='utf-8') as f:
            runs.append(json.load(f))
    return runs


def section(runs: List[dict]) -> str:
    """Return the docs/benchmarks.md section: every run's rows, its verdicts, its setup."""
    lines = [SECTION_INTRO, '',
             '| distro | node | other consumer | p50 ms | p99 ms | p99 per window | max ms | '
             'bound ms | result | SHM buffers reused unread /s | load avg per window |',
             '|---|---|---|---|---|---|---|---|---|---|---|']
    failed = []
    for run in runs:
        checks = {(c['variant'], c['case']): c for c in run['checks']}
        for s in sorted(run['summary'].values(), key=_row_order):
            check = checks.get((s['variant'], s['case']))
            if check is None:
                bound, result = '–', 'baseline' if s['case'] == 'none' else '–'
            else:
                bound = f'{check["bound_ms"]:.2f}'
                result = 'pass' if check['passed'] else (
                    'over' if s['variant'] == STOCK_LABEL else '**FAIL**')
                if result == '**FAIL**':
                    failed.append(f'{run["distro"]} {s["case"]}')
            lines.append(
                f'| {run["distro"]} | {s["variant"]} | {s["case"]} | {_fmt(s["p50_ms"])} | '
                f'{_fmt(s["p99_ms"])} | '
                f'{" / ".join(_fmt(v) for v in s["p99_per_window_ms"])} | '
                f'{_fmt(s["max_ms"])} | {bound} | {result} | {s["invalidated_per_s"]:.1f} | '
                f'{" / ".join(f"{v:.1f}" for v in s["loadavg"])} |')
    lines.append('')
    if failed:
        lines.append(f'**The bound failed** for: {", ".join(failed)}.')
    else:
        lines.append('The bound held for every judged case.')
    lines.append('')
    lines += [f'- {run["distro"]}: {run["seconds"]:.0f} s windows, {run["repeats"]} '
              f'repeat(s), nice {run["nice"]}, {run["took_s"]:.0f} s in all'
              f'{", " + run["date"] if run.get("date") else ""}.' for run in runs]
    return '\n'.join(lines)


def _row_order(s: dict) -> tuple:
    """Shipped node first, then the cases in the order the bench knows them."""
    return (s['variant'] == STOCK_LABEL, CASE_ORDER.index(s['case'])
            if s['case'] in CASE_ORDER else len(CASE_ORDER), s['case'])


def failures(runs: List[dict]) -> List[str]:
    """Return 'distro variant case' of every judged case over the bound."""
    return [f'{run["distro"]} {c["variant"]} {c["case"]}' for run in runs
            for c in run['checks'] if c['variant'] != STOCK_LABEL and not c['passed']]


def utc_now() -> str:
    """Return the time of a run, as the other generated sections write it."""
    return time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())
