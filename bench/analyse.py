"""Turn a capture log and receive records into latency, loss and stamp-error numbers."""

from typing import Dict, List

import numpy as np


def read_capture_log(path: str) -> Dict[int, int]:
    """Sequence -> emulator wall-clock ns at capture (the emulator sends right after)."""
    times: Dict[int, int] = {}
    with open(path) as f:
        for line in f:
            parts = line.split()
            if len(parts) == 2:
                times[int(parts[0])] = int(parts[1])
    return times


def percentile(values, q: float) -> float:
    """Return the q-th percentile, NaN when there are no values."""
    return float(np.percentile(values, q)) if len(values) else float('nan')


def window_stats(captures: Dict[int, int], records: List[np.ndarray], t0_ns: int,
                 t1_ns: int) -> dict:
    """
    Statistics of the frames captured in [t0, t1], over every subscriber's records.

    Loss counts frames captured in the window that a subscriber never received,
    whatever dropped them (emulator flow control because the subject read too slowly,
    the subject, or DDS).
    """
    in_window = {s: t for s, t in captures.items() if t0_ns <= t <= t1_ns}
    latencies, stamp_errors, delivered = [], [], []
    for rows in records:
        seen = set()
        for seq, recv, stamp in rows:
            capture = in_window.get(int(seq))
            if capture is None or seq in seen:
                continue
            seen.add(int(seq))
            latencies.append(recv - capture)
            if stamp:
                stamp_errors.append(stamp - capture)
        delivered.append(len(seen))
    lat_ms = np.array(latencies, dtype=np.float64) / 1e6
    err_ms = np.abs(np.array(stamp_errors, dtype=np.float64)) / 1e6
    captured = len(in_window)
    return {
        'captured': captured,
        'delivered': max(delivered) if delivered else 0,
        'lost': sum(captured - d for d in delivered),
        'latency_ms': lat_ms,
        'lat_p50': percentile(lat_ms, 50), 'lat_p99': percentile(lat_ms, 99),
        'stamp_err_p50': percentile(err_ms, 50), 'stamp_err_p99': percentile(err_ms, 99),
    }


SUMMED = ('captured', 'delivered', 'lost', 'raw_received')
KEY = ('subject', 'fps', 'size', 'subscribers', 'capture_latency_ms', 'raw_subscribers')


def combine(runs: List[dict]) -> List[dict]:
    """
    Merge repeats of the same case: medians of per-repeat numbers, counts summed.

    A median keeps one window disturbed by other work on the shared machine from
    deciding the result; the per-repeat CPU values are kept to show the spread.
    """
    groups: Dict[tuple, List[dict]] = {}
    for r in runs:
        groups.setdefault(tuple(r.get(k) for k in KEY), []).append(r)
    merged = []
    for group in groups.values():
        out = dict(group[0])
        for key, value in group[0].items():
            if isinstance(value, float):
                out[key] = float(np.median([r[key] for r in group]))
        for key in SUMMED:
            if key in out:
                out[key] = sum(r[key] for r in group)
        out['latency_ms'] = np.concatenate([r['latency_ms'] for r in group])
        out['cpu_repeats'] = [r['cpu_ms_per_frame'] for r in group]
        out['lat_p99_repeats'] = [r['lat_p99'] for r in group]
        if 'raw_latency_ms' in out:
            out['raw_latency_ms'] = np.concatenate([r['raw_latency_ms'] for r in group])
        merged.append(out)
    return merged
