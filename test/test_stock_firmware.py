"""
The node with the drone as it ships: the stock firmware (protocol v1), over real DDS.

The emulator's ``--legacy`` mode is the stock device (docs/protocol.md, "Stock firmware
console"): frames over its v1 WebSocket, typed commands on its serial console (a pty).
The node types the README's command words there; its services and parameters must
have their real effect on the stream, answer with the console's own text in bounded
time, and refuse what the stock firmware cannot do with a reason naming the firmware.
"""

import time

from camera_testkit.processes import CameraNode, Emulator, free_port, wait_for
from std_srvs.srv import Trigger

COMMAND_TIMEOUT = 2.0
ANSWER_BOUND_S = COMMAND_TIMEOUT + 0.5
FLASH_TOOL = 'ros2 run esp32_drone_camera flash'
ANSWER_TIMES = {}  # service: seconds, printed with -s


def start(procs, probe, tmp_path, url=None, **params):
    link = str(tmp_path / 'ttyCAM')
    emu = Emulator('--legacy', '--serial-link', link)
    procs.append(emu)
    node = CameraNode(url or emu.url, serial_port=link, command_timeout=COMMAND_TIMEOUT,
                      **params)
    procs.append(node)
    assert wait_for(lambda: 'serial open' in node.output, 15), node.output
    return emu, node


def call(probe, name):
    """Call a Trigger service; return (response, seconds from request to answer)."""
    client = probe.node.create_client(Trigger, name.replace('~', probe.target))
    try:
        assert client.wait_for_service(timeout_sec=10.0), f'{name} not available'
        t0 = time.monotonic()
        future = client.call_async(Trigger.Request())
        assert wait_for(future.done, 10.0, interval=0.005), f'{name} did not answer'
        took = time.monotonic() - t0
    finally:
        probe.node.destroy_client(client)
    ANSWER_TIMES[name] = took
    assert took <= ANSWER_BOUND_S, f'{name} took {took:.2f} s'
    return future.result(), took


def frames_in(probe, seconds):
    before = probe.frame_count()
    time.sleep(seconds)
    return probe.frame_count() - before


def mean_size(probe, count=10):
    n = probe.frame_count()
    assert probe.wait_frames(n + count, 10)
    with probe._lock:
        sizes = [len(image[0]) for image in probe.images[n:n + count]]
    return sum(sizes) / len(sizes)


def test_stock_device_services_and_parameters(probe, procs, tmp_path):
    # adaptive_quality stays at its default (on): it leaves a stock device's quality alone.
    start(procs, probe, tmp_path, jpeg_quality=30)
    assert probe.wait_frames(10, 20)
    # jpeg_quality is typed on connect (the stock welcome does not say the device's).
    assert wait_for(lambda: 'JPEG quality: 30' in call(probe, '~/get_info')[0].message, 5)

    response, _ = call(probe, '~/stop_stream')
    assert response.success and response.message == '[STREAM] Video stream stopped', \
        response.message
    time.sleep(0.3)  # frames already on their way
    assert frames_in(probe, 1.5) == 0

    response, _ = call(probe, '~/start_stream')
    assert response.success and 'Starting 20fps video stream' in response.message
    assert probe.wait_frames(probe.frame_count() + 5, 5)
    fps = frames_in(probe, 3.0) / 3.0
    assert 16 <= fps <= 24, f'{fps:.1f} fps after start'

    for name, header in (('~/get_info', '=== Camera Information ==='),
                         ('~/get_status', '=== 20fps Video Stream Status ==='),
                         ('~/get_stats', '=== Performance Statistics ===')):
        response, _ = call(probe, name)
        lines = response.message.splitlines()
        assert response.success and lines[0] == header, response.message
        assert len(lines) >= 3 and set(lines[-1]) == {'='}, response.message

    response, _ = call(probe, '~/clear_stats')
    assert response.success and response.message == '[CMD] Statistics cleared'

    response, took = call(probe, '~/reset_camera')  # confirms when the camera is back
    assert response.success, response.message
    assert response.message.splitlines()[-1] == '[SUCCESS] Camera initialized successfully'
    assert took >= 0.9, took
    assert probe.wait_frames(probe.frame_count() + 5, 5)

    # jpeg_quality has its real effect: quality 8 gives bigger frames than 50.
    sizes = {}
    for quality in (8, 50):
        result, = probe.set_params(jpeg_quality=quality)
        assert result.successful, result.reason
        time.sleep(0.3)  # frames encoded before the change
        sizes[quality] = mean_size(probe)
    assert sizes[8] > 1.5 * sizes[50], sizes
    assert probe.get_params('jpeg_quality') == [50]

    # What the stock firmware cannot do is refused, naming the firmware and the flash tool.
    for name, value in (('frame_size', 'QVGA'), ('target_fps', 10)):
        t0 = time.monotonic()
        result, = probe.set_params(**{name: value})
        assert time.monotonic() - t0 <= ANSWER_BOUND_S
        assert not result.successful
        assert 'stock firmware' in result.reason and FLASH_TOOL in result.reason, result.reason
    assert probe.get_params('frame_size', 'target_fps') == ['VGA', 20]
    print(f'\nstock device: {fps:.1f} fps after start; mean frame {sizes[8]:.0f} B at '
          f'quality 8, {sizes[50]:.0f} B at 50; answers: ' +
          ', '.join(f'{name[2:]} {took * 1000:.0f} ms' for name, took in ANSWER_TIMES.items()))


def test_a_stock_console_is_found_by_its_answer_to_json(probe, procs, tmp_path):
    # No WebSocket (so no v1 welcome): the node's first command is a JSON line, which
    # the stock console answers "Unknown command"; the node then types it, in time.
    start(procs, probe, tmp_path, url=f'ws://127.0.0.1:{free_port()}')
    response, _ = call(probe, '~/get_status')
    assert response.success, response.message
    assert response.message.startswith('=== 20fps Video Stream Status ===')
    response, _ = call(probe, '~/stop_stream')
    assert response.success and response.message == '[STREAM] Video stream stopped'
