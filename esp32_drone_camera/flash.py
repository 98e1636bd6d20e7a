"""
Build and upload the bundled camera firmware with PlatformIO.

``ros2 run esp32_drone_camera flash --port /dev/ttyACM0 --board <env>``, or
``python -m esp32_drone_camera.flash``. It runs
``pio run -d <firmware> -e <board> -t upload --upload-port <port>`` and streams its
output; the firmware takes the WiFi overrides CAM_AP_SSID, CAM_AP_PASSWORD and the
command token CAM_TOKEN (passed on as CAM_COMMAND_TOKEN too) from the environment
at build time.

Exit codes: 0 success; 1 (or whatever PlatformIO returned) build or upload failed;
2 bad command line; 10 PlatformIO missing; 11 firmware missing; 12 unknown board;
13 no such port; 14 port held by another process; 15 port not accessible;
16 the camera node did not release the port; 130 interrupted.
"""

import argparse
import configparser
import contextlib
import difflib
import glob
import importlib.util
import os
import re
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time
from typing import Callable, Iterable, List, NamedTuple, Optional

from .paths import data_path

EXIT_OK = 0
EXIT_USAGE = 2
EXIT_NO_PLATFORMIO = 10
EXIT_NO_FIRMWARE = 11
EXIT_UNKNOWN_BOARD = 12
EXIT_NO_PORT = 13
EXIT_PORT_BUSY = 14
EXIT_PORT_ACCESS = 15
EXIT_RELEASE_FAILED = 16
EXIT_INTERRUPTED = 130

DEFAULT_PORT = '/dev/ttyACM0'
# Only used when platformio.ini cannot be read (e.g. to show a launch default).
FALLBACK_BOARD = 'esp32s3_cam_n16r8'
# Env names that mean the ESP32-S3-EYE / Freenove ESP32-S3 CAM, the reference board.
_REFERENCE_BOARD = re.compile(r'eye|freenove', re.IGNORECASE)

ENV_SSID = 'CAM_AP_SSID'
ENV_PASSWORD = 'CAM_AP_PASSWORD'
ENV_TOKEN = 'CAM_TOKEN'
# The firmware's build script (firmware/scripts/build_config.py) reads the token under
# this name, the camera node and the emulator read CAM_TOKEN: the same token goes to both.
ENV_FIRMWARE_TOKEN = 'CAM_COMMAND_TOKEN'
# Values of these are never printed, not even when PlatformIO echoes its build flags
# (child_env() gives CAM_COMMAND_TOKEN the value of CAM_TOKEN).
SECRET_ENV = (ENV_PASSWORD, ENV_TOKEN)

RELEASE_SERVICE = 'release_serial'
RELEASE_TIMEOUT_S = 10.0
# A released port is closed by the node just before it answers; allow for slow closes.
PORT_FREE_WAIT_S = 3.0
# Ctrl-C: PlatformIO gets SIGINT, then SIGTERM, then SIGKILL after these waits (s).
_STOP_SIGNALS = ((signal.SIGINT, 3.0), (signal.SIGTERM, 2.0))


class FlashError(Exception):
    """A failure with a message for the user and the exit code to return."""

    def __init__(self, code: int, message: str):
        """Make an error that ends the tool with exit code ``code``."""
        super().__init__(message)
        self.code = code


class Holder(NamedTuple):
    """A process that has a file open."""

    pid: int
    cmdline: str

    @property
    def is_camera_node(self) -> bool:
        """Whether this looks like our own camera driver node."""
        return 'camera_node' in self.cmdline or 'esp32_drone_camera' in self.cmdline


# --- command line ---------------------------------------------------------------------------

