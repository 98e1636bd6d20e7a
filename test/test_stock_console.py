"""
The stock (v1) console unit, driven alone: no rclpy, no emulator, no serial port.

The answers below are the device README's lines where it shows them ("Example Serial
Output", the status block) and docs/protocol.md's "Stock firmware console" elsewhere.
A fake console answers each typed line from a script in a thread, as a device would.
"""

import threading
import time

from esp32_drone_camera.command_client import CANCELLED, NO_TRANSPORT
from esp32_drone_camera.stock_console import (FLASH_TOOL, json_refused, MAX_ANSWER_LINES,
                                              NOT_SUPPORTED, QUIET_S, refusal, REFUSED,
                                              StockConsole, UNCONFIRMED)

STATUS_BLOCK = ['=== 20fps Video Stream Status ===',  # the README's, word for word
                'Camera - Total frames: 1250',
                'Camera - Current FPS: 9.8',
                'Camera - Memory - Current: 175 KB',
                '[WS] WebSocket clients: 2, streaming video frames',
                '==================================']


class FakeConsole:
    """Answers typed lines from ``script`` {typed: [(delay s, line), ...]}."""

    def __init__(self, script, is_open=True):
        self.script = script
        self.typed = []
        self.is_open = is_open
        self.console = StockConsole(self.write_line)

    def write_line(self, text):
        if not self.is_open:
            return False
        self.typed.append(text)
        answer = self.script.get(text, [])
        threading.Thread(target=self._answer, args=(answer,), daemon=True).start()
        return True

    def _answer(self, answer):
        for delay, line in answer:
            time.sleep(delay)
            self.console.on_line(line)

    def call(self, cmd, arg=None, timeout=2.0):
        t0 = time.monotonic()
        reply = self.console.call(cmd, arg, timeout)
        return reply, time.monotonic() - t0


def test_commands_are_the_readme_words():
    fake = FakeConsole({})
    for cmd, arg in (('start', None), ('stop', None), ('reset', None), ('quality', 20),
                     ('info', None), ('stats', None), ('status', None), ('clear', None)):
        fake.call(cmd, arg, timeout=0.05)
    assert fake.typed == ['start', 'stop', 'reset', 'quality 20', 'info', 'stats',
                          'status', 'clear']


def test_confirming_lines_give_success_with_the_device_text():
    fake = FakeConsole({
        'start': [(0.01, '[STREAM] Starting 20fps video stream...')],  # README
        'stop': [(0.01, '[STREAM] Video stream stopped')],
        'quality 20': [(0.01, '[CMD] JPEG quality set to 20')],
        'clear': [(0.01, '[CMD] Statistics cleared')]})
    for cmd, arg, text in (('start', None, '[STREAM] Starting 20fps video stream...'),
                           ('stop', None, '[STREAM] Video stream stopped'),
                           ('quality', 20, '[CMD] JPEG quality set to 20'),
                           ('clear', None, '[CMD] Statistics cleared')):
        reply, took = fake.call(cmd, arg)
        assert reply.ok and reply.message == text, reply
        assert took < 0.5  # the confirming line ends the wait, not a quiet period


def test_log_lines_in_between_are_not_the_answer():
    fake = FakeConsole({'stop': [(0.01, '[DEBUG] Frames: 10, FPS: 20.0, clients: 1'),
                                 (0.01, '[WARNING] Low memory detected: 45000 bytes'),
                                 (0.01, '[STREAM] Video stream stopped')]})
    reply, _ = fake.call('stop')
    assert reply.ok and reply.message == '[STREAM] Video stream stopped'


def test_reset_waits_for_the_camera_to_come_back():
    fake = FakeConsole({'reset': [(0.01, '[CMD] Resetting camera module...'),
                                  (0.6, '[INIT] Initializing OV2640 camera...'),
                                  (0.01, '[SUCCESS] Camera initialized successfully')]})
    reply, took = fake.call('reset')
    assert reply.ok, reply
    assert reply.message.splitlines()[0] == '[CMD] Resetting camera module...'
    assert reply.message.splitlines()[-1] == '[SUCCESS] Camera initialized successfully'
    assert 0.6 <= took < 1.5  # past the quiet period: the progress line said to wait


def test_reset_that_never_comes_back_is_unconfirmed_at_the_timeout():
    fake = FakeConsole({'reset': [(0.01, '[CMD] Resetting camera module...')]})
    reply, took = fake.call('reset', timeout=1.0)
    assert not reply.ok and reply.error == UNCONFIRMED
    assert 'under way' in reply.message and 'Resetting camera module' in reply.message
    assert 1.0 <= took < 1.3


