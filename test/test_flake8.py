"""ament's flake8 check (the ROS 2 style) over the package, launch, tests, bench, testkit."""

from ament_flake8.main import main_with_errors
import pytest

PATHS = ['esp32_drone_camera', 'launch', 'test', 'bench', 'camera_testkit', 'setup.py']


@pytest.mark.flake8
@pytest.mark.linter
def test_flake8():
    rc, errors = main_with_errors(argv=PATHS + ['--exclude', 'test/fake_launch'])
    assert rc == 0, f'Found {len(errors)} code style errors / warnings:\n' + '\n'.join(errors)