def _bool_arg(text: str) -> bool:
    value = text.strip().lower()
    if value in ('1', 'true', 'yes', 'on'):
        return True
    if value in ('0', 'false', 'no', 'off', ''):
        return False
    raise argparse.ArgumentTypeError(f'expected true or false, got {text!r}')


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    """Turn the command line into options."""
    p = argparse.ArgumentParser(
        prog='flash',
        description='Build the bundled ESP32-S3 camera firmware with PlatformIO and upload it.',
        epilog=__doc__.split('\n\n')[-1])
    p.add_argument('--port', default=DEFAULT_PORT, help=f'serial port (default {DEFAULT_PORT})')
    p.add_argument('--board', default='',
                   help='PlatformIO env from firmware/platformio.ini (default: its default env)')
    # Takes an optional value so a launch file can always pass "--build-only <true|false>".
    p.add_argument('--build-only', nargs='?', const=True, default=False, type=_bool_arg,
                   metavar='BOOL', help='only build, do not upload')
    p.add_argument('--monitor', action='store_true',
                   help='open the PlatformIO serial monitor after uploading')
    p.add_argument('--release-node', default='', metavar='NODE',
                   help='camera node holding the port, e.g. /camera/esp32_drone_camera: ask it '
                        'to release the port (~/release_serial) and re-acquire it afterwards')
    p.add_argument('--firmware-dir', default='',
                   help='PlatformIO project to build (default: the installed firmware)')
    p.add_argument('--list-boards', action='store_true', help='list the boards and exit')
    p.add_argument('--ssid', default=None, help=f'WiFi AP name (overrides ${ENV_SSID})')
    p.add_argument('--password', default=None,
                   help=f'WiFi AP password, 8-63 characters (overrides ${ENV_PASSWORD})')
    p.add_argument('--token', default=None,
                   help=f'command token (overrides ${ENV_TOKEN} and ${ENV_FIRMWARE_TOKEN}; prefer '
                        'the variable, command lines are visible to other users)')
    args = p.parse_args(argv)
    if args.password is not None and not 8 <= len(args.password) <= 63:
        p.error('--password must be 8 to 63 characters (WPA2)')
    return args


# --- firmware and boards --------------------------------------------------------------------

def firmware_dir() -> str:
    """Return the bundled firmware's PlatformIO project (installed or in the checkout)."""
    return data_path('firmware')


class Boards(NamedTuple):
    """The envs of a PlatformIO project."""

    names: List[str]
    defaults: List[str]


def read_boards(project_dir: str) -> Boards:
    """
    Return the envs of a PlatformIO project and its default envs.

    Raises FlashError if the project has no platformio.ini.
    """
    ini_path = os.path.join(project_dir, 'platformio.ini')
    if not os.path.isfile(ini_path):
        raise FlashError(EXIT_NO_FIRMWARE, f'no firmware found: {ini_path} does not exist')
    ini = configparser.ConfigParser(interpolation=None, strict=False)
    ini.read(ini_path)
    # PlatformIO merges envs from extra_configs (globs relative to the project).
    for pattern in _split_list(ini.get('platformio', 'extra_configs', fallback='')):
        ini.read(sorted(glob.glob(os.path.join(project_dir, pattern))))
    names = [s[len('env:'):] for s in ini.sections() if s.startswith('env:')]
    defaults = _split_list(ini.get('platformio', 'default_envs', fallback=''))
    return Boards(names, [d for d in defaults if d in names])


def _split_list(value: str) -> List[str]:
    return [item for item in re.split(r'[,\s]+', value) if item]


def default_board(boards: Optional[Boards] = None) -> str:
    """Pick the default board: platformio.ini's default env, else the S3-EYE/Freenove one."""
    if boards is None:
        try:
            boards = read_boards(firmware_dir())
        except FlashError:
            return FALLBACK_BOARD
    if boards.defaults:
        return boards.defaults[0]
    reference = [b for b in boards.names if _REFERENCE_BOARD.search(b)]
    return (reference or boards.names or [FALLBACK_BOARD])[0]


def check_board(board: str, boards: Boards) -> None:
    """Raise FlashError unless ``board`` is one of the project's envs."""
    if board in boards.names:
        return
    hint = difflib.get_close_matches(board, boards.names, n=1)
    known = ', '.join(boards.names) or 'none'
    message = f'unknown board {board!r}; platformio.ini defines: {known}'
    if hint:
        message += f' (did you mean {hint[0]!r}?)'
    raise FlashError(EXIT_UNKNOWN_BOARD, message)


def _is_writable(path: str) -> bool:
    return os.access(path, os.W_OK)


