"""
The WebSocket link against a hostile peer (issue #13), in-process, no ROS.

What the link must not believe: frames the node rejects are no sign of life, a
connection that delivered one good frame has not shown the device works, an HTTP
error keeps its status however broken its body, and a URL's password is nobody's
business but the device's.
"""

import os
import threading
import time

from camera_testkit.hostile_peer import HostilePeer, ws_frame
from esp32_drone_camera import ws_link
from esp32_drone_camera.link_state import LinkState
import pytest

GOOD = b'\xff\xd8' + bytes(1000) + b'\xff\xd9'


class Judge(ws_link.LinkCallbacks):
    """Callbacks that accept only GOOD, as the node accepts only valid frames."""

    def __init__(self):
        self.accepted = self.rejected = 0
        self.states = []
        self.lock = threading.Lock()

    def on_frame(self, data, arrival_ns):
        valid = data == GOOD
        with self.lock:
            self.accepted += valid
            self.rejected += not valid
        return valid

    def on_state(self, state, detail):
        with self.lock:
            self.states.append((time.monotonic(), state, detail))

    def wait_state(self, state, timeout=5.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                found = [d for _, s, d in self.states if s == state]
            if found:
                return found[0]
            time.sleep(0.01)
        raise AssertionError(f'no {state} in {self.states}')


def run_link(url, judge, **kw):
    kw.setdefault('backoff_min', 0.05)
    kw.setdefault('backoff_max', 1.0)
    link = ws_link.WebSocketLink(url, judge, **kw)
    link.start()
    return link


@pytest.mark.parametrize('kind', ['garbage frames', 'text only'])
def test_messages_that_are_no_valid_frame_do_not_keep_the_stall_watchdog_quiet(kind):
    def garbage(conn):
        while conn.alive:  # faster than the watchdog's receive-timeout tick
            if kind == 'text only':
                conn.text('{"type":"status","frame":1,"fps":20,"timestamp":1,"heap":1,'
                          '"clients":1}')
            else:
                conn.binary(os.urandom(500))
            conn.sleep(0.05)

    peer, judge = HostilePeer(garbage), Judge()
    link = run_link(peer.url, judge, stale_timeout=0.5)
    try:
        started = time.monotonic()
        detail = judge.wait_state(LinkState.STALLED, 3)
        assert time.monotonic() - started < 2.0
        assert detail.startswith('no frames for') and judge.accepted == 0
        assert judge.rejected >= 3 or kind == 'text only'
        assert link.stalls >= 1
    finally:
        link.stop()
        peer.close()


def test_a_valid_frame_now_and_then_is_life():
    def slow(conn):
        while conn.alive:
            conn.binary(GOOD)
            for _ in range(3):
                conn.binary(os.urandom(300))
                conn.sleep(0.1)

    peer, judge = HostilePeer(slow), Judge()
    link = run_link(peer.url, judge, stale_timeout=0.5)
    try:
        time.sleep(2.0)
        assert link.stalls == 0 and link.connects == 1 and judge.accepted >= 5
    finally:
        link.stop()
        peer.close()


def connection_gaps(peer):
    """Seconds between consecutive connections the peer accepted."""
    return [b - a for a, b in zip(peer.accepted, peer.accepted[1:])]


def test_one_good_frame_then_a_protocol_error_backs_off():
    def broken(conn):
        conn.binary(GOOD)
        conn.send(ws_frame(0x2, GOOD, masked=True))  # a server never masks: close 1002
        conn.sleep(1.0)

    peer, judge = HostilePeer(broken), Judge()
    link = run_link(peer.url, judge, backoff_min=0.05, backoff_max=0.8, healthy_after=1.0)
    try:
        time.sleep(3.0)
    finally:
        link.stop()
        peer.close()
    gaps = connection_gaps(peer)
    assert judge.accepted >= 3 and len(gaps) >= 3
    # 0.05 s doubling to 0.8 s (jitter: half to all of it): the gaps grow, no storm.
    assert max(gaps) >= 0.4 and len(peer.accepted) <= 12, gaps
    details = [d for _, s, d in judge.states if s == LinkState.DISCONNECTED]
    assert any('protocol error' in d for d in details), details


def test_a_healthy_connection_restarts_the_back_off():
    sessions = []

    def healthy_then_gone(conn):
        sessions.append(time.monotonic())
        if len(sessions) < 4:  # three broken sessions grow the back-off
            conn.binary(GOOD)
            conn.send(ws_frame(0x2, GOOD, masked=True))
            return conn.sleep(1.0)
        end = time.monotonic() + 0.8  # then one healthy session: valid frames for 0.8 s
        while conn.alive and time.monotonic() < end:
            conn.binary(GOOD)
            conn.sleep(0.05)

    peer, judge = HostilePeer(healthy_then_gone), Judge()
    link = run_link(peer.url, judge, backoff_min=0.2, backoff_max=5.0, healthy_after=0.5)
    try:
        assert wait_for_count(peer, 5, 10)
    finally:
        link.stop()
        peer.close()
    gaps = connection_gaps(peer)
    # After the healthy session the delay is backoff_min again (0.1-0.2 s), not the
    # 0.8-1.6 s that a fourth failed attempt in a row would wait.
    assert gaps[3] - 0.8 < 0.45, gaps


def wait_for_count(peer, n, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and len(peer.accepted) < n:
        time.sleep(0.02)
    return len(peer.accepted) >= n


@pytest.mark.parametrize('response, expected', [
    (b'HTTP/1.1 500 Internal Server Error\r\nContent-Length: 2097152\r\n\r\n' + b'x' * 2097152,
     'handshake refused: HTTP 500 Internal Server Error (body too large: 2097152 bytes)'),
    (b'HTTP/1.1 500 Internal Server Error\r\nContent-Length: 10\r\n\r\nbroken',
     'handshake refused: HTTP 500 Internal Server Error'),
    (b'HTTP/1.1 502 Bad Gateway\r\nX-\x01: y\r\n\r\n', 'handshake refused: HTTP 502 Bad Gateway'),
    (b'HTTP/1.1 503 Service Unavailable\r\nContent-Length: 9999999\r\n\r\n',
     'device refused: HTTP 503 Service Unavailable (body too large: 9999999 bytes)'),
    (b'HTTP/1.1 404 Not Found\r\nContent-Length: 4\r\n\r\nnope',
     'handshake refused: HTTP 404 Not Found: nope'),
    (b'SSH-2.0-OpenSSH_9.6\r\n\r\n', 'handshake failed: did not receive a valid HTTP response'),
])
def test_an_http_refusal_is_reported_with_its_status(response, expected):
    peer, judge = HostilePeer(refusal=response), Judge()
    link = run_link(peer.url, judge, backoff_min=1.0)
    try:
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            details = [d for _, s, d in judge.states
                       if s in (LinkState.DISCONNECTED, LinkState.DEVICE_FULL)]
            if details:
                break
            time.sleep(0.01)
    finally:
        link.stop()
        peer.close()
    assert details and details[0].startswith(expected), details
    assert len(details[0]) < 300


def test_the_url_password_is_hidden_in_what_the_link_reports():
    peer, judge = HostilePeer(lambda conn: conn.sleep(5)), Judge()
    link = run_link(f'ws://pilot:s3cr3t@127.0.0.1:{peer.port}/?token=abc', judge)
    try:
        judge.wait_state(LinkState.CONNECTED)
    finally:
        link.stop()
        peer.close()
    assert b'Authorization: Basic' in peer.requests[0]
    shown = ' '.join(d for _, _, d in judge.states) + link.url
    assert 's3cr3t' not in shown and 'abc' not in shown and 'pilot:***@127.0.0.1' in shown


@pytest.mark.parametrize('url, message', [
    ('ws://cam:secret@192.168.4.1:99999', "device_url 'ws://cam:***@192.168.4.1:99999': "
     'Port out of range 0-65535'),
    ('http://cam:secret@192.168.4.1', "device_url 'http://cam:***@192.168.4.1' is not a "
     "valid WebSocket URL: scheme isn't ws or wss"),
    ('wss://192.168.4.1', "device_url 'wss://192.168.4.1': the camera serves plain ws://"),
])
def test_a_bad_device_url_names_the_parameter_and_hides_the_password(url, message):
    with pytest.raises(ValueError) as err:
        ws_link.parse_device_url(url)
    assert str(err.value).startswith(message) and 'secret' not in str(err.value)
