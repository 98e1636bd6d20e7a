"""Launch files, loaded against the fake launch API in test/fake_launch (no ROS launch here)."""

import contextlib
import importlib.util
import os
import sys

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
        'port': '/dev/ttyACM0',
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
    assert (args.port, args.build_only, args.release_node) == ('/dev/ttyACM0', False, '')
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
