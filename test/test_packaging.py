"""The package installs with pip the way colcon lays it out (share/, ament index, scripts)."""

import ast
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ElementTree
import zipfile

from camera_testkit.processes import ROOT
import pytest


@pytest.fixture(scope='module')
def wheel_path(tmp_path_factory):
    out = tmp_path_factory.mktemp('wheel')
    subprocess.run([sys.executable, '-m', 'pip', 'wheel', '--no-deps', '--no-build-isolation',
                    '-q', '-w', str(out), ROOT], check=True, timeout=300)
    [name] = [n for n in os.listdir(out) if n.endswith('.whl')]
    return out / name


@pytest.fixture(scope='module')
def wheel(wheel_path):
    with zipfile.ZipFile(wheel_path) as z:
        return z.namelist()


def _wheel_text(wheel_path, suffix):
    with zipfile.ZipFile(wheel_path) as z:
        [name] = [n for n in z.namelist() if n.endswith(suffix)]
        return z.read(name).decode()


def _requires(wheel_path):
    metadata = _wheel_text(wheel_path, '.dist-info/METADATA')
    return [line.split(': ', 1)[1] for line in metadata.splitlines()
            if line.startswith('Requires-Dist: ')]


def _exec_depends():
    root = ElementTree.parse(os.path.join(ROOT, 'package.xml')).getroot()
    return [e.text for e in root.findall('exec_depend')]


@pytest.mark.parametrize('path', [
    'share/ament_index/resource_index/packages/esp32_drone_camera',
    'share/esp32_drone_camera/package.xml',
    'share/esp32_drone_camera/launch/camera.launch.py',
    'share/esp32_drone_camera/launch/flash.launch.py',
    'share/esp32_drone_camera/config/camera.yaml',
    'share/esp32_drone_camera/config/ov2640_vga.yaml',
    'share/esp32_drone_camera/config/fastdds_camera.xml',
    'share/esp32_drone_camera/firmware/platformio.ini',
    'share/esp32_drone_camera/firmware/VERSION',
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
    assert not any(n.startswith(('test/', 'bench/', 'camera_testkit/')) for n in wheel)


def test_flash_package_and_its_entry_point(wheel, wheel_path):
    for module in ('__init__', '__main__', 'cli', 'platformio', 'ports', 'project', 'release',
                   'credentials', 'errors'):
        assert f'esp32_drone_camera/flash/{module}.py' in wheel, module
    entry_points = _wheel_text(wheel_path, '.dist-info/entry_points.txt')
    assert 'flash = esp32_drone_camera.flash:main' in entry_points


def _shared_firmware(wheel):
    marker = '.data/data/share/esp32_drone_camera/firmware/'
    return {n.split(marker, 1)[1] for n in wheel if marker in n}


def test_firmware_share_holds_what_the_flash_builds_and_not_its_tests(wheel):
    shared = _shared_firmware(wheel)
    assert not [n for n in shared if n.startswith('test/')], 'firmware/test was installed'
    needed = set()
    for top in ('src', 'lib', 'scripts', 'web'):
        for root, _, files in os.walk(os.path.join(ROOT, 'firmware', top)):
            if '.pio' not in root.split(os.sep):
                needed |= {os.path.relpath(os.path.join(root, f), os.path.join(ROOT, 'firmware'))
                           for f in files}
    assert 'src/main.cpp' in needed and 'scripts/build_config.py' in needed
    assert needed | {'platformio.ini'} <= shared, sorted(needed - shared)


def test_package_xml_declares_ros2launch_for_the_launch_files():
    depends = _exec_depends()
    assert {'launch', 'launch_ros', 'ros2launch'} <= set(depends), depends


def test_image_raw_decoder_is_a_declared_dependency_of_each_install(wheel_path):
    # colcon/rosdep: OpenCV (rosdep key) and cv_bridge; pip: simplejpeg.
    assert {'python3-opencv', 'cv_bridge'} <= set(_exec_depends())
    assert [r for r in _requires(wheel_path) if re.fullmatch(r'simplejpeg>=[\d.]+', r)]


def _floor(requirement):
    return re.fullmatch(r'websockets>=([\d.]+)(; extra == "(\w+)")?', requirement)


def test_one_websockets_floor_per_component_everywhere(wheel_path):
    floors = {}
    for requirement in _requires(wheel_path):
        match = _floor(requirement)
        if match:
            floors[match.group(3) or 'node'] = match.group(1)
    # The node's floor is what Ubuntu 22.04 ships; the emulator's is websockets.asyncio's.
    assert floors == {'node': '10.1', 'emulator': '13'}
    with open(os.path.join(ROOT, 'README.md'), encoding='utf-8') as f:
        readme = ' '.join(f.read().split())
    assert '`python3-websockets` 10.1' in readme
    assert '`websockets>=10.1` for the package' in readme
    assert '`websockets>=13` in its `emulator` extra' in readme
    # The dev tools run the emulator: their floor is the emulator's.
    with open(os.path.join(ROOT, 'requirements-dev.txt'), encoding='utf-8') as f:
        dev = [line.strip() for line in f if line.startswith('websockets')]
    assert dev == ['websockets>=13']
    with open(os.path.join(ROOT, 'test', 'test_ws_link_compat.py'), encoding='utf-8') as f:
        assert "'10.1'" in f.read(), 'the node floor must be the oldest version tested'


def test_package_files_are_installed_by_setup():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    tree = ast.parse(open(os.path.join(root, 'setup.py')).read())
    names = {n.value for n in ast.walk(tree) if isinstance(n, ast.Constant)
             and isinstance(n.value, str)}
    for entry in ('camera_node = esp32_drone_camera.node_main:main',
                  'emulator = esp32_drone_camera.emulator.__main__:main',
                  'flash = esp32_drone_camera.flash:main'):
        assert entry in names
    assert os.path.isfile(os.path.join(root, 'resource', 'esp32_drone_camera'))


def test_a_plain_pip_install_finds_its_data_files(wheel_path, tmp_path):
    """Without a ROS environment the share dir is the prefix's (firmware/VERSION, the page)."""
    venv = tmp_path / 'venv'
    subprocess.run([sys.executable, '-m', 'venv', str(venv)], check=True, timeout=120)
    python = str(venv / 'bin' / 'python')
    subprocess.run([python, '-m', 'pip', 'install', '-q', '--no-deps', '--no-index',
                    str(wheel_path)], check=True, timeout=120)
    out = subprocess.run(
        [python, '-c', 'from esp32_drone_camera import paths, protocol; '
         'print(protocol.FIRMWARE_VERSION); print(paths.share_dir())'],
        cwd=str(tmp_path), env={'PATH': os.environ.get('PATH', '')},
        capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    version, share = out.stdout.split()
    with open(os.path.join(ROOT, 'firmware', 'VERSION'), encoding='ascii') as f:
        assert version == f.read().strip()
    assert share == str(venv / 'share' / 'esp32_drone_camera')
