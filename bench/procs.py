"""
Child processes of the benchmark: started with one environment, always cleaned up.

Every child gets the benchmark's own DDS domain (passed explicitly, never inherited
by chance) and localhost-only discovery, so parallel test runs on other domains do
not see our traffic and we do not see theirs.
"""

from collections import deque
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from typing import Dict, List, Optional

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PY = sys.executable


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


def free_port() -> int:
    """Return a TCP port nobody listens on right now."""
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


class Proc:
    """A child process whose output lines are kept (bounded) by a reader thread."""

    def __init__(self, args: List[str], env: Dict[str, str]):
        self.args = args
        self.lines: deque = deque(maxlen=2000)
        self.proc = subprocess.Popen(
            args, cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, text=True, bufsize=1)
        self.pid = self.proc.pid
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        for line in self.proc.stdout:
            self.lines.append(line.rstrip('\n'))

    def wait_line(self, text: str, timeout: float) -> str:
        """Wait (bounded) for an output line containing ``text``."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in list(self.lines):
                if text in line:
                    return line
            if self.proc.poll() is not None:
                break
            time.sleep(0.02)
        tail = '\n'.join(list(self.lines)[-20:])
        raise RuntimeError(f'{text!r} not printed by {" ".join(self.args[:4])}:\n{tail}')

    def interrupt(self) -> None:
        """Send SIGINT if still running (children flush their logs on it)."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)

    def stop(self, timeout: float = 5.0) -> Optional[int]:
        """SIGINT, then SIGKILL after ``timeout``; return the exit code."""
        if self.proc.poll() is None:
            self.interrupt()
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._reader.join(2)
        return self.proc.returncode


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
