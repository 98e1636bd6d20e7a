"""Unit tests of the emulator's capture log (the ground truth of capture stamps)."""


def test_capture_log_round_trip(tmp_path):
    from esp32_drone_camera.emulator import capture_log
    path = tmp_path / 'capture.log'
    path.write_text(capture_log.client_line(1, 'esp32_drone_camera')
                    + capture_log.capture_line(7, 1_000) + capture_log.skip_line(7, 1)
                    + capture_log.client_line(2, 'Python/3.11  websockets/17.4')
                    + capture_log.capture_line(8, 2_000) + '9 3')  # the last line: cut short
    log = capture_log.read(str(path))
    assert log.captures == {7: 1_000, 8: 2_000}
    assert log.skips == {1: {7}}
    assert log.clients == {1: 'esp32_drone_camera', 2: 'Python/3.11 websockets/17.4'}
