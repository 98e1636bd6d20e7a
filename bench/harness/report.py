"""Write docs/benchmarks.md from one run's results (every number comes from the run)."""

import math
from typing import List

from bench.harness.analyse import percentile
from bench.harness.case import PRE_ENCODED
from bench.harness.lineup import BRIDGE, DIRECT, FLOOR, NODE, RELAY, SOCKET
from bench.harness.targets import check, max_lossless_fps

LABELS = {s.name: s.label for s in (NODE, RELAY, BRIDGE, SOCKET, FLOOR, DIRECT)}


def _f(value, digits: int = 2) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return '–'
    return f'{value:.{digits}f}'


def _table(header: List[str], rows: List[List[str]]) -> List[str]:
    lines = ['| ' + ' | '.join(header) + ' |', '|' + '---|' * len(header)]
    lines += ['| ' + ' | '.join(str(c) for c in row) + ' |' for row in rows]
    return lines + ['']


def _count(value) -> str:
    return '–' if value is None else str(value)


def _latency_cells(r: dict) -> List[str]:
    return [_f(r['lat_p50']), _f(r['lat_p99'])]


def _section_main(results: dict) -> List[str]:
    main = results.get('main', [])
    if not main:
        return []
    fps = main[0]['fps']
    rows = [[LABELS[r['subject']], _f(r['cpu_ms_per_frame'], 3),
             ' / '.join(_f(v, 3) for v in r['cpu_repeats']), _f(r['cpu_pct']),
             _f(r['cpu_pct_psutil'], 1), *_latency_cells(r), r['delivered'], r['lost'],
             _f(r['rss_mb'], 1), _f(r['machine_busy_pct'], 0)] for r in main]
    return [f'## Side by side: {fps:g} fps, {main[0]["size"]}, one reliable subscriber', '',
            *_table(['subject', 'CPU ms/frame (median)', 'per repeat', 'CPU % of one core',
                     'CPU % (psutil, 10 ms ticks)', 'latency p50 ms', 'latency p99 ms',
                     'frames (all repeats)', 'lost', 'RSS MB', 'machine busy %'], rows),
            'Latency is from the emulator capturing a frame (it sends it at once) to the '
            'subscriber process receiving it; the plain WebSocket client row is the '
            'emulator and loopback TCP alone, with no ROS; the publish-only floor receives '
            'nothing (no latency). Node and relay windows are '
            'interleaved; each figure is the median over the repeats. "machine busy %" is '
            'the whole machine (all processes, of 200 %) during the window, which is shared '
            'with the tests of other people.', '']


def _section_raw(results: dict) -> List[str]:
    decode, runs = results.get('decode'), results.get('raw', [])
    if not decode and not runs:
        return []
    lines = ['## Raw images (image_raw)', '']
    if decode:
        rows = [[name, _f(d['median_ms'], 3), _f(d['p90_ms'], 3),
                 'yes' if name == decode['node_decoder'] else 'no'] if d else
                [name, 'not installed', '–', 'no'] for name, d in decode['decoders'].items()]
        lines += [f'Decode cost of one {decode["size"]} emulator frame '
                  f'({decode["frame_bytes"] / 1024:.1f} KB JPEG) to bgr8 pixels, in the '
                  f'benchmark process before any case ran ({decode["count"]} decodes each):',
                  '', *_table(['decoder', 'median ms', 'p90 ms', 'used by the node'], rows)]
    runs = sorted(runs, key=lambda r: r['raw_subscribers'])
    if runs:
        rows = []
        for r in runs:
            lat, raw = r['latency_ms'], r.get('raw_latency_ms', [])
            rows.append(['yes' if r['raw_subscribers'] else 'no', _f(percentile(lat, 50)),
                         _f(percentile(lat, 99)),
                         ' / '.join(_f(v) for v in r['lat_p99_repeats']),
                         _f(r['cpu_ms_per_frame'], 3),
                         ' / '.join(_f(v, 3) for v in r['cpu_repeats']), _f(r['cpu_pct'], 1),
                         r['delivered'], r['lost'],
                         _f(percentile(raw, 50)) if r['raw_subscribers'] else '–',
                         _f(percentile(raw, 99)) if r['raw_subscribers'] else '–',
                         _f(r.get('raw_fps'), 1) if r['raw_subscribers'] else '–',
                         _f(r['rss_mb'], 1)])
        lines += [f'The camera node at {runs[0]["fps"]:g} fps {runs[0]["size"]} with one '
                  'subscriber on `image_raw/compressed`, without and with a second subscriber '
                  'process on `image_raw` (`publish_raw` is `lazy`: the node decodes only '
                  'while image_raw has a subscriber). The two cases are interleaved. Latency '
                  'percentiles are over every frame of all repeats (p99 of each repeat '
                  'beside it); CPU is the median over the repeats.', '',
                  *_table(['image_raw subscriber', 'compressed latency p50 ms',
                           'compressed latency p99 ms', 'p99 per repeat',
                           'node CPU ms/frame (median)',
                           'per repeat', 'node CPU %', 'compressed frames', 'lost',
                           'raw latency p50 ms', 'raw latency p99 ms', 'raw received fps',
                           'RSS MB'], rows),
                  'Compressed latency is from capture to the subscriber receiving the frame. '
                  'Raw latency is from header.stamp (the capture time, through the clock '
                  'sync) to the raw subscriber receiving the decoded image, so it includes '
                  'the decode, building and publishing the 900 KB message and its transport; '
                  '"node CPU ms/frame" is all threads of the node (the decoder included) per '
                  'compressed frame delivered.', '']
    return lines


