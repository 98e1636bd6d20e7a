"""
Launch the camera node, optionally with the bundled device emulator.

Examples::

    ros2 launch esp32_drone_camera camera.launch.py
    ros2 launch esp32_drone_camera camera.launch.py emulate:=true
    ros2 launch esp32_drone_camera camera.launch.py emulate:=true viewer:=true
    ros2 launch esp32_drone_camera camera.launch.py namespace:=drone/camera
"""

from launch import LaunchDescription
from launch.actions import DeclareLaunchArgument
from launch.conditions import IfCondition
from launch.substitutions import LaunchConfiguration, PathJoinSubstitution, PythonExpression
from launch_ros.actions import Node
from launch_ros.parameter_descriptions import ParameterValue
from launch_ros.substitutions import FindPackageShare

NODE_NAME = 'esp32_drone_camera'


def generate_launch_description():
    """Declare the arguments and the camera (and emulator) processes."""
    emulate = LaunchConfiguration('emulate')
    emulator_port = LaunchConfiguration('emulator_port')
    # With emulate:=true the node talks to the local emulator instead of device_url.
    device_url = PythonExpression([
        "'ws://127.0.0.1:' + '", emulator_port, "' if '", emulate, "'.lower() == 'true' "
        "else '", LaunchConfiguration('device_url'), "'"])
    # log_level is the node's own: a bare "--log-level debug" would set the default level
    # of every logger in the process (rcl, rmw, ...). A node's logger is named after its
    # namespace and name joined with dots: camera/esp32_drone_camera logs as
    # camera.esp32_drone_camera. A relative namespace goes below one pushed by an
    # including launch file (PushRosNamespace sets ros_namespace), as launch_ros does.
    namespace = LaunchConfiguration('namespace')
    pushed = LaunchConfiguration('ros_namespace', default='')
    node_logger = PythonExpression([
        "'.'.join([part for part in ('", namespace, "' if '", namespace, "'.startswith('/') "
        "else '", pushed, '/', namespace, "').split('/') if part] + ['", NODE_NAME, "'])"])
    return LaunchDescription([
        DeclareLaunchArgument('namespace', default_value='camera',
                              description='Namespace of the node and its topics.'),
        DeclareLaunchArgument(
            'params_file',
            default_value=PathJoinSubstitution([FindPackageShare('esp32_drone_camera'),
                                                'config', 'camera.yaml']),
            description='Parameter file of the camera node.'),
        DeclareLaunchArgument('device_url', default_value='ws://192.168.4.1:8080',
                              description="The camera's WebSocket URL."),
        DeclareLaunchArgument('emulate', default_value='false', choices=['true', 'false'],
                              description='Also start the device emulator and use it.'),
        DeclareLaunchArgument('viewer', default_value='false', choices=['true', 'false'],
                              description='Also start the browser viewer '
                                          '(http://127.0.0.1:8081/).'),
        DeclareLaunchArgument('emulator_port', default_value='8080',
                              description='Port of the emulator (with emulate:=true).'),
        DeclareLaunchArgument('serial_port', default_value='',
                              description='USB serial console of the camera, if connected.'),
        DeclareLaunchArgument('log_level', default_value='info',
                              description="Log level of the camera node's logger (not of "
                                          'rcl, rmw and the other libraries).'),
        Node(package='esp32_drone_camera', executable='emulator', name='camera_emulator',
             arguments=['--host', '127.0.0.1', '--port', emulator_port],
             condition=IfCondition(emulate), output='screen'),
        Node(package='esp32_drone_camera', executable='viewer', name='esp32_drone_camera_viewer',
             condition=IfCondition(LaunchConfiguration('viewer')), output='screen'),
        Node(package='esp32_drone_camera', executable='camera_node',
             name=NODE_NAME, namespace=namespace,
             parameters=[LaunchConfiguration('params_file'),
                         # ParameterValue keeps '' a string (YAML would read it as null).
                         {'device_url': ParameterValue(device_url, value_type=str),
                          'serial_port': ParameterValue(LaunchConfiguration('serial_port'),
                                                        value_type=str)}],
             arguments=['--ros-args', '--log-level',
                        [node_logger, ':=', LaunchConfiguration('log_level')]],
             output='screen', emulate_tty=True),
    ])
