"""The issue's targets for the camera node, checked against one run's numbers."""

from typing import List, NamedTuple, Optional


LABEL = {'relay': 'bare relay', 'direct': 'plain WebSocket client'}


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
    """Return the VGA, one-subscriber case with the highest rate and no lost frame."""
    runs = [r for phase in ('rate', 'long', 'main') for r in results.get(phase, [])
            if r['subject'] == subject and r['lost'] == 0 and r['size'] == 'VGA'
            and r['subscribers'] == 1]
    return max(runs, key=lambda r: r['delivered_fps'], default=None)


def _out_of_reach(bound_ms: float, floor: Optional[dict]) -> str:
    """Say when a CPU bound is below what publishing alone costs (the proof it is out of reach)."""
    if floor is None:
        return ''
    cost = floor['cpu_ms_per_frame']
    if cost <= bound_ms:
        return f'; publishing alone costs {cost:.3f} ms, within the bound'
    return (f'; out of reach here: the bound, {bound_ms:.3f} ms, is below what publishing '
            f'alone costs ({cost:.3f} ms), and the node must also receive every frame')


def check(results: dict) -> List[Verdict]:
    """Evaluate every target that the run measured."""
    node, relay = _find(results, 'main', 'node'), _find(results, 'main', 'relay')
    out = []
    if node and relay:
        floor = _find(results, 'main', 'floor')
        ratio = node['cpu_ms_per_frame'] / relay['cpu_ms_per_frame']
        out.append(Verdict('CPU per frame at 20 fps VGA <= 0.6 x bare relay',
                           f'{ratio:.2f} x ({node["cpu_ms_per_frame"]:.3f} vs '
                           f'{relay["cpu_ms_per_frame"]:.3f} ms)'
                           + _out_of_reach(0.6 * relay['cpu_ms_per_frame'], floor),
                           ratio <= 0.6))
        out.append(Verdict('CPU per frame at 20 fps VGA <= 0.3 ms',
                           f'{node["cpu_ms_per_frame"]:.3f} ms' + _out_of_reach(0.3, floor),
                           node['cpu_ms_per_frame'] <= 0.3))
        out.append(Verdict('added latency p50 <= 1.5 ms at 20 fps',
                           f'{node["lat_p50"]:.2f} ms', node['lat_p50'] <= 1.5))
        out.append(Verdict('added latency p99 <= 3 ms at 20 fps',
                           f'{node["lat_p99"]:.2f} ms', node['lat_p99'] <= 3.0))
        ratio = node['lat_p99'] / relay['lat_p99']
        out.append(Verdict('latency p99 <= 1.1 x bare relay',
                           f'{ratio:.2f} x ({node["lat_p99"]:.2f} vs {relay["lat_p99"]:.2f} ms)',
                           ratio <= 1.1))
    fast = [r for r in results.get('rate', []) if r['subject'] == 'node'
            and r['offered_fps'] >= 1000]
    if fast:
        r = max(fast, key=lambda r: r['offered_fps'])
        others = [(LABEL[name], _find(results, 'rate', name, fps=r['fps']))
                  for name in ('relay', 'direct')]
        measured = (f'{r["offered_fps"]:.0f} fps sent, {r["lost"]} of {r["captured"]} lost'
                    + ''.join(f'; {label}: {o["lost"]} of {o["captured"]}'
                              for label, o in others if o))
        direct = others[1][1]
        # A loss the plain client sees too is the emulator's: the target is then undecided.
        emulator_drops = direct is not None and direct['lost'] > 0
        out.append(Verdict('>= 1000 frames/s (~20 KB) to one reliable subscriber, no loss',
                           measured, True if r['lost'] == 0 else
                           (None if emulator_drops else False)))
    long = _find(results, 'long', 'node')
    if long:
        out.append(Verdict('memory growth <= 2 MB over 100k frames',
                           f'{long["rss_growth_mb"]:+.2f} MB over {long["captured"]} frames sent',
                           long['rss_growth_mb'] <= 2.0 and long['captured'] >= 100_000))
    stamp = _find(results, 'stamp', 'node')
    if stamp:
        out.append(Verdict('timestamp error p99 <= 5 ms (capture latency 30 ms)',
                           f'{stamp["stamp_err_p99"]:.2f} ms (p50 {stamp["stamp_err_p50"]:.2f})',
                           stamp['stamp_err_p99'] <= 5.0))
    return out
