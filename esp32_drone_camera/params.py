"""
The node's parameters: names, defaults, ranges and descriptions in one table.

ROS-free but for ``descriptor``, which imports the ROS message types when called.
"""

import difflib
from typing import Dict, Iterable, NamedTuple, Optional, Tuple, TYPE_CHECKING

from .commands import FPS_RANGE, QUALITY_RANGE
from .protocol import DEFAULT_PORT, FRAME_SIZE_NAMES

if TYPE_CHECKING:
    from rcl_interfaces.msg import ParameterDescriptor

DEFAULT_CAMERA_INFO_URL = 'package://esp32_drone_camera/config/ov2640_vga.yaml'


class Param(NamedTuple):
    """One parameter: default, description, optional limits/choices, read-only flag."""

    name: str
    default: object
    description: str
    limits: Optional[Tuple[float, float]] = None
    choices: Tuple[str, ...] = ()
    read_only: bool = True


PARAMS = (
    Param('device_url', f'ws://192.168.4.1:{DEFAULT_PORT}', "The camera's WebSocket URL."),
    Param('frame_id', 'camera_optical_frame',
          'frame_id of images and camera_info (an optical frame, REP-103/105).'),
    Param('camera_name', 'esp32_drone_camera', 'Camera name in the calibration file.'),
    Param('camera_info_url', DEFAULT_CAMERA_INFO_URL,
          'Calibration (camera_calibration_parsers YAML): file:// or package:// URL; '
          'empty means file://${ROS_HOME}/camera_info/${NAME}.yaml. A regular file of at '
          'most 64 KiB.'),
    Param('qos', 'reliable', 'Image QoS: reliable (small depth) or sensor_data (best effort).',
          choices=('reliable', 'sensor_data')),
    Param('qos_depth', 5, 'History depth of the image and camera_info publishers.', (1, 100)),
    Param('stale_timeout', 2.0,
          'Seconds without frames (while streaming) before the link is declared stalled '
          'and reconnected.', (0.2, 60.0), read_only=False),
    Param('connect_timeout', 3.0, 'Seconds allowed for the TCP + WebSocket handshake.',
          (0.2, 60.0)),
    Param('reconnect_min', 0.25, 'First reconnect delay (s); doubles per failed connection '
          '(one that did not stream valid frames for 5 s), jittered.', (0.05, 60.0)),
    Param('reconnect_max', 5.0, 'Longest reconnect delay (s); also the wait when the device '
          'is full.', (0.1, 600.0)),
    Param('max_frame_size', 262144, 'Frames larger than this many bytes are rejected (so '
          'are frames smaller than the smallest OV2640 JPEG of their size: '
          'docs/protocol.md, "Smallest frame").',
          (1024, 8388608), read_only=False),
    Param('fps_tolerance', 0.3, 'Accepted relative deviation from target_fps in '
          'diagnostics.', (0.0, 1.0), read_only=False),
    Param('timestamp_source', 'auto',
          'auto: device capture time when the device sends it and the clock is synced, '
          'else arrival time; arrival: always arrival time.', choices=('auto', 'arrival'),
          read_only=False),
    Param('arrival_offset', 0.0, 'Seconds subtracted from the arrival time when stamping '
          'by arrival (the typical capture-to-arrival latency).', (0.0, 5.0), read_only=False),
    Param('ping_interval', 1.0, 'Seconds between PINGs (round-trip time and clock sync).',
          (0.1, 60.0)),
    Param('command_transport', 'auto', 'Where device commands go: auto (WebSocket when '
          'connected, else serial; serial first when the device speaks protocol v1, which '
          'confirms nothing over WebSocket), websocket or serial.',
          choices=('auto', 'websocket', 'serial'), read_only=False),
    Param('command_timeout', 2.0, 'Seconds to wait for the device to confirm a command.',
          (0.1, 30.0), read_only=False),
    Param('command_token_file', '', 'File holding the device command token (the token is '
          'never a parameter, so it is not readable over ROS); env CAM_TOKEN also works.'),
    Param('serial_port', '', 'USB serial console of the camera (empty: no serial link).'),
    Param('serial_baud', 115200, 'Serial baud rate.', (1200, 3000000)),
    Param('apply_on_connect', True, 'Send jpeg_quality, frame_size and target_fps to the '
          'device when it connects.'),
    Param('jpeg_quality', 12, 'Device JPEG quality, 0-63 (lower is better and bigger).',
          QUALITY_RANGE, read_only=False),
    Param('frame_size', 'VGA', 'Device frame size.', choices=FRAME_SIZE_NAMES, read_only=False),
    Param('publish_raw', 'lazy', 'Decoded image_raw (sensor_msgs/Image): lazy decodes only '
          'while image_raw has subscribers, always, or never.',
          choices=('lazy', 'always', 'never')),
    Param('adaptive_quality', True, 'Adaptive streaming: when the link cannot carry '
          'target_fps, lower the JPEG quality, then the frame size (4:3 sizes), and step '
          'back up when it recovers; jpeg_quality and frame_size are the ceiling. false: '
          'the device stays at jpeg_quality and frame_size.', read_only=False),
    Param('target_fps', 20, 'Device target frame rate; also the rate diagnostics expect.',
          FPS_RANGE, read_only=False),
)
DEVICE_PARAMS = {'jpeg_quality': 'quality', 'frame_size': 'framesize', 'target_fps': 'fps'}


