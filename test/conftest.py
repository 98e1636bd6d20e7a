"""Fixtures: an isolated DDS domain per test run, an rclpy probe, child processes, a netns."""

import os

from camera_testkit import netns, ros_env
from camera_testkit.probe import Probe
import pytest

# Before rclpy initialises: the run's own DDS domain on localhost ($CAMERA_TEST_DOMAIN
# pins it), inherited by every child process (nodes, emulators).
ros_env.isolate(os.environ, ros_env.pick_test_domain())
os.environ.setdefault('RCUTILS_LOGGING_BUFFERED_STREAM', '0')


@pytest.fixture(scope='session')
def rclpy_context():
    """rclpy, initialised once for the session."""
    import rclpy
    rclpy.init()
    yield rclpy
    rclpy.try_shutdown()


@pytest.fixture
def probe(rclpy_context):
    """Watch /camera with a probe node (camera_testkit.probe.Probe)."""
    p = Probe()
    yield p
    p.close()


@pytest.fixture
def procs():
    """Collect processes started by a test; stop them afterwards."""
    started = []
    yield started
    for proc in reversed(started):
        proc.stop()


@pytest.fixture
def host():
    """Give the emulator a network namespace (camera_testkit.netns), removed afterwards."""
    reason = netns.unavailable()
    if reason:
        pytest.skip(f'network namespaces unavailable: {reason}')
    with netns.NetHost() as h:
        yield h
