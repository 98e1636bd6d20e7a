"""Unit tests of frames.py: frame validation and metadata helpers."""

from esp32_drone_camera import frames


def test_sequence_gaps():
    assert frames.sequence_gap(None, 5) == 0
    assert frames.sequence_gap(5, 6) == 0
    assert frames.sequence_gap(5, 9) == 3
    assert frames.sequence_gap(0xFFFFFFFF, 1) == 1
    assert frames.sequence_gap(100, 0) == 0  # device restarted its counter
