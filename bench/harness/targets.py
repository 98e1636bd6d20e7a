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


def _out_of_reach(bound_ms: float, floor: Optional[dict], minimal: Optional[dict]) -> str:
    """
    Say whether a CPU bound is below what the least possible relay costs here.

    The proof that a bound is out of reach: the minimal relay (one receive and one
    publish per frame, nothing else) and publishing alone, measured in the same run.
    """
    if floor is None or minimal is None:
        return ''
    least, publish = minimal['cpu_ms_per_frame'], floor['cpu_ms_per_frame']
    if least <= bound_ms:
        return (f'; the minimal relay costs {least:.3f} ms (publishing alone {publish:.3f}): '
                f'within the bound, which leaves {bound_ms - least:.3f} ms per frame for '
                'everything a camera driver does beyond relaying')
    return (f'; out of reach here: the bound, {bound_ms:.3f} ms, is below what the minimal '
            f'relay costs ({least:.3f} ms: one receive and one publish per frame, nothing '
            f'else; publishing alone {publish:.3f} ms)')


def _extras(node: dict, minimal: Optional[dict]) -> str:
    """Say what the node spends beyond the minimal relay, by thread."""
    parts = node.get('cpu_by_thread')
    if not parts or minimal is None or not minimal.get('cpu_by_thread'):
        return ''
    least = minimal['cpu_ms_per_frame']
    link = parts.get('ws_link', 0.0)
    relay_main = minimal['cpu_by_thread'].get('main thread, executor, other', 0.0)
    return (f'; the node costs {node["cpu_ms_per_frame"] - least:.3f} ms more than the '
            f'minimal relay: {link:.3f} ms in its ws_link thread against {relay_main:.3f} '
            'ms in the main thread of the minimal relay (checks, capture-time stamp, '
            f'camera_info), {parts.get("diagnostics", 0.0):.3f} ms per frame for its 1 Hz '
            'diagnostics and pings (see the floor section)')


def _losses(r: dict) -> str:
    """Say how many frames went missing, and where (see analyse.window_stats)."""
    text = f'{r["lost"]} of {r["captured"]} lost'
    if r['lost'] and r.get('skipped') is not None:
        text += (f' ({r["skipped"]} never sent: the emulator skips a frame while the '
                 f'previous one is unread; {r["lost_in_subject"]} lost after receipt)')
    return text


def check(results: dict) -> List[Verdict]:
    """Evaluate every target that the run measured."""
    node, relay = _find(results, 'main', 'node'), _find(results, 'main', 'relay')
    out = []
    if node and relay:
        floor, minimal = _find(results, 'main', 'floor'), _find(results, 'main', 'socket')
        ratio = node['cpu_ms_per_frame'] / relay['cpu_ms_per_frame']
        out.append(Verdict('CPU per frame at 20 fps VGA <= 0.6 x bare relay',
                           f'{ratio:.2f} x ({node["cpu_ms_per_frame"]:.3f} vs '
                           f'{relay["cpu_ms_per_frame"]:.3f} ms)'
                           + (f'; the minimal relay itself is at '
                              f'{minimal["cpu_ms_per_frame"] / relay["cpu_ms_per_frame"]:.2f} x'
                              if minimal else '')
                           + _out_of_reach(0.6 * relay['cpu_ms_per_frame'], floor, minimal)
                           + _extras(node, minimal),
                           ratio <= 0.6))
        out.append(Verdict('CPU per frame at 20 fps VGA <= 0.3 ms',
                           f'{node["cpu_ms_per_frame"]:.3f} ms'
                           + _out_of_reach(0.3, floor, minimal),
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
        measured = (f'{r["offered_fps"]:.0f} fps captured; {_losses(r)}'
                    + ''.join(f'; {label}: {_losses(o)}' for label, o in others if o))
        direct = others[1][1]
        # Frames the emulator skipped for the plain client too are the emulator's own
        # jitter, not the node's: the target is then undecided rather than failed.
        emulator_drops = direct is not None and direct['lost'] > 0
        out.append(Verdict('>= 1000 frames/s (~20 KB) to one reliable subscriber, no loss',
                           measured, True if r['lost'] == 0 else
                           (None if emulator_drops and not r.get('lost_in_subject')
                            else False)))
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
