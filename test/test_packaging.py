"""The package installs with pip the way colcon lays it out (share/, ament index, scripts)."""

import os
import subprocess
import sys
import zipfile

import pytest
from support import ROOT


@pytest.fixture(scope='module')
def wheel(tmp_path_factory):
    out = tmp_path_factory.mktemp('wheel')
    subprocess.run([sys.executable, '-m', 'pip', 'wheel', '--no-deps', '--no-build-isolation',
                    '-q', '-w', str(out), ROOT], check=True, timeout=300)
    [name] = [n for n in os.listdir(out) if n.endswith('.whl')]
    with zipfile.ZipFile(out / name) as z:
        return z.namelist()


@pytest.mark.parametrize('path', [
    'share/ament_index/resource_index/packages/esp32_drone_camera',
    'share/esp32_drone_camera/package.xml',
    'share/esp32_drone_camera/launch/camera.launch.py',
    'share/esp32_drone_camera/launch/flash.launch.py',
    'share/esp32_drone_camera/config/camera.yaml',
    'share/esp32_drone_camera/config/ov2640_vga.yaml',
    'share/esp32_drone_camera/config/fastdds_camera.xml',
    'share/esp32_drone_camera/firmware/platformio.ini',
    'share/esp32_drone_camera/firmware/web/index.html',
    'share/esp32_drone_camera/docs/protocol.md',
])
def test_data_files_are_in_the_wheel(wheel, path):
    assert any(n.endswith('.data/data/' + path) for n in wheel), path


def test_modules_and_entry_points_are_in_the_wheel(wheel):
    assert 'esp32_drone_camera/camera_node.py' in wheel
    assert 'esp32_drone_camera/emulator/server.py' in wheel
    entry = [n for n in wheel if n.endswith('entry_points.txt')]
    assert entry
    assert not any(n.startswith('test/') or n.startswith('bench/') for n in wheel)
