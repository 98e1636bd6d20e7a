"""Unit tests of frame_stamper.py: which frames are published, with which stamp (no ROS)."""

from esp32_drone_camera import frames
from esp32_drone_camera.clock_sync import ClockSync, Sample
from esp32_drone_camera.frame_stamper import FrameStamper, STAMP_SANITY_NS

JPEG = b'\xff\xd8' + b'\x00' * 100 + b'\xff\xd9'
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
    s, _, _ = stamper(max_frame_size=200)
    cases = {frames.TOO_SHORT: b'\xff\xd8', frames.NO_SOI: b'\x00' * 10,
             frames.NO_EOI: b'\xff\xd8' + b'\x00' * 10, frames.TOO_LARGE: b'\xff' * 300}
    for reason, data in cases.items():
        assert s.stamp(data, 5 * S) == reason
    assert s.rejected == dict.fromkeys(frames.REASONS, 1) and s.rejected_total == 4
    assert s.report()['rejected'] == s.rejected and s.report()['rejected'] is not s.rejected


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
    assert s.device_drops == 2 and s.report()['device_drops'] == 2


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
