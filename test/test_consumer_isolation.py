"""
One consumer must not hurt another (issue #14): the compressed tail at a healthy subscriber.

Real processes over DDS, as ``bench/consumer_isolation.py`` runs them (short windows
here; ``make bench`` runs the long ones on Jazzy and Kilted): the emulator, the camera
node, a healthy reliable subscriber of image_raw/compressed, and in turn no other
consumer, a SIGSTOPped reliable subscriber, and a slow image_raw subscriber. With Fast
DDS's default 512 KiB shared-memory segment the image_raw samples recycle the segment
and the healthy subscriber loses compressed frames until the reliable repair (p99
60-200 ms); the node's Fast DDS profile (esp32_drone_camera/dds_profile.py) prevents it.
"""

import json
import os
import xml.etree.ElementTree as ET

from bench import consumer_isolation as bench
from bench import isolation_report as report
from esp32_drone_camera import dds_profile
import pytest

WINDOW_S = 5.0
ROUNDS = 2  # every case twice, interleaved, its order rotated
# What a dead reader still costs, which no profile setting removes: while it stays
# matched Fast DDS recreates its shared-memory port on every send (~0.5 ms of system
# calls in the publishing thread), measured as up to +3.3 ms at p99 over a 1.7 ms
# baseline on an idle machine (Jazzy). The test tolerates it; make bench reports it.
DEAD_PORT_SLACK_MS = 5.0
_NS = '{http://www.eprosima.com/XMLSchemas/fastRTPS_Profiles}'


def shm_segments_mib(pid: int) -> list:
    """Return the sizes (MiB) of the Fast DDS shared-memory segments a process maps."""
    sizes = {}
    with open(f'/proc/{pid}/maps', encoding='ascii', errors='replace') as f:
        for line in f:
            fields = line.split()
            path = fields[-1] if len(fields) >= 6 else ''
            name = os.path.basename(path)
            if path.startswith('/dev/shm/') and name.startswith(('fastrtps_', 'fastdds_')) \
                    and 'port' not in name and not name.endswith('_el'):
                start, end = (int(v, 16) for v in fields[0].split('-'))
                sizes[name] = sizes.get(name, 0) + (end - start)
    return sorted(round(v / 2**20, 1) for v in sizes.values())


# -- the profile selection (no ROS) -----------------------------------------------------
def test_profile_is_selected_for_fast_dds_only_and_a_users_choice_wins():
    path = dds_profile.profile_path()
    assert os.path.isfile(path)
    for major, names in ((3, ['FASTDDS_DEFAULT_PROFILES_FILE']),
                         (2, ['FASTRTPS_DEFAULT_PROFILES_FILE'])):
        env = {}
        assert path in dds_profile.select(env, major)
        assert env == dict.fromkeys(names, path), major
    assert dds_profile.variables_for(None) == dds_profile.PROFILE_VARIABLES  # unknown: both
    # This install: the Fast DDS beside rmw_fastrtps is found (wheels and /opt/ros alike).
    assert dds_profile.fast_dds_major() in (2, 3)

    for name in dds_profile.PROFILE_VARIABLES + ('FASTDDS_BUILTIN_TRANSPORTS',):
        mine = {name: '/etc/my_profile.xml'}
        note = dds_profile.select(mine)
        assert mine == {name: '/etc/my_profile.xml'}, "overrode the user's DDS settings"
        assert 'keeping your' in note and name in note
    other = {'RMW_IMPLEMENTATION': 'rmw_cyclonedds_cpp'}
    dds_profile.select(other)
    assert other == {'RMW_IMPLEMENTATION': 'rmw_cyclonedds_cpp'}
    dynamic = {'RMW_IMPLEMENTATION': 'rmw_fastrtps_dynamic_cpp'}
    dds_profile.select(dynamic, 2)
    assert dynamic['FASTRTPS_DEFAULT_PROFILES_FILE'] == path


def test_profile_keeps_the_default_transports_with_a_bigger_segment():
    root = ET.parse(dds_profile.profile_path()).getroot()
    kinds = {d.find(_NS + 'transport_id').text: d for d in root.iter(_NS + 'transport_descriptor')}
    assert sorted(d.find(_NS + 'type').text for d in kinds.values()) == ['SHM', 'UDPv4']
    [shm] = [d for d in kinds.values() if d.find(_NS + 'type').text == 'SHM']
    assert int(shm.find(_NS + 'segment_size').text) == dds_profile.SEGMENT_MIB * 2**20
    [participant] = root.iter(_NS + 'participant')
    assert participant.get('is_default_profile') == 'true'
    used = [t.text for t in participant.iter(_NS + 'transport_id')]
    assert sorted(used) == sorted(kinds)
    assert participant.find(f'{_NS}rtps/{_NS}useBuiltinTransports').text == 'false'


