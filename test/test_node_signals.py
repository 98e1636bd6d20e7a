"""
Ctrl-C and SIGTERM stop the camera node cleanly, however and whenever they arrive.

Under ``ros2 launch`` a terminal Ctrl-C reaches the node twice (the process group's
SIGINT, then launch's own); a single SIGINT must stop it too, while streaming, while
reconnecting to a dead port and while a service call waits for a silent device. Every
trial starts a fresh node process and checks: exit code 0 within 1.5 s of the first
signal, no traceback, and no line logged after rclpy's context was gone ("publisher's
context is invalid"). A caller waiting on a command at that moment gets an answer.
"""

import os
import random
import select
import signal
import statistics
import time

from camera_testkit.processes import CameraNode, Emulator, free_port, Proc, PY, wait_for
import pytest
from std_srvs.srv import Trigger

EXIT_BOUND_S = 1.5
DELAYS_MS = (0, 10, 50, 100, 250, 500)
PAIRS = ((signal.SIGINT, signal.SIGINT), (signal.SIGINT, signal.SIGTERM),
         (signal.SIGTERM, signal.SIGINT))
RANDOM_TRIALS = 50
STARTUP_TRIALS = 8
STARTUP_BOUND_S = 10.0  # the rest of the start-up (imports, DDS) then the shutdown
FAST_RECONNECT = {'reconnect_min': 0.05, 'reconnect_max': 0.2, 'connect_timeout': 0.5}
SIGN_OF_TROUBLE = ('Traceback', 'KeyboardInterrupt', 'context is invalid', 'Failed to publish')
SHUTDOWN_TIMES = []  # seconds from the first signal to the exit, every trial


@pytest.fixture(scope='module')
def emulator():
    emu = Emulator('--pre-encoded', '10')
    yield emu
    emu.stop()


@pytest.fixture(scope='module')
def silent_serial():
    """Yield a pty whose device end never answers: a command over it stays in flight."""
    master, slave = os.openpty()
    yield master, os.ttyname(slave)
    os.close(master)
    os.close(slave)


def start_node(url, ready='streaming from', **params):
    node = CameraNode(url, **params)
    node.wait_line(ready, timeout=30)
    return node


def stop_and_check(node, signals):
    """Send ``signals`` [(signal, delay before it in s)]; check the exit; return seconds."""
    first = None
    for sig, delay in signals:
        if delay:
            time.sleep(delay)
        if first is None:
            first = time.monotonic()
        node.signal(sig)
    try:
        code = node.proc.wait(EXIT_BOUND_S + 3)
    except Exception:  # noqa: BLE001 - report the hang, then clean up
        node.proc.kill()
        node.proc.wait()
        raise AssertionError(f'node did not exit after {signals}:\n{node.output[-3000:]}')
    took = time.monotonic() - first
    node.stop()  # joins the output reader
    SHUTDOWN_TIMES.append(took)
    output = node.output
    assert code == 0, f'exit {code} after {signals}:\n{output[-3000:]}'
    assert took <= EXIT_BOUND_S, f'exit took {took:.2f} s after {signals}:\n{output[-3000:]}'
    for trouble in SIGN_OF_TROUBLE:
        assert trouble not in output, f'{trouble!r} after {signals}:\n{output[-3000:]}'
    return took


def test_double_signals_at_every_delay(emulator):
    """The launch Ctrl-C: two signals, the second 0-500 ms after the first."""
    for first, second in PAIRS:
        for delay_ms in DELAYS_MS:
            node = start_node(emulator.url, ready='connected to')
            time.sleep(0.2)  # streaming
            stop_and_check(node, [(first, 0), (second, delay_ms / 1000)])


def _signals_taken_over(pid, timeout=10.0) -> bool:
    # StopSignals blocks SIGINT and SIGTERM in the main thread until the node waits.
    def blocked():
        try:
            with open(f'/proc/{pid}/status', encoding='ascii') as f:
                mask = next(int(line.split()[1], 16) for line in f
                            if line.startswith('SigBlk:'))
        except (OSError, StopIteration):
            return False
        return mask & (1 << (signal.SIGINT - 1)) != 0
    return wait_for(blocked, timeout, interval=0.005)


