"""
Child processes of the benchmark: started with one environment, always cleaned up.

Every child gets the benchmark's own DDS domain (passed explicitly, never inherited
by chance) and localhost-only discovery, so parallel test runs on other domains do
not see our traffic and we do not see theirs.
"""

import os
import sys
from typing import Dict, List

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, 'test'))

# The tests' process helpers, so tests and benchmarks start and stop children alike.
from support import free_port, Proc, PY  # noqa: E402,F401 - free_port is re-exported


def child_env(domain: int) -> Dict[str, str]:
    """Return the environment of every child: our domain, localhost discovery, ament index."""
    env = os.environ.copy()
    env['ROS_DOMAIN_ID'] = str(domain)
    env['ROS_AUTOMATIC_DISCOVERY_RANGE'] = 'LOCALHOST'
    env.pop('ROS_LOCALHOST_ONLY', None)
    env['AMENT_PREFIX_PATH'] = os.pathsep.join(
        p for p in (sys.prefix, env.get('AMENT_PREFIX_PATH', '')) if p)
    env['PYTHONPATH'] = os.pathsep.join(p for p in (ROOT, env.get('PYTHONPATH', '')) if p)
    env['PYTHONUNBUFFERED'] = '1'
    return env


class ProcGroup:
    """Processes started together and stopped in reverse order, whatever happens."""

    def __init__(self, domain: int):
        self.env = child_env(domain)
        self.procs: List[Proc] = []

    def start(self, args: List[str]) -> Proc:
        """Start and track one child."""
        proc = Proc(args, self.env)
        self.procs.append(proc)
        return proc

    @staticmethod
    def stop_all(procs: List[Proc]) -> None:
        """Interrupt all at once, then wait for each (they shut down in parallel)."""
        for proc in procs:
            proc.interrupt()
        for proc in procs:
            proc.stop()

    def __enter__(self) -> 'ProcGroup':
        return self

    def __exit__(self, *exc) -> None:
        for proc in reversed(self.procs):
            proc.stop()
