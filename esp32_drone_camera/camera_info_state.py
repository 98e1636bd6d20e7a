"""
What camera_info publishes: the calibration, scaled to the frames actually received.

ROS-free: the caller injects ``serialize`` (calibration -> pre-serialised CameraInfo
bytes, whose stamp the frame path patches) and a logger. Loads the calibration from
``camera_info_url`` (uncalibrated, with a note, when it cannot), rescales it when the
device's frame size changes (or flags another aspect ratio, which cannot be derived),
and saves a new one for ``set_camera_info``.
"""

from typing import Callable, Optional

from . import calibration
from .calibration import Calibration, CalibrationError
from .protocol import FRAME_SIZE_BY_NAME, FRAME_SIZES

_OTHER_ASPECT = 'calibration is for'  # how the other-aspect-ratio note starts


def calibration_to_msg(c: Calibration, msg):
    """Fill a sensor_msgs/CameraInfo with a calibration (header untouched)."""
    msg.width, msg.height = c.width, c.height
    msg.distortion_model = c.distortion_model
    msg.d = [float(v) for v in c.d]
    msg.k = [float(v) for v in c.k]
    msg.r = [float(v) for v in c.r]
    msg.p = [float(v) for v in c.p]
    return msg


def msg_to_calibration(msg, name: str) -> Calibration:
    """Read the calibration a sensor_msgs/CameraInfo (a SetCameraInfo request) carries."""
    return Calibration(width=msg.width, height=msg.height, camera_name=name,
                       distortion_model=msg.distortion_model or 'plumb_bob',
                       d=list(msg.d), k=list(msg.k), r=list(msg.r), p=list(msg.p))


class CameraInfoState:
    """The calibration in use and its pre-serialised CameraInfo (``cdr``)."""

    def __init__(self, url: str, camera_name: str, frame_size: str,
                 serialize: Callable[[Calibration], bytearray], log):
        self.url = url
        self.camera_name = camera_name
        self._serialize = serialize
        self.note = ''
        self.path = ''
        self.frame_size_index: Optional[int] = None
        try:
            self.path = calibration.resolve_url(url, camera_name)
            self.calibration = calibration.load(self.path)
        except CalibrationError as exc:
            log.warning(f'{exc}; publishing an uncalibrated camera_info')
            _, width, height = FRAME_SIZE_BY_NAME[frame_size]
            self.calibration = Calibration(width=width, height=height, camera_name=camera_name)
            self.note = f'no calibration: {exc}'
        self.cdr = serialize(self.calibration)

    def use_frame_size(self, index: int) -> None:
        """Keep camera_info consistent with the size (table index) of the frames received."""
        self.frame_size_index = index
        if not 0 <= index < len(FRAME_SIZES):
            return
        name, width, height = FRAME_SIZES[index]
        scaled = calibration.scale(self.calibration, width, height)
        if scaled is None:
            scaled = Calibration(width=width, height=height,
                                 camera_name=self.calibration.camera_name)
            self.note = (f'{_OTHER_ASPECT} {self.calibration.width}x'
                         f'{self.calibration.height}; frames are {name} {width}x{height} '
                         '(other aspect ratio): camera_info uncalibrated')
        elif self.note.startswith(_OTHER_ASPECT):
            self.note = ''
        self.cdr = self._serialize(scaled)

    def set_camera_info(self, new: Calibration) -> str:
        """
        Save ``new`` where camera_info_url points and publish it from now on.

        Returns the path written; raises CalibrationError or OSError when it cannot be
        saved, and then nothing changes.
        """
        if new.width <= 0 or new.height <= 0:
            raise CalibrationError('camera_info has no image size')
        path = calibration.resolve_url(self.url, self.camera_name)
        calibration.save(path, new)
        self.calibration, self.path, self.note = new, path, ''
        if self.frame_size_index is not None:
            self.use_frame_size(self.frame_size_index)
        else:
            self.cdr = self._serialize(new)
        return path

    def report(self) -> dict:
        """Return this part's fields of the diagnostics snapshot."""
        index = self.frame_size_index
        name = FRAME_SIZES[index][0] if index is not None and 0 <= index < len(FRAME_SIZES) \
            else ''
        return {'frame_size': name, 'calibration_note': self.note}
