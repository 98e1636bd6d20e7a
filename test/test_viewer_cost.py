"""Smoke test of bench/viewer_cost.py: it runs in seconds and its figures are sane."""

import json
import os
import subprocess
import sys

from camera_testkit.processes import ROOT
import pytest

pytestmark = pytest.mark.ros


def test_viewer_cost_runs_and_reports_sane_figures(tmp_path):
    out = subprocess.run(
        [sys.executable, '-m', 'bench.viewer_cost', '--out', str(tmp_path), '--seconds', '2',
         '--domain', os.environ['ROS_DOMAIN_ID']],
        cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stdout + out.stderr
    with open(tmp_path / 'viewer_cost.json') as f:
        r = json.load(f)
    assert r['served_frames'] >= 0.8 * r['published_frames'] > 20
    assert 0 < r['viewer_ms_per_served_frame'] < 50
    assert 0 < r['node_ms_per_published_frame'] < 50
    assert 0 < r['bare_subscriber']['ms_per_frame'] < 50
    assert r['extraction']['raw_slice_us'] < r['extraction']['deserialize_and_bytes_us']
    assert '| viewer | ' in out.stdout and '| camera node | ' in out.stdout
