"""
Build and upload the bundled camera firmware with PlatformIO.

``ros2 run esp32_drone_camera flash [--port /dev/ttyACM0] [--board <env>]``, or
``python -m esp32_drone_camera.flash``. Without --port the camera's port is found by
its USB VID:PID. It runs ``pio run -d <firmware> -e <board> -t upload --upload-port
<port>`` and streams its output; the firmware takes the WiFi overrides CAM_AP_SSID,
CAM_AP_PASSWORD and the command token CAM_TOKEN (passed on as CAM_COMMAND_TOKEN too)
from the environment at build time.

Exit codes: 0 success; 1 (or whatever PlatformIO returned) build or upload failed;
2 bad command line; 10 PlatformIO missing; 11 firmware missing; 12 unknown board;
13 no such port (or no board found); 14 port held by another process; 15 port not
accessible; 16 the camera node did not release the port; 17 several boards found,
pass --port; 130 interrupted.
"""

import argparse
import signal
import sys
import time
from typing import List, Optional, Tuple

from . import credentials, platformio, ports, project
from .errors import EXIT_INTERRUPTED, EXIT_OK, EXIT_PORT_BUSY, FlashError
from .release import released_by

# Empty: find the camera's port by its USB VID:PID (ports.find_camera_port()).
DEFAULT_PORT = ''
# A released port is closed by the node just before it answers; allow for slow closes.
PORT_FREE_WAIT_S = 3.0


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
    p.add_argument('--port', default=DEFAULT_PORT,
                   help='serial port (default: the one ESP32 board found by its USB VID:PID)')
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
    p.add_argument('--ssid', default=None,
                   help=f'WiFi AP name (overrides ${credentials.ENV_SSID})')
    p.add_argument('--password', default=None,
                   help='WiFi AP password, 8-63 characters '
                        f'(overrides ${credentials.ENV_PASSWORD})')
    p.add_argument('--token', default=None,
                   help=f'command token (overrides ${credentials.ENV_TOKEN} and '
                        f'${credentials.ENV_FIRMWARE_TOKEN}; prefer the variable, command lines '
                        'are visible to other users)')
    args = p.parse_args(argv)
    if args.password is not None and not 8 <= len(args.password) <= 63:
        p.error('--password must be 8 to 63 characters (WPA2)')
    return args


def _say(message: str) -> None:
    print(f'[flash] {message}', flush=True)


def _prepare(args: argparse.Namespace) -> Tuple[str, str, List[str]]:
    """Check everything that can be checked before building; return (project, board, pio)."""
    project_dir = args.firmware_dir or project.firmware_dir()
    boards = project.read_boards(project_dir)
    board = args.board or project.default_board(boards)
    project.check_board(board, boards)
    pio = platformio.find_platformio()
    if not args.build_only:
        if not args.port:
            choice = ports.find_camera_port()
            _say(f'port {choice.device} chosen: {choice.reason}')
            args.port = choice.device
        ports.check_port(args.port)
    return project_dir, board, pio


def _check_port_free(port: str, release_node: str) -> None:
    # A node that was asked to release the port may take a moment to close it.
    holders = ports.wait_port_free(port, PORT_FREE_WAIT_S if release_node else 0.0)
    if holders:
        raise FlashError(EXIT_PORT_BUSY, ports.busy_message(port, holders, release_node))


def _flash(args: argparse.Namespace, project_dir: str, board: str, pio: List[str]) -> int:
    env = credentials.child_env(args)
    redact = credentials.Redactor.for_env(env)
    project_dir = project.build_dir(project_dir, _say)
    _say(f'board {board}, ' + ('build only' if args.build_only else f'port {args.port}'))
    _say(f'WiFi/token overrides: {credentials.describe_overrides(env)}')
    cmd = platformio.run_command(pio, project_dir, board, args.port, args.build_only)
    _say('running: ' + redact(' '.join(cmd)))
    progress = platformio.Progress(board, args.port)
    started = time.monotonic()

    def on_line(line: str) -> None:
        print(redact(line), flush=True)
        news = progress.feed(line)
        if news:
            _say(news)

    code = platformio.run_streaming(cmd, env, on_line)
    if code != EXIT_OK:
        what = 'upload' if progress.phase == 'upload' else 'build'
        print(f'flash: error: {what} failed (PlatformIO exit code {code}); see its output above'
              + ('. If it could not connect: hold BOOT, tap RESET, release BOOT and retry.'
                 if what == 'upload' else ''), file=sys.stderr, flush=True)
        return code
    _say(f'done in {time.monotonic() - started:.1f} s')
    if args.monitor and not args.build_only:
        return platformio.run_monitor(
            platformio.monitor_command(pio, project_dir, board, args.port), env)
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
            print('\n'.join(project.read_boards(args.firmware_dir or project.firmware_dir())
                            .names))
            return EXIT_OK
        project_dir, board, pio = _prepare(args)
        with _SigtermAsInterrupt():
            if args.build_only:
                return _flash(args, project_dir, board, pio)
            with released_by(args.release_node, args.port, _say):
                _check_port_free(args.port, args.release_node)
                return _flash(args, project_dir, board, pio)
    except FlashError as exc:
        print(f'flash: error: {exc}', file=sys.stderr, flush=True)
        return exc.code
    except KeyboardInterrupt:
        print('flash: interrupted; PlatformIO stopped (an interrupted upload leaves the board '
              'without a working firmware: flash again)', file=sys.stderr, flush=True)
        return EXIT_INTERRUPTED
