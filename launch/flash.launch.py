"""
Build and upload the camera firmware, then end the launch.

  ros2 launch esp32_drone_camera flash.launch.py             # port found by USB VID:PID
  ros2 launch esp32_drone_camera flash.launch.py port:=/dev/ttyACM0 board:=<env>
  ros2 launch esp32_drone_camera flash.launch.py build_only:=true
  ros2 launch esp32_drone_camera flash.launch.py release_node:=/camera/esp32_drone_camera

WiFi and token overrides come from the environment (CAM_AP_SSID, CAM_AP_PASSWORD,
CAM_TOKEN), not from launch arguments, which ros2 launch would print. The launch
ends when the flash tool exits; if it failed, ros2 launch exits with status 1.
"""

from esp32_drone_camera.flash import default_board, DEFAULT_PORT
from launch import LaunchDescription
from launch.actions import (DeclareLaunchArgument, EmitEvent, ExecuteProcess, LogInfo,
                            OpaqueFunction, RegisterEventHandler)
from launch.event_handlers import OnProcessExit
from launch.events import Shutdown
from launch.substitutions import LaunchConfiguration
from launch_ros.substitutions import ExecutableInPackage


def generate_launch_description():
    """Declare the arguments and run the flash tool once."""
    flash = ExecuteProcess(
        cmd=[ExecutableInPackage('flash', 'esp32_drone_camera'),
             '--port', LaunchConfiguration('port'),
             '--board', LaunchConfiguration('board'),
             '--build-only', LaunchConfiguration('build_only'),
             '--release-node', LaunchConfiguration('release_node')],
        name='flash', output='screen')
    return LaunchDescription([
        DeclareLaunchArgument('port', default_value=DEFAULT_PORT,
                              description='Serial port of the camera (default: the one ESP32 '
                                          'board found by its USB VID:PID).'),
        DeclareLaunchArgument('board', default_value=default_board(),
                              description='PlatformIO env of firmware/platformio.ini.'),
        DeclareLaunchArgument('build_only', default_value='false', choices=['true', 'false'],
                              description='Only build the firmware, do not upload it.'),
        DeclareLaunchArgument('release_node', default_value='',
                              description='Camera node holding the port (e.g. '
                                          '/camera/esp32_drone_camera): it releases the port '
                                          'for the flash and takes it back afterwards.'),
        flash,
        RegisterEventHandler(OnProcessExit(target_action=flash, on_exit=on_flash_exit)),
    ])


def on_flash_exit(event, context):
    """End the launch when the flash tool exits; make ros2 launch fail if it failed."""
    if event.returncode == 0:
        return [LogInfo(msg='flash finished'), EmitEvent(event=Shutdown(reason='flash done'))]
    # Humble's ros2 launch exits with 1 only when an action raises: a plain Shutdown
    # would report success after a failed upload.
    return [OpaqueFunction(function=_raise_flash_failed, args=[event.returncode])]


def _raise_flash_failed(context, returncode):
    raise RuntimeError(f'flash failed with exit code {returncode}, see its output above')