def test_signals_during_start_up(emulator):
    """The camera_node command (node_main.py): a Ctrl-C during its imports stops it too."""
    rng = random.Random(int(os.environ.get('CAMERA_SIGNAL_SEED', time.time_ns())))
    for trial in range(STARTUP_TRIALS):
        node = Proc([PY, '-m', 'esp32_drone_camera.node_main', '--ros-args',
                     '-r', '__ns:=/camera', '-p', f'device_url:={emulator.url}'])
        assert _signals_taken_over(node.pid), node.output
        time.sleep(rng.uniform(0, 1.0))  # the imports, the node's construction
        second = (signal.SIGINT, signal.SIGTERM)[trial % 2]
        node.signal(signal.SIGINT)
        node.signal(second)
        try:
            code = node.proc.wait(STARTUP_BOUND_S)
        finally:
            node.stop()
        output = node.output
        assert code == 0, f'exit {code} (trial {trial}):\n{output[-3000:]}'
        for trouble in SIGN_OF_TROUBLE:
            assert trouble not in output, f'{trouble!r} (trial {trial}):\n{output[-3000:]}'


def _in_flight(master, timeout=5.0) -> bool:
    """Wait until the node writes a command line on the silent pty."""
    seen = b''
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 0.05)
        if ready:
            try:
                seen += os.read(master, 4096)
            except OSError:
                return False
            if b'"cmd"' in seen:
                return True
    return False


def _drain(master) -> None:
    while select.select([master], [], [], 0)[0]:
        try:
            os.read(master, 4096)
        except OSError:
            return


def mid_command_trial(rng, probe, emulator, silent_serial):
    master, port = silent_serial
    _drain(master)
    node = start_node(emulator.url, ready='connected to', serial_port=port,
                      command_transport='serial', command_timeout=10.0)
    client = probe.node.create_client(Trigger, f'{probe.target}/get_status')
    try:
        assert client.wait_for_service(timeout_sec=10.0)
        assert wait_for(lambda: 'serial open' in node.output, 10), node.output
        future = client.call_async(Trigger.Request())
        assert _in_flight(master), 'the command never reached the serial port'
        stop_and_check(node, [(signal.SIGINT, rng.uniform(0, 0.3))])
        # The waiting call was cancelled at shutdown, and its caller told so.
        assert wait_for(future.done, 2.0), 'the waiting service call got no answer'
        response = future.result()
        assert not response.success and 'cancelled' in response.message, response.message
    finally:
        probe.node.destroy_client(client)


def test_single_sigint_at_random_moments(emulator, silent_serial, probe):
    """50 SIGINTs: streaming, reconnecting to a dead port, mid-command on a silent device."""
    rng = random.Random(int(os.environ.get('CAMERA_SIGNAL_SEED', time.time_ns())))
    dead_url = f'ws://127.0.0.1:{free_port()}'
    scenarios = ('streaming', 'reconnecting', 'mid_command')
    counts = dict.fromkeys(scenarios, 0)
    for trial in range(RANDOM_TRIALS):
        scenario = scenarios[trial % len(scenarios)]
        counts[scenario] += 1
        if scenario == 'mid_command':
            mid_command_trial(rng, probe, emulator, silent_serial)
            continue
        if scenario == 'streaming':
            node = start_node(emulator.url, ready='connected to')
        else:
            node = start_node(dead_url, **FAST_RECONNECT)
        stop_and_check(node, [(signal.SIGINT, rng.uniform(0, 1.0))])
    assert min(counts.values()) >= RANDOM_TRIALS // len(scenarios)
    print(f'\n{len(SHUTDOWN_TIMES)} trials in this module, exit after the first signal: '
          f'p50 {statistics.median(SHUTDOWN_TIMES) * 1000:.0f} ms, '
          f'max {max(SHUTDOWN_TIMES) * 1000:.0f} ms')
