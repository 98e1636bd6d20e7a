"""
Camera calibration files in the camera_calibration_parsers YAML format.

Reads and writes the same YAML that ``camera_calibration`` saves and
``camera_info_manager`` loads, resolves ``file://`` and ``package://`` URLs (with the
``${NAME}`` and ``${ROS_HOME}`` substitutions camera_info_manager supports), and
scales intrinsics when the device's frame size differs from the calibrated one.
"""

import dataclasses
import math
import os
import stat
import tempfile
from typing import Any, List, Optional, TypeGuard
from urllib.parse import unquote, urlparse

import yaml

from .paths import PACKAGE, share_dir

# A calibration file is under 1 KB (rational_polynomial included); 64 KiB leaves room
# for comments while bounding what a wrong camera_info_url makes the node read.
MAX_FILE_BYTES = 64 * 1024


class CalibrationError(ValueError):
    """A calibration URL or file that cannot be used."""


@dataclasses.dataclass
class Calibration:
    """The fields of sensor_msgs/CameraInfo that a calibration file holds."""

    width: int
    height: int
    camera_name: str = ''
    distortion_model: str = 'plumb_bob'
    d: List[float] = dataclasses.field(default_factory=lambda: [0.0] * 5)
    k: List[float] = dataclasses.field(default_factory=lambda: [0.0] * 9)
    r: List[float] = dataclasses.field(
        default_factory=lambda: [1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0])
    p: List[float] = dataclasses.field(default_factory=lambda: [0.0] * 12)

    @property
    def calibrated(self) -> bool:
        """Tell whether K is set (all zeros is camera_info_manager's 'uncalibrated')."""
        return any(self.k)


def ros_home() -> str:
    """ROS_HOME, or ~/.ros as ROS defaults to."""
    return os.environ.get('ROS_HOME') or os.path.join(os.path.expanduser('~'), '.ros')


def default_url(camera_name: str) -> str:
    """Where camera_info_manager keeps a calibration when no URL is given."""
    return 'file://' + os.path.join(ros_home(), 'camera_info', camera_name + '.yaml')


def resolve_url(url: str, camera_name: str) -> str:
    """Turn a calibration URL into a file path."""
    url = url or default_url(camera_name)
    url = url.replace('${NAME}', camera_name).replace('${ROS_HOME}', ros_home())
    parsed = urlparse(url)
    if parsed.scheme == 'file':
        path = unquote(parsed.netloc + parsed.path)
        if not path.startswith('/'):
            raise CalibrationError(f'file:// URL needs an absolute path: {url}')
        return path
    if parsed.scheme == 'package':
        from ament_index_python.packages import (PackageNotFoundError,
                                                 get_package_share_directory)
        try:
            share = get_package_share_directory(parsed.netloc)
        except (PackageNotFoundError, KeyError, ValueError, OSError) as exc:
            # OSError: AMENT_PREFIX_PATH unset (a pip install run outside a ROS setup).
            if parsed.netloc != PACKAGE:
                raise CalibrationError(f'package {parsed.netloc!r} not found for {url}') from exc
            share = share_dir()  # this package run from a source checkout (pip -e)
        return os.path.join(share, unquote(parsed.path).lstrip('/'))
    raise CalibrationError(f'unsupported calibration URL (use file:// or package://): {url}')


def _matrix(doc: dict, key: str, rows: int, cols: int) -> List[float]:
    node = doc.get(key)
    if not isinstance(node, dict) or not isinstance(node.get('data'), list):
        raise CalibrationError(f'{key}: missing or not a matrix')
    data = node['data']
    if len(data) != rows * cols or node.get('rows') != rows or node.get('cols') != cols:
        raise CalibrationError(f'{key}: expected {rows}x{cols}')
    try:
        values = [float(v) for v in data]
    except (TypeError, ValueError, OverflowError) as exc:
        raise CalibrationError(f'{key}: non-numeric entry') from exc
    if not all(math.isfinite(v) for v in values):
        raise CalibrationError(f'{key}: non-finite entry')
    return values


def parse(text: str) -> Calibration:
    """Parse a camera_calibration_parsers YAML document; any defect is a CalibrationError."""
    try:
        return _parse(text)
    except CalibrationError:
        raise
    except (TypeError, ValueError, OverflowError, RecursionError, AttributeError) as exc:
        # Wrong shapes deep inside the YAML (found by fuzzing): still a clear error.
        raise CalibrationError(f'malformed calibration: {type(exc).__name__}: {exc}') from exc