# -- the make bench section (no ROS) ---------------------------------------------------
def _run(distro: str, stalled_p99: float, stock_stalled_p99: float) -> dict:
    windows = []
    for variant, p99 in (('as shipped', stalled_p99), (report.STOCK_LABEL, stock_stalled_p99)):
        for case, value in (('none', 4.0), ('stalled', p99)):
            lat = sorted([1.0] * 98 + [value] * 2)
            windows.append({'variant': variant, 'case': case, 't0': 0, 't1': 10**10,
                            'loadavg': 2.0, 'invalidated': 0, 'machine_busy_pct': 50.0,
                            'latencies_ms': lat, 'p99_ms': report.percentile(lat, 99)})
    summary = report.summarise(windows)
    return {'distro': distro, 'seconds': 8.0, 'repeats': 2, 'nice': -10, 'took_s': 120.0,
            'summary': summary, 'checks': report.verdicts(summary)}


def test_make_bench_section_has_every_distro_and_shows_a_failed_bound(tmp_path, capsys):
    paths = []
    for distro, stalled, stock in (('kilted', 5.0, 60.0), ('jazzy', 12.0, 90.0)):
        paths.append(str(tmp_path / f'{distro}.json'))
        with open(paths[-1], 'w', encoding='utf-8') as f:
            json.dump(_run(distro, stalled, stock), f)
    page = tmp_path / 'benchmarks.md'
    page.write_text('# Benchmarks\n', encoding='utf-8')
    assert bench.main(['--render', *paths, '--section-into', str(page)]) == 1
    assert 'BOUND FAILED for jazzy as shipped stalled' in capsys.readouterr().err
    assert bench.main(['--render', *paths, '--section-into', str(page), '--report-only']) == 0
    text = page.read_text(encoding='utf-8')
    assert text.count('<!-- bench.consumer_isolation: begin') == 1  # replaced, not appended
    rows = [line for line in text.splitlines() if line.startswith('| kilted') or
            line.startswith('| jazzy')]
    assert len(rows) == 8, rows  # 2 distros x 2 nodes x 2 cases
    result = {tuple(c.strip() for c in row.split('|')[1:4]): row.split('|')[9].strip()
              for row in rows}
    assert result[('kilted', 'as shipped', 'stalled')] == 'pass'
    assert result[('jazzy', 'as shipped', 'stalled')] == '**FAIL**'  # 12 > min(2 x 4, 10)
    assert result[('jazzy', report.STOCK_LABEL, 'stalled')] == 'over'  # the before: not judged
    assert result[('kilted', 'as shipped', 'none')] == 'baseline'
    assert '**The bound failed** for: jazzy stalled.' in text


# -- the bound, measured -----------------------------------------------------------------
@pytest.mark.ros
def test_stalled_or_slow_raw_consumer_does_not_hurt_the_compressed_tail(tmp_path):
    """
    Assert what a loaded shared CI machine lets a short run assert honestly.

    Harm from another consumer shows in every window it is present (the stock segment's
    losses: p99 60-200 ms in each); other work on the machine lands in one window or
    another. So each disturbed case's best window must stay within FACTOR x the worst
    baseline window of the same run (plus DEAD_PORT_SLACK_MS), every case measured
    ROUNDS times, interleaved. The issue's full bound (FACTOR x the pooled baseline and
    at most CEILING_MS, no slack) is judged by make bench, at nice -10 with longer
    windows (docs/benchmarks.md).
    """
    session = bench.Session(int(os.environ['ROS_DOMAIN_ID']), {}, str(tmp_path), 'test')
    cases = ['none', 'stalled', 'slow_raw']
    spans = []
    try:
        segments = shm_segments_mib(session.node.proc.pid)
        for rnd in range(ROUNDS):
            for case in cases[rnd:] + cases[:rnd]:
                spans.append(session.window(case, WINDOW_S))
    finally:
        records = session.close()
    assert segments and max(segments) >= dds_profile.SEGMENT_MIB, \
        f'the node maps no {dds_profile.SEGMENT_MIB} MiB Fast DDS segment: {segments} MiB'
    frames, p99s, reused = {}, {}, {}
    for span in spans:
        lat = bench.latencies(records, span['t0'], span['t1'])
        frames[span['case']] = frames.get(span['case'], 0) + len(lat)
        p99s.setdefault(span['case'], []).append(bench.percentile(lat, 99))
        reused[span['case']] = reused.get(span['case'], 0) + span['invalidated']
    text = '; '.join(f'{case}: {frames[case]} frames, p99 per window '
                     f'{" / ".join(f"{v:.1f}" for v in p99s[case])} ms' for case in cases)
    text += ' (load ' + ' / '.join(f'{s["loadavg"]:.1f}' for s in spans) + ')'
    # The cause, counted by Fast DDS itself (load-independent): shared-memory buffers
    # reused under pressure, unread ones among them. With the stock 512 KiB segment and
    # an image_raw subscriber: 20-60 a second on Kilted, 0-20 on Jazzy (measured); with
    # a stalled one, whose port pins up to 512 samples until Fast DDS declares it dead,
    # ~2 a second (p99 110-160 ms).
    assert reused['slow_raw'] == reused['stalled'] == 0, \
        f'Fast DDS reused unread shared-memory buffers: {reused}'
    allowed = report.FACTOR * max(p99s['none']) + DEAD_PORT_SLACK_MS
    for case in ('stalled', 'slow_raw'):
        assert frames[case] >= 0.85 * frames['none'], text
        assert min(p99s[case]) <= allowed, \
            f'{case}: compressed p99 above {allowed:.1f} ms in every window; {text}'
