"""Command line of the emulator: ``python -m esp32_drone_camera.emulator``."""

# First of all: a Ctrl-C (or launch's second SIGINT) that lands while the imports below
# run must ask for a clean stop, not raise KeyboardInterrupt in the middle of an import.
from .stop_signals import StopSignals
SIGNALS = StopSignals()

import argparse  # noqa: E402, I100
import asyncio  # noqa: E402
import os  # noqa: E402
import sys  # noqa: E402

from .config import EmulatorConfig  # noqa: E402
from .faults import ALL_FAULTS  # noqa: E402
from ..protocol import FRAME_SIZE_NAMES  # noqa: E402


def parse_args(argv=None) -> EmulatorConfig:
    """Turn the command line into an EmulatorConfig."""
    p = argparse.ArgumentParser(
        prog='emulator', description='Emulated ESP32-S3 drone camera (protocol v2).')
    p.add_argument('--host', default='127.0.0.1', help='address to bind (default 127.0.0.1)')
    p.add_argument('--port', type=int, default=8080, help='TCP port, 0 for any (default 8080)')
    p.add_argument('--fps', type=float, default=20.0, help='frames per second (default 20)')
    p.add_argument('--frame-size', default='VGA', choices=FRAME_SIZE_NAMES)
    p.add_argument('--quality', type=int, default=12, choices=range(64), metavar='0-63')
    p.add_argument('--token', default=None,
                   help='command token (or env CAM_TOKEN); commands without it are refused')
    p.add_argument('--legacy', action='store_true',
                   help='be the stock README v2.1 firmware: protocol v1 on the WebSocket '
                        '(no commands, metadata or clock sync), its typed-command serial '
                        'console (docs/protocol.md, "Stock firmware console")')
    p.add_argument('--max-clients', type=int, default=3)
    p.add_argument('--faults', default='',
                   help=f'comma-separated faults to inject: {", ".join(ALL_FAULTS)}')
    p.add_argument('--fault-interval', type=int, default=10,
                   help='inject one fault every N frames (default 10)')
    p.add_argument('--stall-after', type=float, default=None,
                   help='stop sending (TCP stays open) after this many seconds')
    p.add_argument('--stall-for', type=float, default=5.0, help='stall duration (s)')
    p.add_argument('--die-after', type=float, default=None,
                   help='exit abruptly (no close handshake) after this many seconds')
    p.add_argument('--pre-encoded', type=int, default=0, metavar='N',
                   help='cycle N pre-encoded frames instead of rendering each one (fast)')
    p.add_argument('--capture-latency-ms', type=float, default=0.0,
                   help='delay between capture and send, as on the real device')
    p.add_argument('--capture-log', default=None,
                   help='append when each frame was captured (and skipped) to this file '
                        '(format: emulator/capture_log.py)')
    p.add_argument('--serial-pty', action='store_true',
                   help='open a serial console on a pseudo-terminal and print its path')
    p.add_argument('--serial-link', default=None,
                   help='keep a symlink to the pty here (SIGUSR1 unplugs/replugs)')
    p.add_argument('--heap', type=int, default=180000,
                   help='reported free heap; below 50000 the low-memory warning fires')
    p.add_argument('--page', default=None, help='HTML page to serve at / (default: firmware)')
    argv = list(sys.argv[1:] if argv is None else argv)
    if '--ros-args' in argv:  # started as a launch Node: ROS arguments are not ours
        argv = argv[:argv.index('--ros-args')]
    a = p.parse_args(argv)
    return EmulatorConfig(
        host=a.host, port=a.port, fps=a.fps, frame_size=a.frame_size, quality=a.quality,
        token=a.token or os.environ.get('CAM_TOKEN') or None, legacy=a.legacy,
        max_clients=a.max_clients,
        faults=tuple(f for f in a.faults.split(',') if f), fault_interval=a.fault_interval,
        stall_after=a.stall_after, stall_for=a.stall_for, die_after=a.die_after,
        pre_encoded=a.pre_encoded, capture_latency_ms=a.capture_latency_ms,
        capture_log=a.capture_log, serial_pty=a.serial_pty or bool(a.serial_link),
        serial_link=a.serial_link, heap=a.heap, page=a.page)


async def _serve(config: EmulatorConfig, signals: StopSignals) -> None:
    from .server import Emulator  # after the signal handlers: imports take a while
    emulator = Emulator(config)
    signals.attach(asyncio.get_running_loop(), emulator.stop)
    task = asyncio.ensure_future(emulator.run())
    await emulator.ready.wait()
    emulator.install_signal_handlers()
    mode = 'README v1' if config.legacy else 'protocol v2'
    print(f'EMULATOR READY ws://{config.host}:{emulator.port} ({mode}, {config.frame_size} '
          f'@ {config.fps:g} fps)', flush=True)
    await task


def main(argv=None) -> int:
    """Run the emulator until SIGINT or SIGTERM; exit 0 however many of them arrive."""
    signals = SIGNALS
    try:
        config = parse_args(argv)
    except ValueError as exc:
        print(f'emulator: {exc}', file=sys.stderr)
        return 2
    try:
        asyncio.run(_serve(config, signals))
    except KeyboardInterrupt:  # only if a signal came before the handlers were set
        pass
    finally:
        signals.ignore_from_now()
    return 0


if __name__ == '__main__':
    sys.exit(main())
