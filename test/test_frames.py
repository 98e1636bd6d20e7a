"""Unit tests of frames.py: frame validation and metadata helpers."""

from esp32_drone_camera import frames
from esp32_drone_camera.emulator.imagery import FrameRenderer
from esp32_drone_camera.protocol import FRAME_SIZES


def test_sequence_gaps():
    assert frames.sequence_gap(None, 5) == 0
    assert frames.sequence_gap(5, 6) == 0
    assert frames.sequence_gap(5, 9) == 3
    assert frames.sequence_gap(0xFFFFFFFF, 1) == 1
    assert frames.sequence_gap(100, 0) == 0xFFFFFFFF - 100  # backwards: a huge gap


def test_the_smallest_frame_follows_the_ov2640_jpeg_layout():
    # SOI + 2 DQT + SOF0 + 4 standard DHT + SOS + EOI, then 6 bits per 8x8 luma block.
    assert frames.JPEG_HEADERS_MIN == 591
    assert frames.min_jpeg_size(640, 480) == 591 + 80 * 60 * 6 // 8
    assert frames.min_jpeg_size(160, 120) == frames.MIN_FRAME == frames.MIN_FRAME_BY_SIZE[0]
    assert frames.min_frame_size(None) == frames.min_frame_size(99) == frames.MIN_FRAME
    assert frames.validate(b'\xff\xd8\xff\xd9', 1 << 20) == frames.TOO_SHORT
    for index, (name, width, height) in enumerate(FRAME_SIZES):
        # The emulator's JPEGs (Pillow, standard tables) at the worst quality pass.
        jpeg = FrameRenderer(name, 63).render(0)
        assert len(jpeg) >= frames.min_frame_size(index), (name, len(jpeg))


def test_plausible_gaps():
    assert frames.plausible_gap(0) == frames.plausible_gap(-5) == frames.MAX_SENSOR_FPS
    assert frames.plausible_gap(2_500_000_000) == 3 * frames.MAX_SENSOR_FPS
    assert frames.sequence_gap(7, 7) == 0xFFFFFFFF  # a repeat is no small gap
