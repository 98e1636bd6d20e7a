"""Unit tests of frame_stamper.py: which frames are published, with which stamp (no ROS)."""

from esp32_drone_camera import frames
from esp32_drone_camera.clock_sync import ClockSync, Sample
from esp32_drone_camera.frame_stamper import FrameStamper, STAMP_SANITY_NS

JPEG = b'\xff\xd8' + b'\x00' * 8000 + b'\xff\xd9'  # above the VGA minimum
S = 1_000_000_000


def frame(seq, capture_us=0, size=5):
    return frames.insert_metadata(JPEG, size, 12, seq, capture_us)


def stamper(**kwargs):
    sizes = []
    clock = ClockSync()
    kwargs.setdefault('max_frame_size', 1 << 20)
    return FrameStamper(clock, sizes.append, **kwargs), clock, sizes


def synced(clock, offset_ns):
    """Make the clock sync say device time = node time + offset_ns."""
    t0 = 100 * S
    device_us = (t0 + offset_ns) // 1000
    clock.add(Sample(t0, device_us, device_us, t0))
    assert clock.offset_ns == offset_ns


def test_rejections_are_counted_by_reason_and_return_the_reason():
    s, _, _ = stamper(max_frame_size=20000)
    cases = {frames.TOO_SHORT: b'\xff\xd8\xff\xd9', frames.NO_SOI: b'\x00' * 1000,
             frames.NO_EOI: b'\xff\xd8' + b'\x00' * 1000, frames.TOO_LARGE: b'\xff' * 30000}
    for reason, data in cases.items():
        assert s.stamp(data, 5 * S) == reason
    assert s.rejected == dict.fromkeys(frames.REASONS, 1) and s.rejected_total == 4
    assert s.report(0.0)['rejected'] == s.rejected and s.report(0.0)['rejected'] is not s.rejected


def test_arrival_stamp_without_metadata_minus_the_offset():
    s, _, sizes = stamper(arrival_offset_ns=30_000_000)
    assert s.stamp(JPEG, 5 * S) == 5 * S - 30_000_000
    assert sizes == [] and s.device_drops == 0


def test_capture_time_when_synced_and_plausible():
    s, clock, _ = stamper()
    arrival = 200 * S
    assert s.stamp(frame(1, capture_us=(arrival - 30_000_000) // 1000), arrival) == arrival, \
        'not synced: arrival time'
    synced(clock, 7 * S)  # the device clock runs 7 s ahead
    capture_node_ns = arrival - 30_000_000
    got = s.stamp(frame(2, capture_us=(capture_node_ns + 7 * S) // 1000), arrival)
    assert got == capture_node_ns
    s.configure(1 << 20, use_capture_time=False, arrival_offset_ns=0)
    assert s.stamp(frame(3, capture_us=(capture_node_ns + 7 * S) // 1000), arrival) == arrival


def test_implausible_capture_times_fall_back_to_arrival_and_are_counted():
    s, clock, _ = stamper()
    synced(clock, 0)
    arrival = 300 * S
    future = s.stamp(frame(1, capture_us=(arrival + 1000) // 1000 + 1), arrival)
    too_old = s.stamp(frame(2, capture_us=(arrival - STAMP_SANITY_NS) // 1000), arrival)
    assert future == arrival and too_old == arrival and s.stamp_fallbacks == 2
    assert s.report_extra() == {'Capture stamps rejected as implausible': '2'}
    edge = arrival - STAMP_SANITY_NS + 1000
    assert s.stamp(frame(3, capture_us=edge // 1000), arrival) == edge


def test_sequence_gaps_are_device_drops_and_a_new_connection_forgets_the_sequence():
    s, _, _ = stamper()
    for seq in (1, 2, 5, 6):
        s.stamp(frame(seq), S)
    assert s.device_drops == 2
    s.new_connection()
    s.stamp(frame(100), S)  # a rebooted device may start anywhere: not a drop
    assert s.device_drops == 2 and s.report(0.0)['device_drops'] == 2


def test_frame_size_changes_are_reported_once_each():
    s, _, sizes = stamper()
    for size in (5, 5, 5, 3, 3, 5):
        s.stamp(frame(1, size=size), S)
    assert sizes == [5, 3, 5] and s.frame_size_index == 5
    s.new_connection(3)  # the welcome announces the size before the first frame
    assert sizes[-1] == 3 and s.frame_size_index == 3
    s.stamp(frame(2, size=3), S)
    assert sizes == [5, 3, 5, 3]


def test_configure_takes_new_bounds():
    s, _, _ = stamper(max_frame_size=1 << 20)
    assert isinstance(s.stamp(JPEG, S), int)
    s.configure(50, True, 0)
    assert s.stamp(JPEG, S) == frames.TOO_LARGE


def test_a_frame_too_small_for_the_announced_size_is_rejected():
    """Issue #13 item 2: FF D8 FF D9 is no image; the floor follows the announced size."""
    s, _, _ = stamper()
    assert s.stamp(b'\xff\xd8\xff\xd9', S) == frames.TOO_SHORT  # no size known yet
    smallest = b'\xff\xd8' + bytes(frames.MIN_FRAME - 4) + b'\xff\xd9'
    assert isinstance(s.stamp(smallest, S), int)  # the smallest QQVGA JPEG could be one
    s.new_connection(5)  # the welcome says VGA
    assert s.min_frame_size == frames.min_jpeg_size(640, 480)
    assert s.stamp(smallest, S) == frames.TOO_SHORT
    vga = b'\xff\xd8' + bytes(frames.min_jpeg_size(640, 480) - 4) + b'\xff\xd9'
    assert isinstance(s.stamp(vga, S), int)
    # A frame's metadata announces its size too: it sets the floor for the frames after it.
    assert isinstance(s.stamp(frames.insert_metadata(vga, 7, 12, 1, 0), S), int)
    assert s.stamp(vga, S) == frames.TOO_SHORT and s.frame_size_index == 7
    assert s.rejected[frames.TOO_SHORT] == 3


def test_sequence_jumps_are_counted_apart_not_as_drops():
    """Issue #13 item 2: a gap the sensor cannot have captured is a reset or a lie."""
    s, _, _ = stamper()
    t = 10 * S
    for seq in (1, 2, 3):
        s.stamp(frame(seq), t)
        t += S // 20
    s.stamp(frame(3 + 40), t)  # 40 frames lost in 50 ms: within a second of slack
    assert s.device_drops == 39 and s.sequence_jumps == 0
    t += 3 * S
    s.stamp(frame(43 + 200), t)  # 3 s without frames: up to 4 x 60 may have been captured
    assert s.device_drops == 39 + 199 and s.sequence_jumps == 0
    seq = 243
    for _ in range(139):  # the attack: every frame jumps by a billion, 20 fps
        t += S // 20
        seq = (seq + 1_000_000_000) & 0xFFFFFFFF
        s.stamp(frame(seq), t)
    t += S // 20
    s.stamp(frame(seq - 5), t)  # backwards
    s.stamp(frame(seq - 5), t + S // 20)  # the same number again
    assert s.device_drops == 238, 'no jump counts as drops'
    assert s.sequence_jumps == 141
    report = s.report(s.last_jump_at + 2.0)
    assert report['sequence_jumps'] == 141 and abs(report['sequence_jump_age_s'] - 2.0) < 1e-6
    assert stamper()[0].report(5.0)['sequence_jump_age_s'] is None