def _is_dimension(value: Any) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= 65535


def _parse(text: str) -> Calibration:
    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise CalibrationError(f'not valid YAML: {exc}') from exc
    if not isinstance(doc, dict):
        raise CalibrationError('not a YAML mapping')
    width, height = doc.get('image_width'), doc.get('image_height')
    if not (_is_dimension(width) and _is_dimension(height)):
        raise CalibrationError('image_width/image_height must be positive integers')
    model = doc.get('distortion_model', 'plumb_bob')
    if not isinstance(model, str):
        raise CalibrationError('distortion_model must be a string')
    dist = doc.get('distortion_coefficients', {'rows': 1, 'cols': 0, 'data': []})
    n = len(dist.get('data', [])) if isinstance(dist, dict) else -1
    k = _matrix(doc, 'camera_matrix', 3, 3)
    return Calibration(
        width=width, height=height, camera_name=str(doc.get('camera_name', '')),
        distortion_model=model, k=k, d=_matrix(doc, 'distortion_coefficients', 1, n),
        r=_matrix(doc, 'rectification_matrix', 3, 3), p=_matrix(doc, 'projection_matrix', 3, 4))


def dump(calib: Calibration) -> str:
    """Write the YAML exactly in camera_calibration_parsers' layout."""
    def mat(rows, cols, data):
        return {'rows': rows, 'cols': cols, 'data': [float(v) for v in data]}
    doc = {
        'image_width': calib.width, 'image_height': calib.height,
        'camera_name': calib.camera_name,
        'camera_matrix': mat(3, 3, calib.k),
        'distortion_model': calib.distortion_model,
        'distortion_coefficients': mat(1, len(calib.d), calib.d),
        'rectification_matrix': mat(3, 3, calib.r),
        'projection_matrix': mat(3, 4, calib.p),
    }
    return yaml.safe_dump(doc, sort_keys=False, default_flow_style=None)


def load(path: str) -> Calibration:
    """
    Read a calibration file: a regular file of at most MAX_FILE_BYTES.

    ``camera_info_url`` is the user's to set, and ``file:///dev/zero`` would otherwise
    be read until the kernel kills the node; a FIFO would block start-up forever (the
    file is opened without waiting for a writer, then refused).
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, 'O_NOCTTY', 0))
    except OSError as exc:
        raise CalibrationError(f'cannot read {path}: {exc.strerror}') from exc
    try:
        with os.fdopen(fd, 'rb') as f:
            if not stat.S_ISREG(os.fstat(f.fileno()).st_mode):
                raise CalibrationError(f'{path} is not a regular file')
            data = f.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise CalibrationError(f'cannot read {path}: {exc.strerror}') from exc
    if len(data) > MAX_FILE_BYTES:
        raise CalibrationError(f'{path} is larger than {MAX_FILE_BYTES} bytes: not a '
                               'calibration file')
    try:
        text = data.decode('utf-8')
    except UnicodeDecodeError as exc:
        raise CalibrationError(f'{path} is not UTF-8 text') from exc
    return parse(text)


def save(path: str, calib: Calibration) -> None:
    """Write a calibration file atomically (a crash never leaves half a file)."""
    directory = os.path.dirname(path) or '.'
    os.makedirs(directory, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix='.calib-', suffix='.yaml', dir=directory)
    try:
        with os.fdopen(fd, 'w', encoding='utf-8') as f:
            f.write(dump(calib))
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def scale(calib: Calibration, width: int, height: int) -> Optional[Calibration]:
    """
    Intrinsics for another resolution of the same sensor, or None if not derivable.

    The OV2640 produces its smaller frame sizes by scaling the full field of view, so
    intrinsics scale linearly when the aspect ratio is the same. A different aspect
    ratio (e.g. QCIF, CIF) crops, which cannot be derived: the caller flags it.
    """
    if (width, height) == (calib.width, calib.height):
        return calib
    if width * calib.height != height * calib.width:
        return None
    f = width / calib.width
    k = list(calib.k)
    p = list(calib.p)
    for i in (0, 1, 2, 3, 4, 5):
        k[i] *= f
    for i in (0, 1, 2, 3, 4, 5, 6, 7):
        p[i] *= f
    return dataclasses.replace(calib, width=width, height=height, k=k, p=p)