def test_a_block_is_collected_to_its_last_line():
    fake = FakeConsole({'status': [(0, line) for line in STATUS_BLOCK],
                        'info': [(0.01, '=== Camera Information ==='),
                                 (0.01, 'Firmware: v2.1'), (0.01, '=' * 34)],
                        'stats': [(0.01, '=== Performance Statistics ==='),
                                  (0.01, 'Total frames: 3'), (0.01, '=' * 34)]})
    reply, took = fake.call('status')
    assert reply.ok and reply.message.splitlines() == STATUS_BLOCK
    assert took < QUIET_S  # ended by the block's last line
    reply, _ = fake.call('info')
    assert reply.ok and 'Firmware: v2.1' in reply.message
    reply, _ = fake.call('stats')
    assert reply.ok and 'Total frames: 3' in reply.message


def test_a_block_without_its_last_line_ends_after_a_quiet_period():
    fake = FakeConsole({'status': [(0.01, line) for line in STATUS_BLOCK[:-1]]})
    reply, took = fake.call('status')
    assert reply.ok and reply.message.splitlines() == STATUS_BLOCK[:-1]
    assert QUIET_S <= took < QUIET_S + 0.5


def test_an_error_line_is_a_refusal_with_its_text():
    fake = FakeConsole({'quality 20': [(0.01, '[ERROR] Invalid quality value (use 0-63): 20')]})
    reply, _ = fake.call('quality', 20)
    assert not reply.ok and reply.error == REFUSED
    assert reply.message == '[ERROR] Invalid quality value (use 0-63): 20'


def test_nothing_recognisable_is_unconfirmed_never_a_pretend_success():
    fake = FakeConsole({'stop': [(0.01, 'OK')]})
    reply, took = fake.call('stop', timeout=2.0)
    assert not reply.ok and reply.error == UNCONFIRMED
    assert "'OK'" in reply.message and 'does not say it worked' in reply.message
    assert took < QUIET_S + 0.5  # the quiet period, not the whole timeout

    reply, took = FakeConsole({}).call('start', timeout=0.5)
    assert not reply.ok and reply.error == UNCONFIRMED and 'printed nothing' in reply.message
    assert 0.5 <= took < 0.8


def test_an_endless_answer_is_cut():
    fake = FakeConsole({'stop': [(0, f'line {i}') for i in range(500)]})
    reply, took = fake.call('stop', timeout=5.0)
    assert not reply.ok and reply.error == UNCONFIRMED
    assert len(reply.message) < 100 * MAX_ANSWER_LINES and took < 1.0


def test_frame_size_and_fps_are_refused_naming_the_firmware_and_the_flash_tool():
    fake = FakeConsole({})
    for cmd in ('framesize', 'fps'):
        reply, took = fake.call(cmd, 'VGA' if cmd == 'framesize' else 10)
        assert not reply.ok and reply.error == NOT_SUPPORTED
        assert 'stock firmware' in reply.message and FLASH_TOOL in reply.message
        assert took < 0.05
    assert fake.typed == []  # nothing is typed for them
    assert refusal('start') is None and 'frame size' in refusal('framesize')


def test_closed_port_and_shutdown():
    reply, _ = FakeConsole({}, is_open=False).call('start')
    assert not reply.ok and reply.error == NO_TRANSPORT

    fake = FakeConsole({})
    threading.Timer(0.2, fake.console.close).start()
    reply, took = fake.call('status', timeout=10.0)
    assert reply.error == CANCELLED and took < 0.5  # a waiting call ends at shutdown
    reply, _ = fake.call('status')
    assert reply.error == CANCELLED  # and none starts after it


def test_one_command_at_a_time():
    fake = FakeConsole({'stop': [(0.3, '[STREAM] Video stream stopped')],
                        'start': [(0.01, '[STREAM] Starting 20fps video stream...')]})
    results = {}
    first = threading.Thread(target=lambda: results.update(stop=fake.call('stop')))
    first.start()
    time.sleep(0.05)
    results['start'] = fake.call('start')
    first.join()
    assert results['stop'][0].ok and results['start'][0].ok
    assert fake.typed == ['stop', 'start']  # start waited for stop's answer


def test_lines_without_a_waiting_call_are_not_taken():
    console = StockConsole(lambda text: True)
    assert console.on_line('[STREAM] Video stream stopped') is False


def test_json_refused_finds_the_request_id():
    assert json_refused('[ERROR] Unknown command: {"cmd":"stop","id":"r7"}') == 'r7'
    assert json_refused('[ERROR] Unknown command: {"cmd":"stop","id":"r7","tok') == 'r7'
    assert json_refused('[ERROR] Unknown command: {"cmd":"stop"}') == ''
    assert json_refused('[ERROR] Unknown command: framesize') is None
    assert json_refused('[STREAM] Video stream stopped') is None
    assert json_refused('{"type":"reply","id":"r7","ok":true}') is None
