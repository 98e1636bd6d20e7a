"""The firmware version has one source, firmware/VERSION, and every reader agrees with it."""

import json
import os
import re

from esp32_drone_camera import protocol
from esp32_drone_camera.emulator.device import DeviceCore
from support import ROOT

FIRMWARE = os.path.join(ROOT, 'firmware')


def _version() -> str:
    with open(os.path.join(FIRMWARE, 'VERSION'), encoding='ascii') as f:
        lines = f.read().splitlines()
    assert len(lines) == 1 and re.fullmatch(r'\d+\.\d+\.\d+', lines[0]), lines
    return lines[0]


def test_python_and_emulator_report_the_version_file():
    version = _version()
    assert protocol.FIRMWARE_VERSION == version
    device = DeviceCore()
    assert device.welcome()['firmware'] == version
    assert device._cmd_info(None)['firmware'] == version


def test_builds_read_the_version_file():
    """PlatformIO, CMake and the fuzz build pass it as CAMCORE_FIRMWARE_VERSION."""
    for path in ('scripts/build_config.py', 'test/CMakeLists.txt', 'test/fuzz/run.sh'):
        with open(os.path.join(FIRMWARE, path), encoding='utf-8') as f:
            text = f.read()
        assert 'VERSION' in text and 'CAMCORE_FIRMWARE_VERSION' in text, path
    header = os.path.join(FIRMWARE, 'lib/camera_core/include/camera_core/protocol_limits.h')
    with open(header, encoding='utf-8') as f:
        assert 'kFirmwareVersion = CAMCORE_FIRMWARE_VERSION;' in f.read()
    with open(os.path.join(FIRMWARE, 'lib/camera_core/library.json'), encoding='utf-8') as f:
        assert 'version' not in json.load(f)


def test_no_other_file_writes_the_version_out():
    version = _version()
    roots = [os.path.join(FIRMWARE, d) for d in ('src', 'lib', 'scripts', 'web')]
    roots.append(os.path.join(ROOT, 'esp32_drone_camera'))
    files = [os.path.join(FIRMWARE, n) for n in ('platformio.ini', 'README.md')]
    for top in roots:
        for parent, _, names in os.walk(top):
            files += [os.path.join(parent, n) for n in names
                      if n.endswith(('.h', '.cpp', '.py', '.html', '.json', '.ini', '.md'))]
    offenders = []
    for path in files:
        with open(path, encoding='utf-8') as f:
            if version in f.read():
                offenders.append(os.path.relpath(path, ROOT))
    assert offenders == []