def descriptor(param: Param) -> 'ParameterDescriptor':
    """Build the ROS ParameterDescriptor of ``param``."""
    from rcl_interfaces.msg import (FloatingPointRange, IntegerRange, ParameterDescriptor,
                                    ParameterType)
    desc = param.description
    if param.choices:
        desc += ' One of: ' + ', '.join(param.choices) + '.'
    d = ParameterDescriptor(description=desc, read_only=param.read_only)
    default = param.default
    if isinstance(default, bool):
        d.type = ParameterType.PARAMETER_BOOL
    elif isinstance(default, int):
        d.type = ParameterType.PARAMETER_INTEGER
        if param.limits:
            d.integer_range = [IntegerRange(from_value=int(param.limits[0]),
                                            to_value=int(param.limits[1]), step=1)]
    elif isinstance(default, float):
        d.type = ParameterType.PARAMETER_DOUBLE
        if param.limits:
            d.floating_point_range = [FloatingPointRange(
                from_value=float(param.limits[0]), to_value=float(param.limits[1]), step=0.0)]
    else:
        d.type = ParameterType.PARAMETER_STRING
        if param.choices:
            d.additional_constraints = 'one of: ' + ', '.join(param.choices)
    return d


BY_NAME = {p.name: p for p in PARAMS}
RCLPY_PARAMS = ('use_sim_time', 'start_type_description_service')  # every rclpy node's
_KIND: Dict[type, str] = {bool: 'true or false', int: 'an integer', float: 'a number',
                          str: 'a string'}


def allowed(param: Param) -> str:
    """Say what values ``param`` takes, as a user would write them."""
    kind: type = type(param.default)  # bool, int, float or str
    if param.choices:
        return 'one of ' + ', '.join(param.choices)
    if param.limits:
        low, high = (kind(v) for v in param.limits)
        return f'{_KIND[kind]} from {low} to {high}'
    return _KIND[kind]


def _shown(value: object) -> str:
    """Write a value back the way it is given on the command line (true, 5, 'text')."""
    if isinstance(value, bool):
        return str(value).lower()
    return repr(value) if isinstance(value, str) else str(value)


def coerce(name: str, value: object) -> object:
    """Return ``value`` as the parameter's type where that loses nothing: 5 for 5.0."""
    param = BY_NAME.get(name)
    if param is not None and type(param.default) is float and type(value) is int:
        return float(value)
    return value


def problem(name: str, value: object) -> Optional[str]:
    """
    Say in one line what is wrong with ``value`` for parameter ``name``, or None.

    It names the parameter, the value and what is allowed, for a mistake made on the
    command line (``-p qos_depth:=0``), in a parameters file or at runtime. Values are
    as YAML typed them: ``yes`` arrives as true, ``5`` as an integer (which a number
    parameter takes, see ``coerce``).
    """
    param = BY_NAME.get(name)
    if param is None:
        return None  # not ours (use_sim_time): rclpy checks it
    value = coerce(name, value)
    kind = type(param.default)
    if type(value) is not kind:
        hint = ''
        if isinstance(value, bool) and kind is str:
            hint = ' (YAML reads yes, no, on, off, true and false as booleans: quote it)'
        return f'parameter {name}: {_shown(value)} is not {_KIND[kind]}{hint}; ' \
               f'allowed: {allowed(param)}'
    if param.choices and value not in param.choices:
        return f'parameter {name}: {_shown(value)} is not allowed; allowed: {allowed(param)}'
    # The type check above leaves only numbers where there are limits.
    if param.limits and isinstance(value, (int, float)) and \
            not param.limits[0] <= value <= param.limits[1]:
        return f'parameter {name}: {_shown(value)} is out of range; allowed: {allowed(param)}'
    return None


def unknown(names: Iterable[str]) -> Optional[str]:
    """
    Say in one line which of the parameters given are not this node's, or None.

    rclpy ignores them without a word, so ``-p stale_timout:=5`` would look applied.
    Names with a dot (``qos_overrides./topic...``) belong to rclpy's own features.
    """
    strays = sorted(n for n in names if n not in BY_NAME and n not in RCLPY_PARAMS and
                    '.' not in n)
    if not strays:
        return None
    hints = []
    for name in strays:
        close = difflib.get_close_matches(name, BY_NAME, n=1)
        hints.append(f'{name} (did you mean {close[0]}?)' if close else name)
    return 'ignored, not parameters of this node: ' + ', '.join(hints)
