"""Describe the machine a run happened on (so the numbers can be compared honestly)."""

from importlib import metadata
import os
import platform
import subprocess
import sys

from camera_testkit.processes import ROOT


def _version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return 'not installed'


def cpu_model() -> str:
    """Return the CPU model name from /proc/cpuinfo."""
    with open('/proc/cpuinfo') as f:
        for line in f:
            if line.startswith('model name'):
                return line.split(':', 1)[1].strip()
    return platform.processor() or 'unknown'


def node_revision() -> str:
    """Return the git commit of the measured code, flagged if esp32_drone_camera/ differs."""
    try:
        commit = subprocess.run(['git', 'rev-parse', '--short', 'HEAD'], cwd=ROOT, text=True,
                                capture_output=True, timeout=10).stdout.strip()
        dirty = subprocess.run(['git', 'status', '--porcelain', '--', 'esp32_drone_camera'],
                               cwd=ROOT, text=True, capture_output=True, timeout=10).stdout
    except (OSError, subprocess.TimeoutExpired):
        return 'unknown (no git)'
    return commit + (' with uncommitted changes in esp32_drone_camera/' if dirty else '')


def describe() -> dict:
    """CPU, cores, OS, Python and the libraries on the measured path."""
    distro = next((d for d in ('kilted', 'jazzy', 'rolling')
                   if _version(f'ros-{d}-rclpy') != 'not installed'), 'unknown')
    return {
        'CPU': cpu_model(),
        'cores': str(os.cpu_count()),
        'OS': f'{platform.system()} {platform.release()}',
        'Python': sys.version.split()[0],
        'ROS 2': f'{distro} (rclpy {_version("rclpy")}, from PyPI wheels, Fast DDS)',
        'websockets': _version('websockets'),
        'OpenCV': _version('opencv-python-headless'),
        'code measured': node_revision(),
    }
