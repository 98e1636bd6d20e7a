"""Turn a capture log and receive records into latency, loss and stamp-error numbers."""

from typing import Dict, List, Optional, Set

import numpy as np


def percentile(values, q: float) -> float:
    """Return the q-th percentile, NaN when there are no values."""
    return float(np.percentile(values, q)) if len(values) else float('nan')


def window_stats(captures: Dict[int, int], records: List[np.ndarray], t0_ns: int,
                 t1_ns: int, skipped: Optional[Set[int]] = None) -> dict:
    """
    Statistics of the frames captured in [t0, t1], over every subscriber's records.

    ``lost`` counts frames captured in the window that a subscriber never received,
    whatever dropped them. ``skipped`` (when the emulator served this subject alone)
    are the ones among them it never sent, because the subject had not taken the
    previous frame yet (the device's flow control); ``lost_in_subject`` is the rest:
    frames the subject received and did not deliver (the subject or DDS dropped them).
    """
    in_window = {s: t for s, t in captures.items() if t0_ns <= t <= t1_ns}
    not_sent = len(in_window.keys() & skipped) if skipped is not None else 0
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
        'skipped': not_sent if skipped is not None else None,
        'lost_in_subject': (sum(captured - not_sent - d for d in delivered)
                            if skipped is not None else None),
        'latency_ms': lat_ms,
        'lat_p50': percentile(lat_ms, 50), 'lat_p99': percentile(lat_ms, 99),
        'stamp_err_p50': percentile(err_ms, 50), 'stamp_err_p99': percentile(err_ms, 99),
    }


SUMMED = ('captured', 'delivered', 'lost', 'skipped', 'lost_in_subject', 'raw_received')
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
            if out.get(key) is not None:
                out[key] = sum(r[key] for r in group)
        out['latency_ms'] = np.concatenate([r['latency_ms'] for r in group])
        out['cpu_repeats'] = [r['cpu_ms_per_frame'] for r in group]
        if all('cpu_by_thread' in r for r in group):
            parts = {k for r in group for k in r['cpu_by_thread']}
            out['cpu_by_thread'] = {k: float(np.median([r['cpu_by_thread'].get(k, 0.0)
                                                        for r in group])) for k in parts}
        out['lat_p99_repeats'] = [r['lat_p99'] for r in group]
        if 'raw_latency_ms' in out:
            out['raw_latency_ms'] = np.concatenate([r['raw_latency_ms'] for r in group])
        merged.append(out)
    return merged
