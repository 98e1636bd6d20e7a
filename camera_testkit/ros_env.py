"""
The environment of a run that must not meet another run's ROS traffic.

Every test run and benchmark uses a DDS domain of its own and discovers peers on this
machine only, and its children (nodes, emulators, subjects) inherit that. Set it
before rclpy is initialised: the domain is read then.
"""

import os
import random
import sys
import time
from typing import MutableMapping

# Pins the test run's domain, for test runs side by side on one machine.
TEST_DOMAIN_VARIABLE = 'CAMERA_TEST_DOMAIN'


def isolate(env: MutableMapping[str, str], domain: int) -> MutableMapping[str, str]:
    """Put ``env`` on DDS domain ``domain``, localhost discovery, this venv's ament index."""
    env['ROS_DOMAIN_ID'] = str(domain)
    env['ROS_AUTOMATIC_DISCOVERY_RANGE'] = 'LOCALHOST'
    env.pop('ROS_LOCALHOST_ONLY', None)  # the older switch; the two must not disagree
    # The node finds its package share (calibration, web page) through the ament index.
    others = [p for p in env.get('AMENT_PREFIX_PATH', '').split(os.pathsep)
              if p and p != sys.prefix]
    env['AMENT_PREFIX_PATH'] = os.pathsep.join([sys.prefix, *others])
    return env


def pick_test_domain() -> int:
    """Return $CAMERA_TEST_DOMAIN, or a random domain (1-100) when it is not set."""
    pinned = os.environ.get(TEST_DOMAIN_VARIABLE)
    if pinned:
        return int(pinned)
    return random.Random(os.getpid() ^ time.time_ns()).randint(1, 100)
