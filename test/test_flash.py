"""Tests of the flash tool against a stand-in ``pio`` that records how it was called."""

import json
import os
import signal
import stat
import subprocess
import sys

from esp32_drone_camera import flash
import pytest
from serial.tools import list_ports
from serial.tools.list_ports_common import ListPortInfo

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

PLATFORMIO_INI = """\
[platformio]
default_envs = freenove_esp32s3_cam

[env]
platform = espressif32
framework = arduino

[env:freenove_esp32s3_cam]
board = esp32-s3-devkitc-1

[env:xiao_esp32s3_sense]
board = seeed_xiao_esp32s3
"""

# Prints what PlatformIO and esptool print, including a build-flags line that
# echoes the secrets as `pio run -v` would, so the tests can check they are hidden.
FAKE_PIO = r"""
import json, os, signal, sys, time

LOG = os.environ['FAKE_PIO_LOG']


def record(entry):
    with open(LOG, 'a') as f:
        f.write(json.dumps(entry) + '\n')


def stopped(signum, frame):
    record({'signal': signum})
    sys.exit(1)


record({'argv': sys.argv[1:], 'pid': os.getpid(),
        'env': {k: os.environ.get(k) for k in ('CAM_AP_SSID', 'CAM_AP_PASSWORD', 'CAM_TOKEN',
                                               'CAM_COMMAND_TOKEN')}})
if sys.argv[1:3] == ['device', 'monitor']:
    sys.exit(0)
signal.signal(signal.SIGINT, stopped)
fail_at = os.environ.get('FAKE_PIO_FAIL_AT', '')
code = int(os.environ.get('FAKE_PIO_EXIT', '1'))
env = sys.argv[sys.argv.index('-e') + 1]
print(f'Processing {env} (platform: espressif32; board: esp32-s3-devkitc-1)')
print(f'Compiling .pio/build/{env}/src/main.cpp.o', flush=True)
print('-DCAM_COMMAND_TOKEN=\\"%s\\" -DCAM_AP_PASSWORD=\\"%s\\"' % (
    os.environ.get('CAM_COMMAND_TOKEN', ''), os.environ.get('CAM_AP_PASSWORD', '')), flush=True)
time.sleep(float(os.environ.get('FAKE_PIO_SLEEP', '0')))
if fail_at == 'build':
    print(f'*** [.pio/build/{env}/src/main.cpp.o] Error 1')
    sys.exit(code)
print(f'Linking .pio/build/{env}/firmware.elf')
if '-t' not in sys.argv:
    sys.exit(0)
print('Configuring upload protocol...')
print(f'Uploading .pio/build/{env}/firmware.bin')
if fail_at == 'upload':
    print('A fatal error occurred: Failed to connect to ESP32-S3: No serial data received.')
    sys.exit(code)
for pct in (0, 12, 25, 37, 50, 62, 75, 87, 100):
    sys.stdout.write('Writing at 0x%08x... (%d %%)\r' % (0x10000 + pct * 0x100, pct))
print('\nHard resetting via RTS pin...')
"""


class FakePio:
    """The stand-in ``pio`` on PATH and what it recorded."""

    def __init__(self, log_path):
        self.log_path = log_path

    def entries(self):
        if not os.path.exists(self.log_path):
            return []
        with open(self.log_path) as f:
            return [json.loads(line) for line in f]

    def calls(self):
        return [e['argv'] for e in self.entries() if 'argv' in e]


def _write_executable(path, text):
    with open(path, 'w') as f:
        f.write(text)
    os.chmod(path, os.stat(path).st_mode | stat.S_IXUSR)


@pytest.fixture
def fake_pio(tmp_path, monkeypatch):
    bin_dir = tmp_path / 'bin'
    bin_dir.mkdir()
    _write_executable(bin_dir / 'pio', f'#!{sys.executable}\n{FAKE_PIO}')
    monkeypatch.setenv('PATH', f'{bin_dir}{os.pathsep}{os.environ["PATH"]}')
    monkeypatch.setenv('FAKE_PIO_LOG', str(tmp_path / 'pio.log'))
    monkeypatch.setenv('HOME', str(tmp_path / 'home'))
    for name in ('CAM_AP_SSID', 'CAM_AP_PASSWORD', 'CAM_TOKEN', 'CAM_COMMAND_TOKEN',
                 'FAKE_PIO_FAIL_AT',
                 'FAKE_PIO_EXIT', 'FAKE_PIO_SLEEP', 'PLATFORMIO_CORE_DIR', 'XDG_CACHE_HOME'):
        monkeypatch.delenv(name, raising=False)
    return FakePio(str(tmp_path / 'pio.log'))


