"""
Smoke test of the benchmarks: every subject runs and yields sane numbers, in seconds.

It runs ``python -m bench.run_bench --quick`` as ``make bench`` runs the full version,
so the report and plot writers are exercised too; it writes into a temporary
directory, never into docs/.
"""

import json
import subprocess
import sys

from camera_testkit.processes import ROOT
import pytest

BENCH_DOMAIN = '67'  # explicit; topic names carry the run's pid, so sharing is harmless

pytestmark = pytest.mark.ros


@pytest.fixture(scope='module')
def quick_run(tmp_path_factory):
    """Run the quick benchmark once; return (results, output directory)."""
    out = tmp_path_factory.mktemp('bench')
    result = subprocess.run(
        [sys.executable, '-m', 'bench.run_bench', '--quick', '--out', str(out),
         '--json', str(out / 'results.json'), '--domain', BENCH_DOMAIN],
        cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
    with open(out / 'results.json') as f:
        return json.load(f), out


@pytest.mark.parametrize('subject', ['node', 'relay', 'bridge', 'direct'])
def test_every_subject_relays_with_sane_numbers(quick_run, subject):
    results, _ = quick_run
    (r,) = [r for r in results['main'] if r['subject'] == subject]
    assert r['delivered'] >= 0.8 * r['captured'] > 0
    assert 0 < r['cpu_ms_per_frame'] < 50
    assert 0 < r['cpu_pct'] < 200  # one process can use both cores at most
    assert 0 < r['lat_p50'] <= r['lat_p99'] < 1000
    assert 10 < r['rss_mb'] < 2000


def test_report_and_plot_are_written(quick_run):
    results, out = quick_run
    text = (out / 'benchmarks.md').read_text()
    assert results['machine']['CPU'] in text and 'camera node' in text
    assert (out / 'benchmarks.png').stat().st_size > 10_000


def test_raw_path_decodes_and_publishes(quick_run):
    results, out = quick_run
    decode = results['decode']
    assert decode['node_decoder'] in decode['decoders']
    assert all(0 < d['median_ms'] < 50 for d in decode['decoders'].values() if d)
    (r,) = [r for r in results['raw'] if r['subject'] == 'node']
    assert r['raw_subscribers'] == 1
    assert r['delivered'] >= 0.8 * r['captured'] > 0
    assert r['raw_received'] >= 0.5 * r['delivered']  # a busy decoder may skip a few
    assert 0 < r['raw_fps'] and 0 < r['raw_lat_p50'] < 1000
    assert 0 < r['cpu_ms_per_frame'] < 50
    assert 'Raw images (image_raw)' in (out / 'benchmarks.md').read_text()