def _section_stamp(results: dict) -> List[str]:
    rows = [[LABELS[r['subject']], _f(r['capture_latency_ms'], 0), _f(r['stamp_err_p50']),
             _f(r['stamp_err_p99']), _f(r['lat_p50']), r['delivered']]
            for r in results.get('stamp', [])]
    if not rows:
        return []
    return ['## Timestamp error (header.stamp against the true capture time)', '',
            *_table(['subject', 'capture-to-send delay ms', '|error| p50 ms',
                     '|error| p99 ms', 'latency p50 ms (includes the delay)', 'frames'],
                    rows),
            'An arrival-time stamp would be wrong by the whole capture-to-send delay; the '
            "node maps the frame's device capture time through its clock sync.", '']


def _section_rate(results: dict) -> List[str]:
    runs = sorted((r for phase in ('main', 'rate', 'long') for r in results.get(phase, [])
                   if r['subject'] != 'floor'), key=lambda r: (r['subject'], r['offered_fps']))
    long_ids = {id(r) for r in results.get('long', [])}
    rows = [[LABELS[r['subject']] + (' (long run)' if id(r) in long_ids else ''),
             _f(r['fps'], 0), _f(r['offered_fps'], 0),
             _f(r['delivered_fps'], 0), r['lost'], _count(r.get('skipped')),
             _count(r.get('lost_in_subject')), _f(r['cpu_ms_per_frame'], 3),
             _f(r['cpu_pct'], 1), *_latency_cells(r), _f(r['emulator_cpu_pct'], 1)]
            for r in runs]
    if not rows:
        return []
    return ['## Frame rate (VGA, one subscriber)', '',
            *_table(['subject', 'requested fps', 'sent fps', 'delivered fps', 'lost',
                     'of which never sent', 'of which lost after receipt', 'CPU ms/frame',
                     'CPU %', 'latency p50 ms', 'latency p99 ms', 'emulator CPU %'], rows),
            'Highest rate relayed with no loss in this run: ' + ', '.join(
                f'{LABELS[s]} {r["delivered_fps"]:.0f} fps' for s in ('node', 'relay', 'bridge')
                for r in [max_lossless_fps(results, s)] if r) + '.', '',
            '"sent" is what the emulator captured and offered in the window. "lost" is '
            'every one of those a subscriber did not receive. Like the device, the '
            'emulator keeps one frame in flight per client and skips a frame while the '
            'previous one is still unread (in the socket buffers): those are "never sent" '
            '(the subject fell behind for a moment, or the emulator did: the plain '
            'WebSocket client rows show how many it skips by itself). "Lost after '
            'receipt" are frames the subject received and its subscriber never got. When two '
            'subjects share the emulator (long run), the node is told apart by its '
            'User-Agent. '
            + _long_run_note(results.get('long', [])), '']


def _long_run_note(long: List[dict]) -> str:
    if not long:
        return ''
    note = (f'The long-run rows are node and relay fed at once by one emulator at '
            f'{long[0]["fps"]:.0f} fps: they share the 2 cores with each other, their '
            'subscribers and the emulator')
    if all(r.get('lost_in_subject') == 0 for r in long):
        note += ('; all they lose there is back-pressure (frames the emulator never sent '
                 'while they were behind), none after receipt')
    return note + '.'