@pytest.fixture
def firmware(tmp_path):
    project = tmp_path / 'firmware'
    (project / 'src').mkdir(parents=True)
    (project / 'platformio.ini').write_text(PLATFORMIO_INI)
    (project / 'src' / 'main.cpp').write_text('void setup() {}\nvoid loop() {}\n')
    return str(project)


@pytest.fixture
def port():
    """Yield the path of an existing serial port: the slave side of a pseudo-terminal."""
    master, slave = os.openpty()
    path = os.ttyname(slave)
    # Only the master stays open here, or this test process would hold the port.
    os.close(slave)
    yield path
    os.close(master)


def _holder(port, *argv):
    """Start a process that opens ``port`` and has ``argv`` in its command line."""
    code = ('import os, sys, time\n'
            'fd = os.open(sys.argv[1], os.O_RDWR | os.O_NOCTTY)\n'
            'print("ready", flush=True)\n'
            'time.sleep(60)\n')
    proc = subprocess.Popen([sys.executable, '-c', code, port, *argv],
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == 'ready'
    return proc


def run_flash(capsys, *argv):
    code = flash.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_success_runs_pio_upload_with_exact_argv(fake_pio, firmware, port, capsys):
    code, out, err = run_flash(capsys, '--firmware-dir', firmware, '--port', port,
                               '--board', 'xiao_esp32s3_sense')
    assert code == 0, err
    assert fake_pio.calls() == [['run', '-d', firmware, '-e', 'xiao_esp32s3_sense',
                                 '-t', 'upload', '--upload-port', port]]
    # PlatformIO's lines are streamed, esptool's '\r' progress arrives as separate lines.
    assert 'Linking .pio/build/xiao_esp32s3_sense/firmware.elf' in out
    assert 'Writing at 0x00010c00... (12 %)' in out.splitlines()
    progress = [line for line in out.splitlines() if line.startswith('[flash] ')]
    assert '[flash] building firmware for xiao_esp32s3_sense ...' in progress
    assert f'[flash] uploading to {port} ...' in progress
    # One message per 10 % step that esptool crossed (it printed 0, 12, 25, ... 100).
    assert [p for p in progress if p.startswith('[flash] upload ')] == [
        f'[flash] upload {n}%' for n in (0, 10, 20, 30, 50, 60, 70, 80, 100)]
    assert progress[-1].startswith('[flash] done in ')


def test_default_board_is_platformio_default_env(fake_pio, firmware, port, capsys):
    code, _, err = run_flash(capsys, '--firmware-dir', firmware, '--port', port)
    assert code == 0, err
    assert fake_pio.calls()[0][3:5] == ['-e', 'freenove_esp32s3_cam']


@pytest.mark.parametrize('names, defaults, expected', [
    (['xiao_esp32s3_sense', 'freenove_esp32s3_cam'], [], 'freenove_esp32s3_cam'),
    (['xiao_esp32s3_sense', 'esp32s3_eye'], [], 'esp32s3_eye'),
    (['xiao_esp32s3_sense', 'esp32s3_eye'], ['xiao_esp32s3_sense'], 'xiao_esp32s3_sense'),
    (['custom'], [], 'custom'),
])
def test_default_board_prefers_default_envs_then_reference_board(names, defaults, expected):
    assert flash.default_board(flash.Boards(names, defaults)) == expected


def test_read_boards_follows_default_envs_and_extra_configs(firmware):
    with open(os.path.join(firmware, 'platformio.ini'), 'w') as f:
        f.write(PLATFORMIO_INI.replace('[platformio]\n',
                                       '[platformio]\nextra_configs = boards/*.ini\n'))
    os.mkdir(os.path.join(firmware, 'boards'))
    with open(os.path.join(firmware, 'boards', 'extra.ini'), 'w') as f:
        f.write('[env:esp32s3_eye]\nboard = esp32-s3-devkitc-1\n')
    boards = flash.read_boards(firmware)
    assert boards.names == ['freenove_esp32s3_cam', 'xiao_esp32s3_sense', 'esp32s3_eye']
    assert boards.defaults == ['freenove_esp32s3_cam']


def test_bundled_firmware_has_both_board_families(capsys):
    try:
        boards = flash.read_boards(flash.firmware_dir())
    except flash.FlashError:
        pytest.skip('firmware/platformio.ini not there yet')
    assert any('eye' in b or 'freenove' in b for b in boards.names), boards
    assert any('xiao' in b for b in boards.names), boards
    assert flash.default_board() in boards.names
    code, out, _ = run_flash(capsys, '--list-boards')
    assert code == 0 and out.split() == boards.names


def test_boards_come_from_platformio_ini(firmware, capsys):
    code, out, _ = run_flash(capsys, '--firmware-dir', firmware, '--list-boards')
    assert code == 0
    assert out.split() == ['freenove_esp32s3_cam', 'xiao_esp32s3_sense']


@pytest.mark.parametrize('flag, uploads', [
    (['--build-only'], False), (['--build-only', 'true'], False),
    (['--build-only', 'false'], True)])
def test_build_only(fake_pio, firmware, port, capsys, flag, uploads):
    # Building needs no board: a missing port must not matter.
    code, out, err = run_flash(capsys, '--firmware-dir', firmware, *flag, '--port',
                               port if uploads else '/dev/does-not-exist')
    assert code == 0, err
    expected = ['run', '-d', firmware, '-e', 'freenove_esp32s3_cam']
    if uploads:
        expected += ['-t', 'upload', '--upload-port', port]
    assert fake_pio.calls() == [expected]
    assert ('[flash] uploading' in out) == uploads


@pytest.mark.parametrize('fail_at, exit_code', [('upload', 3), ('build', 1)])
def test_pio_failure_passes_exit_code_through(fake_pio, firmware, port, capsys, monkeypatch,
                                              fail_at, exit_code):
    monkeypatch.setenv('FAKE_PIO_FAIL_AT', fail_at)
    monkeypatch.setenv('FAKE_PIO_EXIT', str(exit_code))
    code, out, err = run_flash(capsys, '--firmware-dir', firmware, '--port', port)
    assert code == exit_code
    assert f'{fail_at} failed (PlatformIO exit code {exit_code})' in err
    assert ('hold BOOT' in err) == (fail_at == 'upload')
    assert 'done in' not in out


def test_pio_missing_says_how_to_install(fake_pio, firmware, port, capsys, monkeypatch,
                                         tmp_path):
    empty = tmp_path / 'empty'
    empty.mkdir()
    monkeypatch.setenv('PATH', str(empty))
    monkeypatch.setattr(flash.platformio, '_module_available', lambda name: False)
    code, _, err = run_flash(capsys, '--firmware-dir', firmware, '--port', port)
    assert code == flash.EXIT_NO_PLATFORMIO == 10
    assert 'PlatformIO not found' in err
    assert 'pip install platformio' in err
    assert 'python3 -m pip install --user platformio' in err
    assert fake_pio.calls() == []


def test_python_m_platformio_is_the_last_resort(fake_pio, firmware, port, capsys, monkeypatch,
                                                tmp_path):
    empty = tmp_path / 'empty'
    empty.mkdir()
    monkeypatch.setenv('PATH', str(empty))
    package = tmp_path / 'pymods' / 'platformio'
    package.mkdir(parents=True)
    (package / '__init__.py').write_text('')
    (package / '__main__.py').write_text(FAKE_PIO)
    monkeypatch.syspath_prepend(str(tmp_path / 'pymods'))
    monkeypatch.setenv('PYTHONPATH', str(tmp_path / 'pymods'))
    code, out, err = run_flash(capsys, '--firmware-dir', firmware, '--port', port)
    assert code == 0, err
    assert f'running: {sys.executable} -m platformio run -d {firmware}' in out
    assert len(fake_pio.calls()) == 1


def test_unknown_board_lists_the_envs(fake_pio, firmware, port, capsys):
    code, _, err = run_flash(capsys, '--firmware-dir', firmware, '--port', port,
                             '--board', 'xiao_esp32s3')
    assert code == flash.EXIT_UNKNOWN_BOARD == 12
    assert "unknown board 'xiao_esp32s3'" in err
    assert 'freenove_esp32s3_cam, xiao_esp32s3_sense' in err
    assert "did you mean 'xiao_esp32s3_sense'" in err
    assert fake_pio.calls() == []


def test_missing_firmware(fake_pio, tmp_path, port, capsys):
    code, _, err = run_flash(capsys, '--firmware-dir', str(tmp_path / 'nowhere'),
                             '--port', port)
    assert code == flash.EXIT_NO_FIRMWARE == 11
    assert 'platformio.ini does not exist' in err


def test_missing_port(fake_pio, firmware, capsys):
    code, _, err = run_flash(capsys, '--firmware-dir', firmware, '--port', '/dev/ttyNOPE9')
    assert code == flash.EXIT_NO_PORT == 13
    assert 'no such port: /dev/ttyNOPE9' in err
    assert fake_pio.calls() == []


def test_port_held_by_camera_node_says_how_to_release_it(fake_pio, firmware, port, capsys):
    holder = _holder(port, '--ros-args', '-r', '__node:=camera_node')
    try:
        code, _, err = run_flash(capsys, '--firmware-dir', firmware, '--port', port)
    finally:
        holder.kill()
        holder.wait()
    assert code == flash.EXIT_PORT_BUSY == 14
    assert f'{port} is in use' in err
    assert f'pid {holder.pid}:' in err
    assert 'esp32_drone_camera node' in err
    assert '--release-node /camera/esp32_drone_camera' in err
    assert '/camera/esp32_drone_camera/release_serial std_srvs/srv/SetBool' in err
    assert fake_pio.calls() == []


def test_port_held_by_another_program(fake_pio, firmware, port, capsys):
    holder = _holder(port, 'minicom')
    try:
        code, _, err = run_flash(capsys, '--firmware-dir', firmware, '--port', port)
    finally:
        holder.kill()
        holder.wait()
    assert code == flash.EXIT_PORT_BUSY
    assert f'pid {holder.pid}:' in err and 'minicom' in err
    assert 'release' not in err
    assert fake_pio.calls() == []


def test_secrets_reach_pio_but_are_never_echoed(fake_pio, firmware, port, capsys,
                                                monkeypatch):
    token, password = 'tok-S3cr3t-0042', 'pw-S3cr3t-0043'
    monkeypatch.setenv('CAM_TOKEN', token)
    code, out, err = run_flash(capsys, '--firmware-dir', firmware, '--port', port,
                               '--ssid', 'DroneCam', '--password', password)
    assert code == 0, err
    # The firmware's build script reads the token as CAM_COMMAND_TOKEN.
    assert fake_pio.entries()[0]['env'] == {
        'CAM_AP_SSID': 'DroneCam', 'CAM_AP_PASSWORD': password, 'CAM_TOKEN': token,
        'CAM_COMMAND_TOKEN': token}
    assert token not in out + err and password not in out + err
    assert 'CAM_AP_SSID=DroneCam, CAM_AP_PASSWORD=<set>, CAM_TOKEN=<set>' in out
    # The stand-in echoes both in its build flags, as `pio run -v` does.
    assert '-DCAM_COMMAND_TOKEN=\\"***\\" -DCAM_AP_PASSWORD=\\"***\\"' in out


@pytest.mark.parametrize('given', [
    {'CAM_COMMAND_TOKEN': 'firmware-name-tok'},
    {'CAM_TOKEN': 'env-tok', 'CAM_COMMAND_TOKEN': 'other-tok'},
    {'argv': 'argv-tok', 'CAM_TOKEN': 'env-tok'}])
def test_token_precedence_argv_then_cam_token_then_firmware_name(
        fake_pio, firmware, port, capsys, monkeypatch, given):
    given = dict(given)
    argv = ['--token', given.pop('argv')] if 'argv' in given else []
    for name, value in given.items():
        monkeypatch.setenv(name, value)
    code, out, err = run_flash(capsys, '--firmware-dir', firmware, '--port', port, *argv)
    assert code == 0, err
    expected = argv[1] if argv else given.get('CAM_TOKEN', given.get('CAM_COMMAND_TOKEN'))
    env = fake_pio.entries()[0]['env']
    assert env['CAM_TOKEN'] == env['CAM_COMMAND_TOKEN'] == expected
    assert not [t for t in ('firmware-name-tok', 'env-tok', 'other-tok', 'argv-tok')
                if t in out + err]


def test_short_password_is_refused(fake_pio, firmware, port):
    with pytest.raises(SystemExit) as exc:
        flash.main(['--firmware-dir', firmware, '--port', port, '--password', 'short'])
    assert exc.value.code == flash.EXIT_USAGE == 2
    assert fake_pio.calls() == []


def test_monitor_after_upload(fake_pio, firmware, port, capsys):
    code, _, err = run_flash(capsys, '--firmware-dir', firmware, '--port', port, '--monitor')
    assert code == 0, err
    assert fake_pio.calls()[1] == ['device', 'monitor', '-d', firmware,
                                   '-e', 'freenove_esp32s3_cam', '-p', port]


def test_read_only_firmware_is_built_in_a_cache_copy(fake_pio, firmware, port, capsys,
                                                     monkeypatch, tmp_path):
    monkeypatch.setattr(flash.project, '_is_writable', lambda path: path != firmware)
    monkeypatch.setenv('XDG_CACHE_HOME', str(tmp_path / 'cache'))
    copy = tmp_path / 'cache' / 'esp32_drone_camera' / 'firmware'
    (copy / '.pio').mkdir(parents=True)
    (copy / 'stale.cpp').write_text('')
    code, out, err = run_flash(capsys, '--firmware-dir', firmware, '--port', port)
    assert code == 0, err
    assert fake_pio.calls()[0][1:3] == ['-d', str(copy)]
    assert (copy / 'src' / 'main.cpp').is_file()
    assert (copy / '.pio').is_dir(), 'the build cache must survive the sync'
    assert not (copy / 'stale.cpp').exists()
    assert f'is read-only; building a copy in {copy}' in out


# SIGINT is Ctrl-C; SIGTERM is what ros2 launch escalates to.
@pytest.mark.parametrize('stop_signal', [signal.SIGINT, signal.SIGTERM])
def test_ctrl_c_stops_pio(fake_pio, firmware, port, monkeypatch, stop_signal):
    monkeypatch.setenv('FAKE_PIO_SLEEP', '30')
    proc = subprocess.Popen(
        [sys.executable, '-m', 'esp32_drone_camera.flash', '--firmware-dir', firmware,
         '--port', port], cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    for line in proc.stdout:
        if line.startswith('Compiling'):
            break
    proc.send_signal(stop_signal)
    _, err = proc.communicate(timeout=10)
    assert proc.returncode == flash.EXIT_INTERRUPTED == 130
    assert 'interrupted; PlatformIO stopped' in err
    entries = fake_pio.entries()
    assert {'signal': signal.SIGINT} in entries
    with pytest.raises(ProcessLookupError):
        os.kill(entries[0]['pid'], 0)


def test_release_node_needs_rclpy(fake_pio, firmware, port, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, 'rclpy', None)
    code, _, err = run_flash(capsys, '--firmware-dir', firmware, '--port', port,
                             '--release-node', '/camera/esp32_drone_camera')
    assert code == flash.EXIT_RELEASE_FAILED == 16
    assert '--release-node needs rclpy' in err
    assert fake_pio.calls() == []


# A camera node stand-in: holds the port and offers ~/release_serial like the real one.
FAKE_CAMERA_NODE = """
import os, sys
import rclpy
from std_srvs.srv import SetBool

port, log = sys.argv[1], sys.argv[2]
state = {'fd': os.open(port, os.O_RDWR | os.O_NOCTTY)}


def release_serial(request, response):
    if request.data and state['fd'] is not None:
        os.close(state['fd'])
        state['fd'] = None
    elif not request.data and state['fd'] is None:
        state['fd'] = os.open(port, os.O_RDWR | os.O_NOCTTY)
    with open(log, 'a') as f:
        f.write(f'{request.data}\\n')
    response.success = True
    response.message = 'released' if request.data else 'acquired'
    return response


rclpy.init()
node = rclpy.create_node('esp32_drone_camera', namespace='/camera')
node.create_service(SetBool, '~/release_serial', release_serial)
print('ready', flush=True)
rclpy.spin(node)
"""


@pytest.fixture
def camera_node(port, monkeypatch, tmp_path):
    """Start the stand-in camera node on ``port``; yield (process, log of its calls)."""
    pytest.importorskip('rclpy')
    # ROS_DOMAIN_ID is the test run's own (conftest.py; CAMERA_TEST_DOMAIN pins it).
    monkeypatch.setenv('ROS_AUTOMATIC_DISCOVERY_RANGE', 'LOCALHOST')
    calls = tmp_path / 'release.log'
    node = subprocess.Popen([sys.executable, '-c', FAKE_CAMERA_NODE, port, str(calls),
                             'camera_node'], stdout=subprocess.PIPE, text=True)
    try:
        assert node.stdout.readline().strip() == 'ready'
        yield node, calls
    finally:
        node.kill()
        node.wait()


def test_release_node_frees_the_port_and_takes_it_back(fake_pio, firmware, port, capsys,
                                                       camera_node):
    node, calls = camera_node
    code, out, err = run_flash(capsys, '--firmware-dir', firmware, '--port', port,
                               '--release-node', '/camera/esp32_drone_camera')
    assert code == 0, err
    assert calls.read_text().split() == ['True', 'False']
    assert len(fake_pio.calls()) == 1
    assert f'[flash] /camera/esp32_drone_camera released {port} (released)' in out
    assert f'[flash] /camera/esp32_drone_camera re-acquired {port} (acquired)' in out
    # Back in the node's hands after the flash.
    assert [h.pid for h in flash.port_holders(port)] == [node.pid]


def test_release_node_takes_the_port_back_when_someone_else_holds_it(
        fake_pio, firmware, port, capsys, camera_node):
    _, calls = camera_node
    other = _holder(port, 'minicom')
    try:
        code, _, err = run_flash(capsys, '--firmware-dir', firmware, '--port', port,
                                 '--release-node', '/camera/esp32_drone_camera')
    finally:
        other.kill()
        other.wait()
    assert code == flash.EXIT_PORT_BUSY
    assert f'pid {other.pid}:' in err
    assert calls.read_text().split() == ['True', 'False']
    assert fake_pio.calls() == []


# --- port choice by USB VID:PID -------------------------------------------------------------

def usb_port(device, vid=None, pid=None, description='n/a'):
    """Describe a port as pyserial's comports() does."""
    info = ListPortInfo(device, skip_link_detection=True)
    info.vid, info.pid, info.description = vid, pid, description
    return info


S3_NATIVE = {'vid': 0x303a, 'pid': 0x1001, 'description': 'USB JTAG/serial debug unit'}
CP210X = {'vid': 0x10c4, 'pid': 0xea60, 'description': 'CP2102 USB to UART Bridge Controller'}
CH340 = {'vid': 0x1a86, 'pid': 0x7523, 'description': 'USB Serial'}
FTDI = {'vid': 0x0403, 'pid': 0x6001, 'description': 'FT232R USB UART'}
CH9102 = {'vid': 0x1a86, 'pid': 0x55d4, 'description': 'USB Single Serial'}
OTHER_USB = {'vid': 0x2341, 'pid': 0x0043, 'description': 'Arduino Uno'}


@pytest.fixture
def comports(monkeypatch):
    """Replace pyserial's port list (for these tests only) with the ports given to it."""
    present = []
    monkeypatch.setattr(list_ports, 'comports', lambda *a, **k: list(present))
    return present


# Any Espressif PID is an Espressif chip (303a:0002: an ESP32-S2's ROM USB serial).
ESPRESSIF_OTHER = {'vid': 0x303a, 'pid': 0x0002, 'description': 'ESP32-S2'}


@pytest.mark.parametrize('ids', [S3_NATIVE, ESPRESSIF_OTHER, CP210X, CH340, CH9102, FTDI])
def test_the_one_esp32_board_is_chosen_and_why(comports, ids):
    comports += [usb_port('/dev/ttyS0', description='ttyS0'),
                 usb_port('/dev/ttyACM3', **OTHER_USB), usb_port('/dev/ttyUSB7', **ids)]
    choice = flash.ports.find_camera_port()
    assert choice.device == '/dev/ttyUSB7'
    assert f"{ids['vid']:04x}:{ids['pid']:04x}" in choice.reason
    assert 'the only port with' in choice.reason
    assert '/dev/ttyACM3' not in choice.reason and '/dev/ttyS0' not in choice.reason


def test_native_usb_esp32_wins_over_a_usb_uart_bridge(comports):
    comports += [usb_port('/dev/ttyUSB0', **CP210X), usb_port('/dev/ttyACM0', **S3_NATIVE)]
    choice = flash.ports.find_camera_port()
    assert choice.device == '/dev/ttyACM0'
    assert 'Espressif USB Serial/JTAG (ESP32-S3 native USB)' in choice.reason
    assert "Espressif's own USB vendor ID" in choice.reason
    # The bridge it passed over is named, so a user who meant it knows to pass --port.
    assert 'not chosen: /dev/ttyUSB0 (10c4:ea60 Silicon Labs CP210x' in choice.reason


@pytest.mark.parametrize('first, second', [(S3_NATIVE, S3_NATIVE), (CP210X, CH340)])
def test_two_candidates_are_refused_with_both_listed(fake_pio, firmware, comports, capsys,
                                                     first, second):
    comports += [usb_port('/dev/ttyUSB0', **first), usb_port('/dev/ttyUSB1', **second)]
    code, out, err = run_flash(capsys, '--firmware-dir', firmware)
    assert code == flash.EXIT_PORT_AMBIGUOUS == 17
    assert 'more than one board could be the camera; pick its port with --port' in err
    assert f"/dev/ttyUSB0 ({first['vid']:04x}:{first['pid']:04x}" in err
    assert f"/dev/ttyUSB1 ({second['vid']:04x}:{second['pid']:04x}" in err
    assert f'"{first["description"]}"' in err
    assert fake_pio.calls() == []


def test_no_esp32_board_lists_the_ports_there_are(fake_pio, firmware, comports, capsys):
    comports += [usb_port('/dev/ttyACM3', **OTHER_USB),
                 usb_port('/dev/ttyS0', description='ttyS0'), usb_port('/dev/ttyS1')]
    code, _, err = run_flash(capsys, '--firmware-dir', firmware)
    assert code == flash.EXIT_NO_PORT == 13
    assert 'no ESP32 board found' in err and '303a' in err and '10c4:ea60' in err
    assert '/dev/ttyACM3 (2341:0043 not a known ESP32 board or USB-UART bridge, ' \
           '"Arduino Uno")' in err
    assert '/dev/ttyS0 (no USB IDs: ttyS0)' in err and '/dev/ttyS1 (no USB IDs)' in err


def test_no_serial_port_at_all_says_what_to_check(fake_pio, firmware, comports, capsys):
    code, _, err = run_flash(capsys, '--firmware-dir', firmware)
    assert code == flash.EXIT_NO_PORT
    assert 'no serial ports at all' in err and 'hold BOOT' in err


def test_chosen_port_is_flashed_and_named(fake_pio, firmware, port, comports, capsys):
    comports += [usb_port('/dev/ttyUSB0', **OTHER_USB), usb_port(port, **S3_NATIVE)]
    code, out, err = run_flash(capsys, '--firmware-dir', firmware)
    assert code == 0, err
    assert fake_pio.calls()[0][-2:] == ['--upload-port', port]
    assert f'[flash] port {port} chosen: {port} (303a:1001 Espressif USB Serial/JTAG ' \
           '(ESP32-S3 native USB), "USB JTAG/serial debug unit"): the only port with ' \
           "Espressif's own USB vendor ID" in out


def test_an_explicit_port_is_used_as_given(fake_pio, firmware, port, comports, capsys):
    comports += [usb_port('/dev/ttyACM0', **S3_NATIVE)]
    code, out, err = run_flash(capsys, '--firmware-dir', firmware, '--port', port)
    assert code == 0, err
    assert fake_pio.calls()[0][-2:] == ['--upload-port', port]
    assert 'chosen' not in out


def test_missing_port_lists_the_ports_there_are(fake_pio, firmware, comports, capsys):
    comports += [usb_port('/dev/ttyACM0', **S3_NATIVE)]
    code, _, err = run_flash(capsys, '--firmware-dir', firmware, '--port', '/dev/ttyNOPE9')
    assert code == flash.EXIT_NO_PORT
    assert 'no such port: /dev/ttyNOPE9; serial ports present:\n  /dev/ttyACM0 (303a:1001' in err