def build_dir(src: str, log: Callable[[str], None]) -> str:
    """
    Return a writable copy of the project ``src`` (``src`` itself if writable).

    PlatformIO writes its build tree (.pio) into the project, which an installed
    share directory does not allow. The cache copy keeps .pio between runs so that
    a second flash only recompiles what changed.
    """
    if _is_writable(src):
        return src
    cache = os.path.join(os.environ.get('XDG_CACHE_HOME') or os.path.expanduser('~/.cache'),
                         'esp32_drone_camera', 'firmware')
    try:
        dest = _sync_copy(src, cache)
    except OSError:
        # No writable cache (read-only HOME in a container): build in a throwaway dir.
        dest = _sync_copy(src, tempfile.mkdtemp(prefix='esp32_drone_camera-firmware-'))
    log(f'{src} is read-only; building a copy in {dest}')
    return dest


def _sync_copy(src: str, dest: str) -> str:
    os.makedirs(dest, exist_ok=True)
    # Drop files the package no longer ships but keep the build cache.
    for name in os.listdir(dest):
        path = os.path.join(dest, name)
        if name == '.pio':
            continue
        if os.path.isdir(path) and not os.path.islink(path):
            shutil.rmtree(path)
        else:
            os.remove(path)
    shutil.copytree(src, dest, dirs_exist_ok=True, ignore=shutil.ignore_patterns('.pio'))
    # copytree copies the read-only modes too; PlatformIO must write into the copy.
    for root, dirs, files in os.walk(dest):
        if '.pio' in dirs:
            dirs.remove('.pio')
        for name in dirs + files:
            path = os.path.join(root, name)
            os.chmod(path, os.stat(path).st_mode | stat.S_IWUSR)
    return dest


# --- PlatformIO -----------------------------------------------------------------------------

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


def pio_run_command(pio: List[str], project: str, board: str, port: str,
                    build_only: bool) -> List[str]:
    """Return the PlatformIO command line that builds (and uploads) the firmware."""
    cmd = pio + ['run', '-d', project, '-e', board]
    if not build_only:
        cmd += ['-t', 'upload', '--upload-port', port]
    return cmd


def pio_monitor_command(pio: List[str], project: str, board: str, port: str) -> List[str]:
    """Return the PlatformIO serial monitor command (speed and filters from platformio.ini)."""
    return pio + ['device', 'monitor', '-d', project, '-e', board, '-p', port]


def child_env(args: argparse.Namespace) -> dict:
    """Return PlatformIO's environment: ours plus the WiFi/token overrides."""
    env = dict(os.environ)
    for name, value in ((ENV_SSID, args.ssid), (ENV_PASSWORD, args.password)):
        if value is not None:
            env[name] = value
    token = next((t for t in (args.token, env.get(ENV_TOKEN), env.get(ENV_FIRMWARE_TOKEN))
                  if t is not None), None)
    if token is not None:
        env[ENV_TOKEN] = env[ENV_FIRMWARE_TOKEN] = token
    # Python buffers a pipe's output in blocks; we want PlatformIO's lines as they come.
    env['PYTHONUNBUFFERED'] = '1'
    return env


def describe_overrides(env: dict) -> str:
    """Say which firmware settings come from the environment, hiding secret values."""
    parts = []
    for name in (ENV_SSID, ENV_PASSWORD, ENV_TOKEN):
        if env.get(name):
            parts.append(f'{name}=<set>' if name in SECRET_ENV else f'{name}={env[name]}')
    return ', '.join(parts) or 'none (firmware defaults)'


class Redactor:
    """Replace secret values in text before it is printed."""

    def __init__(self, secrets: Iterable[Optional[str]]):
        """Hide each of ``secrets`` (empty and None ones are ignored)."""
        # Longest first, so a secret containing another is hidden whole.
        self._secrets = sorted({s for s in secrets if s}, key=len, reverse=True)

    def __call__(self, text: str) -> str:
        """Return ``text`` with every secret replaced by ``***``."""
        for secret in self._secrets:
            text = text.replace(secret, '***')
        return text


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
    for sig, wait_s in _STOP_SIGNALS + ((signal.SIGKILL, 5.0),):
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


# --- serial port ----------------------------------------------------------------------------

def serial_ports() -> List[str]:
    """Return the serial ports that look like USB boards."""
    found = []
    for pattern in ('/dev/ttyACM*', '/dev/ttyUSB*', '/dev/serial/by-id/*'):
        found += sorted(glob.glob(pattern))
    return found