def _section_size(results: dict) -> List[str]:
    sizes = results.get('frame_bytes', {})
    runs = results.get('size', []) + [r for r in results.get('rate', [])
                                      if r['fps'] == results.get('sweep_fps')
                                      and r['subject'] != 'direct']
    order = {'QQVGA': 0, 'QVGA': 1, 'VGA': 2, 'SVGA': 3, 'XGA': 4}
    runs.sort(key=lambda r: (r['subject'], order.get(r['size'], 9)))
    rows = [[LABELS[r['subject']], r['size'], _f(sizes.get(r['size'], 0) / 1024, 1),
             _f(r['fps'], 0), _f(r['cpu_ms_per_frame'], 3), _f(r['cpu_pct'], 1),
             *_latency_cells(r), r['lost']] for r in runs]
    if not results.get('size'):
        return []
    return ['## Frame size', '',
            *_table(['subject', 'frame size', 'mean frame KB', 'fps', 'CPU ms/frame', 'CPU %',
                     'latency p50 ms', 'latency p99 ms', 'lost'], rows)]


def _section_subscribers(results: dict) -> List[str]:
    runs = results.get('subscribers', []) + [
        r for r in results.get('rate', []) if r['fps'] == results.get('sweep_fps')
        and r['size'] == 'VGA' and r['subject'] != 'direct']
    if not results.get('subscribers'):
        return []
    runs.sort(key=lambda r: (r['subject'], r['subscribers']))
    rows = [[LABELS[r['subject']], r['subscribers'], _f(r['fps'], 0),
             _f(r['cpu_ms_per_frame'], 3), _f(r['cpu_pct'], 1), *_latency_cells(r), r['lost']]
            for r in runs]
    return ['## Subscribers (VGA; each subscriber is its own process)', '',
            *_table(['subject', 'subscribers', 'fps', 'CPU ms/frame', 'CPU %',
                     'latency p50 ms (all)', 'latency p99 ms (all)', 'lost (all)'], rows)]


def _section_long(results: dict) -> List[str]:
    rows = []
    for r in results.get('long', []):
        start = r['rss_samples'][0][1] / 2**20
        rows.append([LABELS[r['subject']], r['delivered'], _f(r['delivered_fps'], 0),
                     r['lost'], _f(start, 1), _f(r['rss_mb'], 1), f'{r["rss_growth_mb"]:+.2f}',
                     _f(r['cpu_ms_per_frame'], 3), *_latency_cells(r)])
    if not rows:
        return []
    return ['## Memory over a long run (one emulator feeding node and relay at once)', '',
            *_table(['subject', 'frames delivered', 'fps', 'lost', 'RSS start MB',
                     'RSS end MB', 'growth MB', 'CPU ms/frame', 'latency p50 ms',
                     'latency p99 ms'], rows),
            'The OpenCV bridge is not in this run: it relays a few hundred VGA frames a '
            'second at most (see the frame-rate table), so 100k frames would take minutes '
            'on their own; its memory is in the other tables (RSS columns).', '',
            *(['Frames were lost in this run: two relays, their subscribers and the '
               'emulator share 2 cores at the top rate of the emulator; a relay that falls '
               'a few frames behind has frames skipped by the device flow control, and a '
               'publisher keeps only `qos_depth` (5) unacknowledged frames for a subscriber '
               'that falls behind. The single-subject rows of the frame-rate table are the '
               'loss test.', '']
              if any(r['lost'] for r in results['long']) else [])]


def _section_floor(results: dict) -> List[str]:
    floor = [r for r in results.get('main', []) if r['subject'] == 'floor']
    if not floor:
        return []
    main = {r['subject']: r for r in results['main']}
    rows = [[LABELS[name], _f(r['cpu_ms_per_frame'], 3), _f(r['cpu_pct'])]
            for name, r in main.items() if name in ('floor', 'socket', 'relay', 'node')]
    lines = ['## Floor: what the least possible relay costs (same runs as above)', '',
             *_table(['process', 'CPU ms/frame (median)', 'CPU % of one core'], rows),
             f'`bench/subjects/publish_floor.py` publishes pre-serialised '
             f'{floor[0]["frame_bytes"] / 1024:.1f} KB frames (the mean VGA size; bytes are '
             'the cheapest thing rclpy can publish) to one reliable subscriber, woken by a '
             'sleep, and receives nothing (a timer wake-up costs more than a socket one on '
             'this machine, so it can come out above the minimal relay; it is there for '
             'the publish() timing below). `bench/subjects/socket_relay.py` is the least a '
             'relay can do per frame: one blocking receive of the WebSocket frame and that same '
             'publish, with no checks, no camera_info, no executor. The camera node reads '
             'frames the same way (its link is built like this) and adds what a camera '
             'driver needs: frame validation, the capture-time stamp, camera_info, and an '
             'executor for its services, parameters and diagnostics.', '']
    lines += _breakdown(main)
    cost = floor[0].get('publish_us') or {}
    if cost.get('paced_us') and cost.get('burst_us'):
        lines += [f'Why a frame costs this much at {floor[0]["fps"]:g} fps: in the same '
                  f'process, one `publish()` of that frame costs **{cost["paced_us"]:.0f} µs** '
                  f'of CPU after the sleep between frames, but **{cost["burst_us"]:.0f} µs** '
                  'back to back (medians; 200 calls in a row, same subscriber). At 20 fps '
                  'every frame pays the cold call (caches, and the Fast DDS threads it wakes, '
                  'have gone cold in between): most of the floor is there, below Python, in '
                  'rclpy and Fast DDS on this virtual machine.', '']
    return lines


