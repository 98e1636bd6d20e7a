"""ament's pep257 docstring check."""

from ament_pep257.main import main
import pytest


@pytest.mark.linter
@pytest.mark.pep257
def test_pep257():
    rc = main(argv=['esp32_drone_camera', 'launch', 'test', 'bench', 'camera_testkit',
                    '--exclude', 'test/fake_launch'])
    assert rc == 0, 'Found code style errors / warnings'
