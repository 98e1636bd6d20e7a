"""
The emulator exits 0, without a traceback and in bounded time, on any stop signals.

As under ``ros2 launch``, where a Ctrl-C reaches it twice (the terminal's process
group, then launch itself) a few milliseconds apart, SIGINT and SIGTERM may come in
any order and at any interval.
"""

import base64
import os
import signal
import socket
import subprocess
import sys
import threading
import time

import pytest
from support import free_port, ROOT
from websockets.sync.client import connect

DELAYS_MS = (0, 10, 50, 100, 250, 500)
PAIRS = {'int+int': (signal.SIGINT, signal.SIGINT), 'int+term': (signal.SIGINT, signal.SIGTERM),
         'term+int': (signal.SIGTERM, signal.SIGINT)}
EXIT_BOUND_S = 4.0  # below launch's 5 s before it escalates to SIGTERM/SIGKILL


def start_emulator(*extra):
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, '-m', 'esp32_drone_camera.emulator', '--port', str(port),
         '--serial-pty', *extra], cwd=ROOT, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 15
    for line in proc.stdout:
        if 'EMULATOR READY' in line:
            break
        assert time.monotonic() < deadline, 'emulator did not start'
    threading.Thread(target=proc.stdout.read, daemon=True).start()  # keep the pipe drained
    return proc, port


def viewer(port):
    """Receive frames until the emulator closes the connection (as the node does)."""
    def run():
        try:
            with connect(f'ws://127.0.0.1:{port}', compression=None, max_size=None) as ws:
                for _ in ws:
                    pass
        except Exception:  # closed by the emulator's exit: that is the point
            pass
    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def stalled_viewer(port):
    """Upgrade to a WebSocket, then never read: its close handshake never completes."""
    sock = socket.create_connection(('127.0.0.1', port))
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    key = base64.b64encode(os.urandom(16)).decode()
    sock.sendall((f'GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\n'
                  f'Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n'
                  'Sec-WebSocket-Version: 13\r\n\r\n').encode())
    assert b'101' in sock.recv(200)
    return sock


def signal_and_wait(proc, first, second, delay_ms):
    proc.send_signal(first)
    t0 = time.monotonic()
    if delay_ms:
        time.sleep(delay_ms / 1000)
    if proc.poll() is None:
        proc.send_signal(second)
    try:
        proc.wait(EXIT_BOUND_S + 6)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    elapsed = time.monotonic() - t0
    return proc.returncode, proc.stderr.read(), elapsed


@pytest.mark.parametrize('delay_ms', DELAYS_MS)
@pytest.mark.parametrize('pair', PAIRS)
def test_two_stop_signals_exit_zero(pair, delay_ms):
    proc, port = start_emulator('--pre-encoded', '5')
    viewer(port)
    time.sleep(0.3)  # streaming to the viewer when the signals come
    code, err, elapsed = signal_and_wait(proc, *PAIRS[pair], delay_ms)
    assert code == 0, f'exit {code}\n{err}'
    assert 'Traceback' not in err and 'KeyboardInterrupt' not in err, err
    assert elapsed < EXIT_BOUND_S, f'took {elapsed:.2f} s'


@pytest.mark.parametrize('pair', ['int+int', 'term+int'])
def test_stalled_viewer_does_not_hold_up_the_exit(pair):
    proc, port = start_emulator('--pre-encoded', '5')
    sock = stalled_viewer(port)
    try:
        time.sleep(1.0)  # its socket buffers fill up
        code, err, elapsed = signal_and_wait(proc, *PAIRS[pair], 50)
    finally:
        sock.close()
    assert code == 0 and 'Traceback' not in err, f'exit {code}\n{err}'
    assert elapsed < EXIT_BOUND_S, f'took {elapsed:.2f} s'


def test_signal_while_starting_exits_zero():
    port = free_port()
    proc = subprocess.Popen([sys.executable, '-m', 'esp32_drone_camera.emulator', '--port',
                             str(port)], cwd=ROOT, stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    time.sleep(0.25)  # importing: before the event loop runs
    code, err, elapsed = signal_and_wait(proc, signal.SIGINT, signal.SIGINT, 10)
    assert code == 0 and 'Traceback' not in err, f'exit {code}\n{err}'
    assert elapsed < EXIT_BOUND_S
