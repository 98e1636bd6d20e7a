"""mypy over the package and camera_testkit (settings in setup.cfg, [mypy])."""

import os
import sys

from camera_testkit.processes import ROOT
from mypy import api
import pytest


@pytest.mark.linter
@pytest.mark.mypy
def test_mypy():
    config = os.path.join(ROOT, 'setup.cfg')
    # One cache per venv: Kilted's and Jazzy's rclpy differ in their types.
    cache = os.path.join(ROOT, 'build', 'mypy-cache', os.path.basename(sys.prefix))
    stdout, stderr, status = api.run(['--config-file', config, '--cache-dir', cache,
                                      os.path.join(ROOT, 'esp32_drone_camera'),
                                      os.path.join(ROOT, 'camera_testkit')])
    assert status == 0, f'mypy found type errors:\n{stdout}{stderr}'