def check_port(port: str) -> None:
    """Raise FlashError unless ``port`` exists and we may open it."""
    if not os.path.exists(port):
        ports = serial_ports()
        raise FlashError(EXIT_NO_PORT, f'no such port: {port}; ' + (
            f'serial ports present: {", ".join(ports)}' if ports else
            'no USB serial ports found (check the cable; an ESP32-S3 with native USB shows '
            'up as /dev/ttyACM*, hold BOOT while plugging it in if it does not)'))
    if not os.access(port, os.R_OK | os.W_OK):
        raise FlashError(EXIT_PORT_ACCESS, f'no permission to open {port}: add yourself to its '
                                           'group (usually "dialout") and log in again')


def _cmdline(pid: str) -> str:
    try:
        with open(f'/proc/{pid}/cmdline', 'rb') as f:
            return f.read().replace(b'\0', b' ').decode(errors='replace').strip()
    except OSError:
        return ''


def port_holders(port: str) -> List[Holder]:
    """Return the other processes that have ``port`` open (those we may inspect)."""
    target = os.path.realpath(port)
    holders = []
    for pid in filter(str.isdigit, os.listdir('/proc')):
        if int(pid) == os.getpid():
            continue
        fd_dir = f'/proc/{pid}/fd'
        try:
            fds = os.listdir(fd_dir)
        except OSError:  # gone, or another user's process
            continue
        for fd in fds:
            try:
                if os.readlink(os.path.join(fd_dir, fd)) == target:
                    holders.append(Holder(int(pid), _cmdline(pid)))
                    break
            except OSError:
                continue
    return holders


def busy_message(port: str, holders: List[Holder], release_node: str) -> str:
    """Explain who holds the port and how to free it."""
    lines = [f'{port} is in use by another process:']
    lines += [f'  pid {h.pid}: {h.cmdline or "?"}' for h in holders]
    if any(h.is_camera_node for h in holders):
        node = release_node or '/camera/esp32_drone_camera'
        lines += [
            'That is a running esp32_drone_camera node. Let this tool release the port for '
            f'the flash and re-acquire it afterwards:  --release-node {node}',
            f'or release it yourself:  ros2 service call {node}/{RELEASE_SERVICE} '
            'std_srvs/srv/SetBool "{data: true}"',
            'or stop the node.']
    else:
        lines.append('Close it (serial monitor, modem manager, ...) and try again.')
    return '\n'.join(lines)


def wait_port_free(port: str, timeout_s: float) -> List[Holder]:
    """Return the port's holders once none are left or ``timeout_s`` has passed."""
    deadline = time.monotonic() + timeout_s
    holders = port_holders(port)
    while holders and time.monotonic() < deadline:
        time.sleep(0.1)
        holders = port_holders(port)
    return holders


# --- camera node ----------------------------------------------------------------------------

def set_serial_released(node: str, release: bool, timeout_s: float = RELEASE_TIMEOUT_S) -> str:
    """
    Call ``<node>/release_serial`` (std_srvs/SetBool); return the node's message.

    Raises FlashError when ROS 2 is unavailable, the service does not answer or refuses.
    """
    try:
        # Imported here: flashing without --release-node must work without ROS 2.
        import rclpy
        from rclpy.executors import SingleThreadedExecutor
        from std_srvs.srv import SetBool
    except ImportError as exc:
        raise FlashError(EXIT_RELEASE_FAILED, f'--release-node needs rclpy and std_srvs ({exc}); '
                                              'source your ROS 2 setup file first') from None
    service = f'{node.rstrip("/")}/{RELEASE_SERVICE}'
    # A private context leaves any rclpy state of the caller alone.
    context = rclpy.Context()
    rclpy.init(context=context)
    try:
        ros_node = rclpy.create_node('esp32_drone_camera_flash', context=context)
        client = ros_node.create_client(SetBool, service)
        if not client.wait_for_service(timeout_sec=timeout_s):
            raise FlashError(EXIT_RELEASE_FAILED, f'service {service} not available '
                                                  f'(is the camera node {node} running?)')
        future = client.call_async(SetBool.Request(data=release))
        executor = SingleThreadedExecutor(context=context)
        executor.add_node(ros_node)
        executor.spin_until_future_complete(future, timeout_sec=timeout_s)
        executor.shutdown()
        response = future.result()
        if response is None or not response.success:
            why = response.message if response is not None else 'no answer'
            raise FlashError(EXIT_RELEASE_FAILED, f'{service} refused: {why}')
        return response.message
    finally:
        context.try_shutdown()