def _breakdown(main: dict) -> List[str]:
    """Where each process's CPU per frame went, by thread (bench/cpu.thread_group)."""
    names = [n for n in ('node', 'socket', 'relay') if main.get(n, {}).get('cpu_by_thread')]
    if not names:
        return []
    parts = sorted({p for n in names for p in main[n]['cpu_by_thread']},
                   key=lambda p: -max(main[n]['cpu_by_thread'].get(p, 0.0) for n in names))
    rows = [[p] + [_f(main[n]['cpu_by_thread'].get(p), 3) if p in main[n]['cpu_by_thread']
                   else '–' for n in names] for p in parts]
    rows.append(['**total**'] + [_f(main[n]['cpu_ms_per_frame'], 3) for n in names])
    return ['Where the CPU goes, ms per frame by thread (medians over the repeats; the node '
            'names its threads, so `top -H` shows the same): `ws_link` receives, checks, '
            'stamps and publishes each frame and its camera_info; `diagnostics` publishes '
            '/diagnostics and sends the clock-sync PING once a second; Fast DDS runs its '
            'own threads; the main thread of the relays does all their work, and the '
            "node's main thread is its executor (services and parameters), idle here.", '',
            *_table(['thread'] + [LABELS[n] for n in names], rows)]


def _section_emulator(results: dict) -> List[str]:
    if not results.get('long'):
        return []
    r = results['long'][0]
    if r['offered_fps'] >= 0.9 * r['fps']:
        verdict = ('it kept up, 100 times the rate of the camera (above 500 fps, where one '
                   'sleep of its event loop outlasts a frame interval, it captures the few '
                   'frames that fell due meanwhile instead of skipping them)')
    elif r['emulator_cpu_pct'] >= 80:
        verdict = 'it ran out of CPU'
    else:
        verdict = ('it is not CPU-bound (its frame loop sleeps once per frame, and each sleep '
                   'lasts at least a timer tick), so it cannot send faster whatever the CPU')
    return ['## Can the emulator send fast enough?', '',
            f'Asked for {r["fps"]:.0f} fps in the long run (two clients), the emulator sent '
            f'{r["offered_fps"]:.0f} fps using {r["emulator_cpu_pct"]:.0f} % of one core: '
            f'{verdict}. Near 1000 fps and above it also skips a frame now and then for a '
            'client that has not taken the previous one yet (see the plain WebSocket client '
            'rows).', '']


def write(path: str, results: dict) -> None:
    """Write the whole report."""
    machine = results['machine']
    lines = ['# Benchmarks', '',
             f'Generated by `make bench` (`python -m bench.run_bench`) on {results["date"]}; '
             f'the run took {results["duration_s"]:.0f} s. Every number below comes from that '
             'run; regenerate instead of editing.', '',
             '## Machine', '', *_table(['', ''], [[k, v] for k, v in machine.items()]),
             'CPU figures are per process: "CPU %" is percent of **one** core of the '
             f'{machine["cores"]}; "CPU ms/frame" is the CPU time of the process over the window '
             'divided by the frames it relayed (idle costs such as timers are included). '
             'CPU time is read from /proc/<pid>/task/*/schedstat (ns); the tick-based psutil '
             'value is shown beside it where it matters. Every case starts fresh processes: '
             f'emulator (`--pre-encoded {PRE_ENCODED}`), subject, subscriber(s), each in its own '
             f'process, on DDS domain {results["domain"]} (localhost only).', '',
             '![latency and CPU per frame](benchmarks.png)', '']
    verdicts = [] if results['quick'] else check(results)
    if verdicts:
        rows = [[v.target, v.measured,
                 {True: 'pass', False: '**FAIL**', None: 'undecided (emulator drops)'}[v.passed]]
                for v in verdicts]
        lines += ['## Targets (camera node, this run)', '',
                  *_table(['target', 'measured', 'result'], rows)]
    for section in (_section_main, _section_floor, _section_raw, _section_stamp, _section_rate,
                    _section_emulator, _section_size, _section_subscribers, _section_long):
        lines += section(results)
    lines += results.get('notes', [])
    with open(path, 'w') as f:
        f.write('\n'.join(lines).rstrip() + '\n')
