"""
Child processes: the emulator and the camera node as real processes, and any other.

Nothing here mocks ROS: the node runs in its own process and talks real DDS. Tests and
benchmarks start, read and stop their children with the same ``Proc``.
"""

from collections import deque
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from typing import Callable, Dict, List, Optional

from camera_testkit import ros_env

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PY = sys.executable


def free_port() -> int:
    """Return a TCP port nobody listens on right now."""
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def wait_for(predicate: Callable[[], bool], timeout: float, interval: float = 0.05) -> bool:
    """Poll ``predicate`` until true or ``timeout``; return its last value."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return bool(predicate())


class Proc:
    """A child process, started in the repository root, whose output is collected."""

    def __init__(self, args: List[str], env: Optional[Dict[str, str]] = None):
        self.args = args
        self.lines: deque = deque(maxlen=5000)
        self.proc = subprocess.Popen(
            args, cwd=ROOT, env=env or os.environ.copy(), stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1)
        self.pid = self.proc.pid
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        for line in self.proc.stdout:
            self.lines.append(line.rstrip('\n'))

    @property
    def output(self) -> str:
        """Everything printed so far."""
        return '\n'.join(self.lines)

    def wait_line(self, text: str, timeout: float = 10.0) -> str:
        """Wait for a printed line containing ``text``."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in list(self.lines):
                if text in line:
                    return line
            if self.proc.poll() is not None:
                break
            time.sleep(0.02)
        raise AssertionError(f'{text!r} not printed by {self.args}:\n{self.output}')

    def signal(self, sig: int) -> None:
        """Send a signal if still running."""
        if self.proc.poll() is None:
            self.proc.send_signal(sig)

    def interrupt(self) -> None:
        """Send SIGINT if still running (children flush their logs on it)."""
        self.signal(signal.SIGINT)

    def stop(self, timeout: float = 5.0) -> Optional[int]:
        """SIGINT, then SIGKILL if it does not exit in time; return the exit code."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._reader.join(2)
        return self.proc.returncode


class Emulator(Proc):
    """``python -m esp32_drone_camera.emulator`` on a free port."""

    def __init__(self, *extra: str, port: Optional[int] = None):
        self.port = port or free_port()
        super().__init__([PY, '-m', 'esp32_drone_camera.emulator', '--host', '127.0.0.1',
                          '--port', str(self.port), *extra])
        self.wait_line('EMULATOR READY')

    @property
    def url(self) -> str:
        """Its WebSocket URL."""
        return f'ws://127.0.0.1:{self.port}'

    @property
    def serial_path(self) -> str:
        """Return the pty of its serial console (started with --serial-pty)."""
        return self.wait_line('SERIAL PTY').split()[-1]


class CameraNode(Proc):
    """The camera node in its own process, in namespace /camera."""

    def __init__(self, url: str, namespace: str = '/camera',
                 env: Optional[Dict[str, str]] = None,
                 **params):
        args = [PY, '-m', 'esp32_drone_camera.camera_node', '--ros-args',
                '-r', f'__ns:={namespace}', '-p', f'device_url:={url}']
        for name, value in params.items():
            if isinstance(value, bool):
                value = str(value).lower()
            elif isinstance(value, str) and value == '':
                value = '""'
            args += ['-p', f'{name}:={value}']
        super().__init__(args, env=env)


def child_env(domain: int) -> Dict[str, str]:
    """Return this environment moved to DDS domain ``domain`` (see ros_env.isolate)."""
    env = ros_env.isolate(os.environ.copy(), domain)
    # Children run as ``python -m`` in ROOT; this also finds the package uninstalled.
    env['PYTHONPATH'] = os.pathsep.join(p for p in (ROOT, env.get('PYTHONPATH', '')) if p)
    env['PYTHONUNBUFFERED'] = '1'
    return env


class ProcGroup:
    """Processes on one DDS domain, stopped in reverse order whatever happens."""

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