# --- main -----------------------------------------------------------------------------------

def _say(message: str) -> None:
    print(f'[flash] {message}', flush=True)


def _prepare(args: argparse.Namespace):
    """Check everything that can be checked before building; return (project, board, pio)."""
    project = args.firmware_dir or firmware_dir()
    boards = read_boards(project)
    board = args.board or default_board(boards)
    check_board(board, boards)
    pio = find_platformio()
    if not args.build_only:
        check_port(args.port)
    return project, board, pio


def _quoted(message: str) -> str:
    return f' ({message})' if message else ''


@contextlib.contextmanager
def _released_by(node: str, port: str):
    """Have the camera ``node`` (if any) let go of ``port`` inside the block."""
    if not node:
        yield
        return
    _say(f'{node} released {port}' + _quoted(set_serial_released(node, True)))
    try:
        yield
    finally:
        try:
            _say(f'{node} re-acquired {port}' + _quoted(set_serial_released(node, False)))
        except FlashError as exc:
            # The flash itself is over; its result stays the exit code.
            print(f'flash: warning: {exc}\n  re-acquire by hand: ros2 service call '
                  f'{node}/{RELEASE_SERVICE} std_srvs/srv/SetBool "{{data: false}}"',
                  file=sys.stderr, flush=True)


def _check_port_free(port: str, release_node: str) -> None:
    # A node that was asked to release the port may take a moment to close it.
    holders = wait_port_free(port, PORT_FREE_WAIT_S if release_node else 0.0)
    if holders:
        raise FlashError(EXIT_PORT_BUSY, busy_message(port, holders, release_node))


def _flash(args: argparse.Namespace, project: str, board: str, pio: List[str]) -> int:
    env = child_env(args)
    redact = Redactor(env.get(name) for name in SECRET_ENV)
    project = build_dir(project, _say)
    _say(f'board {board}, ' + ('build only' if args.build_only else f'port {args.port}'))
    _say(f'WiFi/token overrides: {describe_overrides(env)}')
    cmd = pio_run_command(pio, project, board, args.port, args.build_only)
    _say('running: ' + redact(' '.join(cmd)))
    progress = Progress(board, args.port)
    started = time.monotonic()

    def on_line(line: str) -> None:
        print(redact(line), flush=True)
        news = progress.feed(line)
        if news:
            _say(news)

    code = run_streaming(cmd, env, on_line)
    if code != EXIT_OK:
        what = 'upload' if progress.phase == 'upload' else 'build'
        print(f'flash: error: {what} failed (PlatformIO exit code {code}); see its output above'
              + ('. If it could not connect: hold BOOT, tap RESET, release BOOT and retry.'
                 if what == 'upload' else ''), file=sys.stderr, flush=True)
        return code
    _say(f'done in {time.monotonic() - started:.1f} s')
    if args.monitor and not args.build_only:
        return run_monitor(pio_monitor_command(pio, project, board, args.port), env)
    return EXIT_OK


class _SigtermAsInterrupt:
    """Treat SIGTERM (ros2 launch stopping us) like Ctrl-C while flashing."""

    def __enter__(self):
        self._previous = signal.signal(signal.SIGTERM, self._raise)

    def __exit__(self, *exc_info):
        signal.signal(signal.SIGTERM, self._previous)

    @staticmethod
    def _raise(signum, frame):
        raise KeyboardInterrupt


def main(argv: Optional[List[str]] = None) -> int:
    """Run the flash tool; return its exit code."""
    args = parse_args(argv)
    try:
        if args.list_boards:
            print('\n'.join(read_boards(args.firmware_dir or firmware_dir()).names))
            return EXIT_OK
        project, board, pio = _prepare(args)
        with _SigtermAsInterrupt():
            if args.build_only:
                return _flash(args, project, board, pio)
            with _released_by(args.release_node, args.port):
                _check_port_free(args.port, args.release_node)
                return _flash(args, project, board, pio)
    except FlashError as exc:
        print(f'flash: error: {exc}', file=sys.stderr, flush=True)
        return exc.code
    except KeyboardInterrupt:
        print('flash: interrupted; PlatformIO stopped (an interrupted upload leaves the board '
              'without a working firmware: flash again)', file=sys.stderr, flush=True)
        return EXIT_INTERRUPTED


if __name__ == '__main__':
    sys.exit(main())
