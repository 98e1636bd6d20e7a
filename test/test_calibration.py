"""Unit tests of calibration.py: YAML files, URLs, scaling (no ROS)."""

import os

from esp32_drone_camera import calibration
from esp32_drone_camera.paths import data_path
import pytest


def test_default_calibration_loads_and_round_trips(tmp_path):
    c = calibration.load(data_path('config', 'ov2640_vga.yaml'))
    assert (c.width, c.height) == (640, 480) and c.calibrated
    path = tmp_path / 'sub' / 'cam.yaml'
    calibration.save(str(path), c)
    assert calibration.load(str(path)) == c
    assert 'camera_matrix:' in path.read_text() and 'projection_matrix:' in path.read_text()


@pytest.mark.parametrize('text,error', [
    ('image_width: 640\n', 'image_width/image_height'),
    (': bad: yaml: [', 'not valid YAML'),
    ('- a list\n', 'not a YAML mapping'),
    ('image_width: 640\nimage_height: 480\ncamera_matrix: {rows: 3, cols: 3, data: [1, 2]}\n',
     'camera_matrix'),
])
def test_bad_calibration_is_a_clear_error(text, error):
    with pytest.raises(calibration.CalibrationError, match=error):
        calibration.parse(text)


def test_calibration_urls(tmp_path, monkeypatch):
    monkeypatch.setenv('ROS_HOME', str(tmp_path))
    assert calibration.resolve_url('', 'cam') == str(tmp_path / 'camera_info' / 'cam.yaml')
    assert calibration.resolve_url('file:///x/${NAME}.yaml', 'cam') == '/x/cam.yaml'
    assert calibration.resolve_url('package://esp32_drone_camera/config/ov2640_vga.yaml', 'c') \
        .endswith('config/ov2640_vga.yaml')
    for bad in ('http://example.invalid/c.yaml', 'file://relative.yaml'):
        with pytest.raises(calibration.CalibrationError):
            calibration.resolve_url(bad, 'cam')


def test_calibration_scales_with_frame_size():
    c = calibration.load(data_path('config', 'ov2640_vga.yaml'))
    q = calibration.scale(c, 320, 240)
    assert q.k[0] == pytest.approx(c.k[0] / 2) and q.k[2] == pytest.approx(c.k[2] / 2)
    assert q.p[5] == pytest.approx(c.p[5] / 2) and q.k[8] == 1.0
    assert calibration.scale(c, 400, 296) is None  # CIF crops: not derivable
    assert calibration.scale(c, 640, 480) is c


def test_only_a_regular_file_of_bounded_size_is_read(tmp_path):
    """Issue #13 item 5: camera_info_url:=file:///dev/zero must not eat the memory."""
    with pytest.raises(calibration.CalibrationError, match='/dev/zero is not a regular file'):
        calibration.load('/dev/zero')
    fifo = tmp_path / 'fifo'
    os.mkfifo(fifo)  # no writer: a plain open() would block start-up for ever
    with pytest.raises(calibration.CalibrationError, match='not a regular file'):
        calibration.load(str(fifo))
    with pytest.raises(calibration.CalibrationError, match='Is a directory'):
        calibration.load(str(tmp_path))
    big = tmp_path / 'big.yaml'
    big.write_bytes(b'#' * (calibration.MAX_FILE_BYTES + 1))
    with pytest.raises(calibration.CalibrationError, match='larger than 65536 bytes'):
        calibration.load(str(big))
    big.write_bytes(b'\xff\xfe' * 10)
    with pytest.raises(calibration.CalibrationError, match='not UTF-8'):
        calibration.load(str(big))
    with pytest.raises(calibration.CalibrationError, match='cannot read'):
        calibration.load(str(tmp_path / 'missing.yaml'))
