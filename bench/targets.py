"""The issue's targets for the camera node, checked against one run's numbers."""

from typing import List, NamedTuple, Optional


class Verdict(NamedTuple):
    """One target: what it asks, what was measured, whether it passed."""

    target: str
    measured: str
    passed: Optional[bool]  # None: not measured in this run


def _find(results: dict, phase: str, subject: str, **match) -> Optional[dict]:
    for r in results.get(phase, []):
        if r['subject'] == subject and all(r[k] == v for k, v in match.items()):
            return r
    return None


def max_lossless_fps(results: dict, subject: str) -> Optional[dict]:
    """Return the case with the highest delivered rate and no lost frame."""
    runs = [r for phase in ('rate', 'long', 'main') for r in results.get(phase, [])
            if r['subject'] == subject and r['lost'] == 0 and r['size'] == 'VGA'
            and r['subscribers'] == 1]
    return max(runs, key=lambda r: r['delivered_fps'], default=None)


def check(results: dict) -> List[Verdict]:
    """Evaluate every target that the run measured."""
    node, relay = _find(results, 'main', 'node'), _find(results, 'main', 'relay')
    out = []
    if node and relay:
        ratio = node['cpu_ms_per_frame'] / relay['cpu_ms_per_frame']
        out.append(Verdict('CPU per frame at 20 fps VGA <= 0.6 x bare relay',
                           f'{ratio:.2f} x ({node["cpu_ms_per_frame"]:.3f} vs '
                           f'{relay["cpu_ms_per_frame"]:.3f} ms)', ratio <= 0.6))
        out.append(Verdict('CPU per frame at 20 fps VGA <= 0.3 ms',
                           f'{node["cpu_ms_per_frame"]:.3f} ms',
                           node['cpu_ms_per_frame'] <= 0.3))
        out.append(Verdict('added latency p50 <= 1.5 ms at 20 fps',
                           f'{node["lat_p50"]:.2f} ms', node['lat_p50'] <= 1.5))
        out.append(Verdict('added latency p99 <= 3 ms at 20 fps',
                           f'{node["lat_p99"]:.2f} ms', node['lat_p99'] <= 3.0))
        ratio = node['lat_p99'] / relay['lat_p99']
        out.append(Verdict('latency p99 <= 1.1 x bare relay',
                           f'{ratio:.2f} x ({node["lat_p99"]:.2f} vs {relay["lat_p99"]:.2f} ms)',
                           ratio <= 1.1))
    best = max_lossless_fps(results, 'node')
    if 'rate' in results or 'long' in results:
        measured = 'no loss-free run' if best is None else (
            f'{best["delivered_fps"]:.0f} fps, 0 of {best["captured"]} lost')
        out.append(Verdict('>= 1000 frames/s (~20 KB) to one reliable subscriber, no loss',
                           measured, best is not None and best['delivered_fps'] >= 1000))
    long = _find(results, 'long', 'node')
    if long:
        out.append(Verdict('memory growth <= 2 MB over 100k frames',
                           f'{long["rss_growth_mb"]:+.2f} MB over {long["delivered"]} frames',
                           long['rss_growth_mb'] <= 2.0 and long['delivered'] >= 100_000))
    stamp = _find(results, 'stamp', 'node')
    if stamp:
        out.append(Verdict('timestamp error p99 <= 5 ms (capture latency 30 ms)',
                           f'{stamp["stamp_err_p99"]:.2f} ms (p50 {stamp["stamp_err_p50"]:.2f})',
                           stamp['stamp_err_p99'] <= 5.0))
    return out
