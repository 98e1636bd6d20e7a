"""Unit tests of diagnostics.py: levels that mean something, the rate window (no ROS)."""

from esp32_drone_camera import diagnostics, frames
from esp32_drone_camera.link_state import LinkState
import pytest


def snapshot(**over):
    base = {'node_name': 'esp32_drone_camera', 'hardware_id': 'hw', 'url': 'ws://x',
            'link_state': LinkState.CONNECTED, 'link_detail': '', 'connects': 1, 'protocol': 2,
            'firmware': '2.2.0', 'stopped_on_request': False, 'rate': 20.0,
            'rate_events': 100, 'rate_window_s': 5.0, 'expected_fps': 20.0,
            'fps_tolerance': 0.3, 'frames_published': 100,
            'rejected': dict.fromkeys(frames.REASONS, 0), 'rejected_in_window': 0,
            'malformed_text': 0, 'unknown_text': 0, 'device_drops': 0,
            'since_last_frame_s': 0.05, 'rtt_ms': 1.0, 'clock_offset_ms': 5.0,
            'timestamp_source': 'device capture time', 'device_status': {'heap': 180000},
            'device_status_age_s': 0.5, 'low_memory_bytes': None, 'low_memory_age_s': None,
            'serial_port': '', 'serial_state': '', 'serial_detail': '', 'calibration_note': ''}
    base.update(over)
    return diagnostics.Snapshot(**base)


def levels(s):
    return {st.name.split(': ')[1]: (st.level, st.message) for st in diagnostics.build(s)}


def test_diagnostics_healthy_stream_is_ok():
    result = levels(snapshot())
    assert all(level == diagnostics.OK for level, _ in result.values()), result
    assert set(result) == {'connection', 'image_raw/compressed topic status', 'frames',
                           'link', 'device'}
    assert result['image_raw/compressed topic status'][1] == 'Desired frequency met'


@pytest.mark.parametrize('over,task,level,text', [
    ({'link_state': LinkState.DEVICE_FULL, 'link_detail': 'max clients (3) reached'},
     'connection', diagnostics.ERROR, 'device full'),
    ({'link_state': LinkState.STALLED}, 'connection', diagnostics.ERROR, 'stalled'),
    ({'since_last_frame_s': 3.0}, 'connection', diagnostics.ERROR, 'no frames for 3.0 s'),
    ({'link_state': LinkState.DISCONNECTED, 'link_detail': 'connection refused'},
     'connection', diagnostics.ERROR, 'connection refused'),
    ({'rate': 5.0}, 'image_raw/compressed topic status', diagnostics.WARN, 'too low'),
    ({'rate': 0.0, 'rate_events': 0}, 'image_raw/compressed topic status', diagnostics.ERROR,
     'No events'),
    ({'rate': 0.0, 'rate_events': 0, 'stopped_on_request': True},
     'image_raw/compressed topic status', diagnostics.OK, 'stopped on request'),
    ({'rejected_in_window': 3}, 'frames', diagnostics.WARN, 'rejected'),
    ({'sequence_jumps': 139, 'sequence_jump_age_s': 1.0}, 'frames', diagnostics.WARN,
     'sequence numbers jumped (139 times): a device reset or a lying peer'),
    ({'sequence_jumps': 139, 'sequence_jump_age_s': 1.0, 'calibration_note': 'no file'},
     'frames', diagnostics.WARN, 'sequence numbers jumped'),
    ({'sequence_jumps': 1, 'sequence_jump_age_s': diagnostics.SEQUENCE_JUMP_HOLD_S + 1},
     'frames', diagnostics.OK, 'all frames valid'),
    ({'rtt_ms': 250.0}, 'link', diagnostics.WARN, 'round-trip'),
    ({'low_memory_bytes': 45000, 'low_memory_age_s': 2.0}, 'device', diagnostics.WARN,
     'Low memory detected: 45000 bytes'),
    ({'device_status_age_s': 10.0}, 'device', diagnostics.WARN, 'no status'),
    ({'serial_port': '/dev/ttyACM0', 'serial_state': 'closed', 'serial_detail': 'gone'},
     'serial', diagnostics.WARN, 'gone'),
])
def test_diagnostics_levels_mean_something(over, task, level, text):
    got_level, message = levels(snapshot(**over))[task]
    assert got_level == level and text in message, (got_level, message)


def test_frequency_window():
    w = diagnostics.FrequencyWindow(5)
    for i in range(10):
        rate, events, span = w.tick(i * 20, float(i))
    assert rate == pytest.approx(20.0) and events == 100 and span == 5.0


def test_stream_window_advances_only_when_ticked():
    w = diagnostics.StreamWindow(5)
    assert w.advance(0, 0, 0.0)['rate_events'] == 0
    for i in range(1, 6):
        fields = w.advance(20 * i, 3 * i, float(i))
    assert fields == {'rate': 20.0, 'rate_events': 100, 'rate_window_s': 5.0,
                      'rejected_in_window': 3}
    assert w.advance(120, 15, 6.0)['rejected_in_window'] == 0
