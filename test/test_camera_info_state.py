"""Unit tests of camera_info_state.py: load, scale to the frame size, save (no ROS)."""

import types

from esp32_drone_camera import calibration
from esp32_drone_camera.calibration import Calibration, CalibrationError
from esp32_drone_camera.camera_info_state import (calibration_to_msg, CameraInfoState,
                                                  msg_to_calibration)
from esp32_drone_camera.params import DEFAULT_CAMERA_INFO_URL
from esp32_drone_camera.protocol import FRAME_SIZE_BY_NAME
import pytest


class Log:
    def __init__(self):
        self.lines = []

    def warning(self, msg):
        self.lines.append(msg)


def state(url=DEFAULT_CAMERA_INFO_URL, frame_size='VGA'):
    published = []

    def serialize(c):
        published.append(c)
        return bytearray(b'cdr %dx%d' % (c.width, c.height))
    log = Log()
    return CameraInfoState(url, 'esp32_drone_camera', frame_size, serialize, log), \
        published, log


def test_loads_the_calibration_and_serialises_it():
    s, published, log = state()
    assert s.calibration.calibrated and (s.calibration.width, s.calibration.height) == (640, 480)
    assert published == [s.calibration] and s.cdr == bytearray(b'cdr 640x480')
    assert s.note == '' and log.lines == [] and s.path.endswith('ov2640_vga.yaml')
    assert s.report() == {'frame_size': '', 'calibration_note': ''}


def test_missing_file_gives_an_uncalibrated_camera_info_of_the_frame_size(tmp_path):
    s, published, log = state(f'file://{tmp_path}/none.yaml', frame_size='QVGA')
    assert not s.calibration.calibrated
    assert (s.calibration.width, s.calibration.height) == (320, 240)
    assert s.note.startswith('no calibration: cannot read') and 'uncalibrated' in log.lines[0]
    assert s.path == f'{tmp_path}/none.yaml'
    bad, _, _ = state('http://example.invalid/c.yaml')
    assert bad.note.startswith('no calibration: unsupported') and bad.path == ''


def test_scaled_to_the_frame_size_and_other_aspect_flagged():
    s, published, _ = state()
    k0 = s.calibration.k[0]
    s.use_frame_size(FRAME_SIZE_BY_NAME['QVGA'][0])
    assert published[-1].width == 320 and published[-1].k[0] == pytest.approx(k0 / 2)
    assert s.report() == {'frame_size': 'QVGA', 'calibration_note': ''}
    s.use_frame_size(FRAME_SIZE_BY_NAME['CIF'][0])
    assert published[-1].width == 400 and not published[-1].calibrated
    assert 'other aspect ratio' in s.note and s.report()['frame_size'] == 'CIF'
    s.use_frame_size(FRAME_SIZE_BY_NAME['VGA'][0])
    assert s.note == '' and published[-1] == s.calibration
    count = len(published)
    s.use_frame_size(99)  # not in the table: remembered, nothing republished
    assert len(published) == count and s.report()['frame_size'] == ''


def test_set_camera_info_saves_and_takes_effect(tmp_path):
    path = tmp_path / 'calib' / 'cam.yaml'
    s, published, _ = state(f'file://{path}')
    s.use_frame_size(FRAME_SIZE_BY_NAME['QVGA'][0])
    new = Calibration(width=640, height=480, camera_name='esp32_drone_camera',
                      k=[500.0, 0, 320, 0, 500, 240, 0, 0, 1])
    assert s.set_camera_info(new) == str(path)
    assert calibration.load(str(path)) == new
    assert s.calibration == new and s.note == '' and s.path == str(path)
    assert published[-1].width == 320 and published[-1].k[0] == 250.0  # at the size in use


def test_set_camera_info_refuses_without_changing_anything(tmp_path):
    s, published, _ = state(f'file://{tmp_path}/cam.yaml')
    before, count = s.calibration, len(published)
    with pytest.raises(CalibrationError, match='no image size'):
        s.set_camera_info(Calibration(width=0, height=0))
    blocker = tmp_path / 'file'
    blocker.write_text('')
    s.url = f'file://{blocker}/cam.yaml'  # its directory is a file: cannot be saved
    with pytest.raises(OSError):
        s.set_camera_info(Calibration(width=640, height=480))
    assert s.calibration is before and len(published) == count


def test_message_conversion_round_trips():
    c = Calibration(width=640, height=480, camera_name='cam', distortion_model='',
                    d=[0.1] * 5, k=[1.0] * 9)
    msg = calibration_to_msg(c, types.SimpleNamespace())
    back = msg_to_calibration(msg, 'cam')
    assert back.distortion_model == 'plumb_bob' and back.d == c.d and back.k == c.k
    assert (back.width, back.height) == (640, 480)
