"""Launch files, loaded against the fake launch API in test/fake_launch (no ROS launch here)."""

import contextlib
import importlib.util
import os
import subprocess
import sys

from esp32_drone_camera.protocol import DEFAULT_PORT
import pytest

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FAKE_LAUNCH = os.path.join(REPO, 'test', 'fake_launch')


def _is_launch_module(name):
    return name.split('.')[0] in ('launch', 'launch_ros')


@contextlib.contextmanager
def fake_launch_api():
    """
    Make ``import launch`` / ``import launch_ros`` give the fake, inside the block only.

    Afterwards the fake's modules are dropped and any real launch modules restored,
    so nothing leaks into other tests.
    """
    saved = {n: m for n, m in sys.modules.items() if _is_launch_module(n)}
    for name in saved:
        del sys.modules[name]
    sys.path.insert(0, FAKE_LAUNCH)
    try:
        yield
    finally:
        sys.path.remove(FAKE_LAUNCH)
        for name in [n for n in sys.modules if _is_launch_module(n)]:
            del sys.modules[name]
        sys.modules.update(saved)


def _load(filename):
    path = os.path.join(REPO, 'launch', filename)
    spec = importlib.util.spec_from_file_location(filename.replace('.', '_'), path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def load_launch_file():
    """Return a loader of ``launch/<filename>`` that uses the fake launch API."""
    with fake_launch_api():
        yield _load


def _context(**configurations):
    from launch import LaunchContext
    context = LaunchContext()
    context.launch_configurations.update(configurations)
    return context


def _defaults(description):
    return {arg.name: arg.default_value for arg in description.get_launch_arguments()}


def _resolve(context, parts):
    from launch.utilities import normalize_to_list_of_substitutions, perform_substitutions
    return [perform_substitutions(context, normalize_to_list_of_substitutions(part))
            for part in parts]


# --- flash.launch.py ------------------------------------------------------------------------

def _flash_description(load_launch_file):
    return load_launch_file('flash.launch.py').generate_launch_description()


def _only(entities, cls):
    found = [e for e in entities if type(e) is cls]
    assert len(found) == 1, found
    return found[0]


def test_flash_launch_declares_its_arguments(load_launch_file):
    from esp32_drone_camera import flash
    description = _flash_description(load_launch_file)
    assert _defaults(description) == {
        'port': '',
        'board': flash.default_board(),
        'build_only': 'false',
        'release_node': '',
    }
    build_only = next(a for a in description.get_launch_arguments() if a.name == 'build_only')
    assert build_only.choices == ['true', 'false']


def test_flash_launch_default_board_is_the_reference_board(load_launch_file):
    from esp32_drone_camera import flash
    description = _flash_description(load_launch_file)
    board = _defaults(description)['board']
    try:
        boards = flash.read_boards(flash.firmware_dir())
    except flash.FlashError:
        pytest.skip('firmware/platformio.ini not there yet')
    assert board in boards.names
    assert board == (boards.defaults or [b for b in boards.names
                                         if 'eye' in b.lower() or 'freenove' in b.lower()])[0]


def test_flash_launch_runs_the_flash_executable_with_the_arguments(load_launch_file):
    from launch.actions import ExecuteProcess
    description = _flash_description(load_launch_file)
    process = _only(description.entities, ExecuteProcess)
    executable, *arguments = process.cmd
    assert executable.init_args == {'executable': 'flash', 'package': 'esp32_drone_camera'}
    context = _context(port='/dev/ttyUSB3', board='xiao_esp32s3_sense', build_only='true',
                       release_node='/camera/esp32_drone_camera')
    assert _resolve(context, arguments) == [
        '--port', '/dev/ttyUSB3', '--board', 'xiao_esp32s3_sense', '--build-only', 'true',
        '--release-node', '/camera/esp32_drone_camera']
    assert process.output == 'screen'
    assert process.condition is None


def test_flash_launch_arguments_parse_as_flash_command_line(load_launch_file):
    from esp32_drone_camera import flash
    from launch.actions import ExecuteProcess
    description = _flash_description(load_launch_file)
    process = _only(description.entities, ExecuteProcess)
    args = flash.parse_args(_resolve(_context(**_defaults(description)), process.cmd[1:]))
    # An empty port: the tool finds the board by its USB VID:PID.
    assert (args.port, args.build_only, args.release_node) == ('', False, '')
    assert args.board == flash.default_board()


def _exit_event(process, returncode):
    from launch.events.process import ProcessExited
    return ProcessExited(returncode=returncode, action=process, name='flash', cmd=[],
                         cwd=None, env=None, pid=1234)


def test_flash_launch_shuts_down_when_flash_succeeds(load_launch_file):
    from launch.actions import EmitEvent, ExecuteProcess, RegisterEventHandler
    from launch.events import Shutdown
    description = _flash_description(load_launch_file)
    process = _only(description.entities, ExecuteProcess)
    handler = _only(description.entities, RegisterEventHandler).event_handler
    assert handler.target_action is process
    event = _exit_event(process, 0)
    assert handler.matches(event)
    actions = handler.handle(event, _context())
    shutdown = _only(actions, EmitEvent).event
    assert isinstance(shutdown, Shutdown)


def test_flash_launch_fails_when_flash_fails(load_launch_file):
    from launch.actions import EmitEvent, ExecuteProcess, OpaqueFunction, RegisterEventHandler
    description = _flash_description(load_launch_file)
    process = _only(description.entities, ExecuteProcess)
    handler = _only(description.entities, RegisterEventHandler).event_handler
    actions = handler.handle(_exit_event(process, 14), _context())
    assert not [a for a in actions if isinstance(a, EmitEvent)]
    # Raising inside launch is what makes ros2 launch exit with a failure.
    with pytest.raises(RuntimeError, match='flash failed with exit code 14'):
        _only(actions, OpaqueFunction).execute(_context())


def test_fake_launch_api_does_not_leak(monkeypatch):
    real = type(sys)('launch')  # stands for a real launch package imported elsewhere
    monkeypatch.setitem(sys.modules, 'launch', real)
    with fake_launch_api():
        module = _load('flash.launch.py')
        assert module.LaunchDescription.__module__ == 'launch.launch_description'
        assert sys.modules['launch'] is not real
    assert FAKE_LAUNCH not in sys.path
    assert sys.modules['launch'] is real
    assert not [n for n in sys.modules if n.startswith(('launch.', 'launch_ros'))]


def test_fake_launch_rejects_apis_newer_than_humble(load_launch_file):
    load_launch_file('flash.launch.py')
    from launch.actions import IncludeLaunchDescription
    from launch.substitutions import PythonExpression
    with pytest.raises(TypeError):
        PythonExpression('1 + 1', python_modules=['math'])
    with pytest.raises(TypeError):
        IncludeLaunchDescription('other.launch.py')


# --- camera.launch.py -----------------------------------------------------------------------

def _camera(load_launch_file):
    from launch_ros.actions import Node
    description = load_launch_file('camera.launch.py').generate_launch_description()
    nodes = {n.node_executable: n for n in description.entities if isinstance(n, Node)}
    return description, nodes['camera_node'], nodes['emulator']


def _viewer(load_launch_file):
    from launch_ros.actions import Node
    description = load_launch_file('camera.launch.py').generate_launch_description()
    [viewer] = [n for n in description.entities
                if isinstance(n, Node) and n.node_executable == 'viewer']
    return description, viewer


def test_camera_launch_declares_its_arguments(load_launch_file, tmp_path, monkeypatch):
    # An install prefix as colcon makes it, so FindPackageShare has something to find.
    index = tmp_path / 'share' / 'ament_index' / 'resource_index' / 'packages'
    index.mkdir(parents=True)
    (index / 'esp32_drone_camera').touch()
    monkeypatch.setenv('AMENT_PREFIX_PATH', str(tmp_path))
    description, _, _ = _camera(load_launch_file)
    defaults = _defaults(description)
    assert set(defaults) == {'namespace', 'params_file', 'device_url', 'emulate',
                             'emulator_port', 'serial_port', 'log_level', 'viewer'}
    assert defaults['namespace'] == 'camera'
    assert defaults['device_url'] == f'ws://192.168.4.1:{DEFAULT_PORT}'
    assert defaults['emulate'] == 'false' and defaults['serial_port'] == ''
    context = _context(**{k: v for k, v in defaults.items() if isinstance(v, str)})
    [params_file] = _resolve(context, [defaults['params_file']])
    assert params_file == str(tmp_path / 'share/esp32_drone_camera/config/camera.yaml')


@pytest.mark.parametrize('emulate,url', [
    ('false', f'ws://192.168.4.1:{DEFAULT_PORT}'),
    ('true', 'ws://127.0.0.1:8123'),
])
def test_camera_launch_points_the_node_at_the_device_or_emulator(load_launch_file, emulate,
                                                                 url):
    description, camera, emulator = _camera(load_launch_file)
    config = {k: v for k, v in _defaults(description).items() if isinstance(v, str)}
    config.update(emulate=emulate, emulator_port='8123', params_file='/p.yaml')
    context = _context(**config)
    assert camera.node_package == 'esp32_drone_camera'
    assert camera.node_name == 'esp32_drone_camera'
    assert _resolve(context, [camera.node_namespace]) == ['camera']
    assert camera.condition is None
    params_file, overrides = camera.parameters
    assert _resolve(context, [params_file]) == ['/p.yaml']
    assert overrides['device_url'].value_type is str
    assert _resolve(context, [overrides['device_url'].value]) == [url]
    assert _resolve(context, [overrides['serial_port'].value]) == ['']
    assert emulator.condition.evaluate(context) is (emulate == 'true')


def test_camera_launch_emulator_arguments_parse(load_launch_file):
    from esp32_drone_camera.emulator.__main__ import parse_args
    description, camera, emulator = _camera(load_launch_file)
    context = _context(emulator_port='8123', emulate='true')
    # launch_ros appends its --ros-args section (node name remapping) after the arguments.
    argv = _resolve(context, emulator.arguments) + ['--ros-args', '-r',
                                                    '__node:=camera_emulator']
    config = parse_args(argv)
    assert (config.host, config.port) == ('127.0.0.1', 8123)
    assert _resolve(context, camera.arguments[:2]) == ['--ros-args', '--log-level']


@pytest.mark.parametrize('viewer', ['false', 'true'])
def test_camera_launch_starts_the_viewer_only_when_asked(load_launch_file, viewer):
    description, node = _viewer(load_launch_file)
    viewer_arg = next(a for a in description.get_launch_arguments() if a.name == 'viewer')
    assert viewer_arg.default_value == 'false'
    assert viewer_arg.choices == ['true', 'false']
    assert node.node_package == 'esp32_drone_camera'
    assert node.node_name == 'esp32_drone_camera_viewer'
    assert node.condition.evaluate(_context(viewer=viewer)) is (viewer == 'true')


def test_camera_launch_viewer_executable_is_installed(load_launch_file):
    from importlib.metadata import entry_points
    _, node = _viewer(load_launch_file)
    [script] = [e for e in entry_points(group='console_scripts')
                if e.name == node.node_executable and e.module.startswith('esp32_drone_camera')]
    from esp32_drone_camera.viewer import node as viewer_node
    assert script.load() is viewer_node.main


def test_camera_yaml_sets_only_declared_parameters_with_their_types():
    import yaml
    from esp32_drone_camera.params import BY_NAME
    with open(os.path.join(REPO, 'config', 'camera.yaml'), encoding='utf-8') as f:
        values = yaml.safe_load(f)['/**']['ros__parameters']
    assert set(values) == set(BY_NAME), set(values) ^ set(BY_NAME)
    for name, value in values.items():
        assert type(value) is type(BY_NAME[name].default), name
        assert value == BY_NAME[name].default, name


# --- log_level: the node's logger only ------------------------------------------------------

def _log_level_arguments(load_launch_file, **config):
    description, camera, _ = _camera(load_launch_file)
    defaults = {k: v for k, v in _defaults(description).items() if isinstance(v, str)}
    return _resolve(_context(**{**defaults, **config}), camera.arguments)


def _rclpy_logger_name(namespace):
    """Return the logger name rclpy gives the camera node in ``namespace``."""
    import rclpy
    context = rclpy.Context()
    rclpy.init(context=context)
    try:
        node = rclpy.create_node('esp32_drone_camera', namespace=namespace, context=context)
        name = node.get_logger().name
        node.destroy_node()
        return name
    finally:
        context.try_shutdown()


@pytest.mark.parametrize('config, full_namespace', [
    ({}, '/camera'),
    ({'namespace': '/camera'}, '/camera'),
    ({'namespace': 'drone/camera'}, '/drone/camera'),
    ({'namespace': ''}, '/'),
    # Included under PushRosNamespace('robot1'): relative namespaces go below it.
    ({'ros_namespace': 'robot1'}, '/robot1/camera'),
    ({'ros_namespace': '/robot1', 'namespace': '/cam'}, '/cam'),
])
def test_camera_launch_log_level_names_the_node_logger(load_launch_file, config,
                                                       full_namespace):
    arguments = _log_level_arguments(load_launch_file, log_level='debug', **config)
    assert arguments[:2] == ['--ros-args', '--log-level']
    logger, level = arguments[2].split(':=')
    assert level == 'debug'
    assert logger == _rclpy_logger_name(full_namespace)


# A camera node stand-in: logs one DEBUG line from its own logger with the launch file's
# arguments plus the --ros-args section launch_ros appends.
DEBUG_NODE = """
import sys, rclpy
rclpy.init(args=sys.argv)
node = rclpy.create_node('node')
node.get_logger().debug('node debug line')
node.destroy_node()
rclpy.shutdown()
"""


def _debug_lines(arguments):
    argv = arguments + ['--ros-args', '-r', '__node:=esp32_drone_camera', '-r', '__ns:=/camera']
    proc = subprocess.run([sys.executable, '-c', DEBUG_NODE, *argv], capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    return [line for line in proc.stderr.splitlines() if line.startswith('[DEBUG]')]


def test_camera_launch_log_level_debug_leaves_rcl_at_info(load_launch_file):
    pytest.importorskip('rclpy')
    lines = _debug_lines(_log_level_arguments(load_launch_file, log_level='debug'))
    assert [line.split('] ', 2)[-1] for line in lines] == [
        '[camera.esp32_drone_camera]: node debug line'], lines
    # What the launch file passed before: every logger at debug, rcl's included.
    everything = _debug_lines(['--ros-args', '--log-level', 'debug'])
    assert any('[rcl]' in line for line in everything), everything
