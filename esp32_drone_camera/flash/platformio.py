"""
Finding and running PlatformIO (``pio``): its command lines, its output, its exit code.

PlatformIO's own exit code is passed through as the tool's (1 for most build and upload
failures); a PlatformIO killed by a signal is reported the way a shell would (128 + N).
"""

import importlib.util
import os
import re
import shutil
import signal
import subprocess
import sys
from typing import Callable, List, Optional

from .errors import EXIT_NO_PLATFORMIO, EXIT_OK, FlashError

# Ctrl-C: PlatformIO gets SIGINT, then SIGTERM, then SIGKILL after these waits (s).
_STOP_SIGNALS = ((signal.SIGINT, 3.0), (signal.SIGTERM, 2.0), (signal.SIGKILL, 5.0))


def _module_available(name: str) -> bool:
    return importlib.util.find_spec(name) is not None


def find_platformio() -> List[str]:
    """Return the command that runs PlatformIO, or raise FlashError saying how to install it."""
    for name in ('pio', 'platformio'):
        exe = shutil.which(name)
        if exe:
            return [exe]
    # The official installer puts pio into its own venv, often not on PATH.
    core = os.environ.get('PLATFORMIO_CORE_DIR') or os.path.expanduser('~/.platformio')
    penv_pio = os.path.join(core, 'penv', 'bin', 'pio')
    if os.access(penv_pio, os.X_OK):
        return [penv_pio]
    if _module_available('platformio'):
        return [sys.executable, '-m', 'platformio']
    raise FlashError(
        EXIT_NO_PLATFORMIO,
        'PlatformIO not found (looked for pio and platformio on PATH, '
        f'{penv_pio} and "{os.path.basename(sys.executable)} -m platformio").\n'
        'Install it with:  pip install platformio\n'
        '             or:  python3 -m pip install --user platformio  '
        '(then put ~/.local/bin on PATH)')


def run_command(pio: List[str], project: str, board: str, port: str,
                build_only: bool) -> List[str]:
    """Return the PlatformIO command line that builds (and uploads) the firmware."""
    cmd = pio + ['run', '-d', project, '-e', board]
    if not build_only:
        cmd += ['-t', 'upload', '--upload-port', port]
    return cmd


def monitor_command(pio: List[str], project: str, board: str, port: str) -> List[str]:
    """Return the PlatformIO serial monitor command (speed and filters from platformio.ini)."""
    return pio + ['device', 'monitor', '-d', project, '-e', board, '-p', port]


class Progress:
    """Follow PlatformIO's output: which phase it is in and how far the upload is."""

    _UPLOAD = re.compile(r'^(Configuring upload protocol|Looking for upload port|'
                         r'Auto-detected:|Uploading |esptool)')
    _BUILD = re.compile(r'^(Processing |Building |Compiling |Archiving |Linking )')
    _PERCENT = re.compile(r'\((\d{1,3}) ?%\)')

    def __init__(self, board: str, port: str):
        """Follow a build for ``board`` and its upload to ``port``."""
        self.phase = 'prepare'
        self._board = board
        self._port = port
        self._percent = -10

    def feed(self, line: str) -> Optional[str]:
        """Take one line of output; return a progress message when there is news."""
        if self.phase != 'upload' and self._UPLOAD.match(line):
            self.phase = 'upload'
            return f'uploading to {self._port} ...'
        if self.phase == 'prepare' and self._BUILD.match(line):
            self.phase = 'build'
            return f'building firmware for {self._board} ...'
        match = self._PERCENT.search(line) if self.phase == 'upload' else None
        # One message per 10 %, esptool prints far more lines than that.
        if match and int(match.group(1)) >= self._percent + 10:
            self._percent = int(match.group(1)) // 10 * 10
            return f'upload {self._percent}%'
        return None


def run_streaming(cmd: List[str], env: dict, on_line: Callable[[str], None]) -> int:
    """
    Run ``cmd``, passing each output line to ``on_line``; return its exit code.

    PlatformIO runs in its own session so that only we decide when it stops: on
    KeyboardInterrupt it is stopped (SIGINT, then SIGTERM, then SIGKILL) and the
    interrupt is re-raised.
    """
    # Text mode splits on '\r' too, so esptool's in-place progress arrives line by line.
    proc = subprocess.Popen(cmd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, errors='replace',
                            start_new_session=True)
    assert proc.stdout is not None  # stdout=PIPE
    try:
        for line in proc.stdout:
            if line.strip():
                on_line(line.rstrip('\n'))
        code = proc.wait()
    except KeyboardInterrupt:
        stop_process_group(proc)
        raise
    finally:
        proc.stdout.close()
    # Killed by a signal: report it the way a shell would.
    return 128 - code if code < 0 else code


def stop_process_group(proc: subprocess.Popen) -> None:
    """Stop ``proc`` and its children (compilers, esptool) gently, then firmly."""
    for sig, wait_s in _STOP_SIGNALS:
        if proc.poll() is not None:
            return
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=wait_s)
        except subprocess.TimeoutExpired:
            continue


def run_monitor(cmd: List[str], env: dict) -> int:
    """Run the interactive serial monitor on our terminal; Ctrl-C ends it normally."""
    proc = subprocess.Popen(cmd, env=env)
    try:
        return proc.wait()
    except KeyboardInterrupt:
        # A Ctrl-C on the terminal reached the monitor too, a SIGTERM to us did not.
        try:
            proc.wait(timeout=2.0)
        except subprocess.TimeoutExpired:
            proc.terminate()
            proc.wait()
        # Leaving the monitor is how it always ends: not an error.
        return EXIT_OK
