"""
The WebSocket link over real loopback sockets, in-process (no ROS).

The peer is the ``websockets`` library's own asyncio server wherever it can produce
the case (fragmented messages, pings, close codes, a refused handshake), so the link
is checked against an independent implementation of RFC 6455; a raw socket server
makes what a correct server never sends (masked server frames, bad UTF-8 text, a
length past the limit).
"""

import asyncio
import base64
import hashlib
import socket
import threading
import time

from esp32_drone_camera import protocol, ws_link
from esp32_drone_camera.link_state import LinkState
import pytest
from websockets.asyncio.server import serve
from websockets.datastructures import Headers
from websockets.http11 import Response

ACCEPT_GUID = b'258EAFA5-E914-47DA-95CA-C5AB0DC85B11'


class Recorder(ws_link.LinkCallbacks):
    """Everything the link reports, with a way to wait for it."""

    def __init__(self):
        self.frames, self.texts, self.states, self.bad = [], [], [], []
        self.state_times = []  # time.monotonic() of each entry of states
        self.cond = threading.Condition()

    def _add(self, where, item):
        with self.cond:
            where.append(item)
            self.cond.notify_all()

    def on_frame(self, data, arrival_ns):
        self._add(self.frames, data)
        return True

    def on_text(self, text, arrival_ns):
        self._add(self.texts, text)

    def on_state(self, state, detail):
        self.state_times.append(time.monotonic())
        self._add(self.states, (state, detail))

    def on_bad_message(self, reason):
        self._add(self.bad, reason)

    def wait(self, predicate, timeout=5.0):
        with self.cond:
            assert self.cond.wait_for(lambda: predicate(self), timeout), \
                f'timed out; states={self.states} texts={self.texts[-3:]}'


class Server:
    """A websockets asyncio server in its own thread, running ``handler``."""

    def __init__(self, handler, process_request=None):
        self.loop = asyncio.new_event_loop()
        self.received = []
        ready = threading.Event()

        async def main():
            async with serve(handler, '127.0.0.1', 0, process_request=process_request,
                             compression=None) as server:
                self.port = server.sockets[0].getsockname()[1]
                self.stop = self.loop.create_future()
                ready.set()
                await self.stop

        self.thread = threading.Thread(target=self.loop.run_until_complete, args=(main(),),
                                       daemon=True)
        self.thread.start()
        assert ready.wait(5)
        self.url = f'ws://127.0.0.1:{self.port}'

    def close(self):
        self.loop.call_soon_threadsafe(self.stop.set_result, None)
        self.thread.join(5)


def raw_server(script, after_response=b''):
    """
    Accept one connection, complete the handshake by hand, then run ``script(conn)``.

    ``after_response`` goes out in the same write as the 101 response.
    """
    listener = socket.socket()
    listener.bind(('127.0.0.1', 0))
    listener.listen(1)

    def run():
        conn, _ = listener.accept()
        request = b''
        while b'\r\n\r\n' not in request:
            request += conn.recv(4096)
        key = [line.split(b':', 1)[1].strip() for line in request.split(b'\r\n')
               if line.lower().startswith(b'sec-websocket-key:')][0]
        accept = base64.b64encode(hashlib.sha1(key + ACCEPT_GUID).digest())
        conn.sendall(b'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n'
                     b'Connection: Upgrade\r\nSec-WebSocket-Accept: ' + accept + b'\r\n\r\n'
                     + after_response)
        script(conn)
        time.sleep(0.5)
        conn.close()
        listener.close()

    threading.Thread(target=run, daemon=True).start()
    return f'ws://127.0.0.1:{listener.getsockname()[1]}'


def make_link(url, rec, **kw):
    kw.setdefault('backoff_min', 0.05)
    kw.setdefault('backoff_max', 0.2)
    link = ws_link.WebSocketLink(url, rec, **kw)
    link.start()
    return link


@pytest.fixture
def rec():
    return Recorder()


def test_messages_arrive_whole_and_in_order_fragmented_ones_reassembled(rec):
    jpeg = b'\xff\xd8' + bytes(range(256)) * 300 + b'\xff\xd9'  # 76 KB: 64-bit length

    async def handler(ws):
        await ws.send('{"type":"welcome"}')
        await ws.send(jpeg)
        await ws.send([jpeg[:1000], jpeg[1000:5000], jpeg[5000:]])  # three frames
        await ws.send(['{"type":', '"status"}'])
        await ws.send(b'\xff\xd8small\xff\xd9')  # 7-bit length
        await asyncio.sleep(5)

    server = Server(handler)
    link = make_link(server.url, rec)
    try:
        rec.wait(lambda r: len(r.frames) == 3 and len(r.texts) == 2)
        assert rec.frames == [jpeg, jpeg, b'\xff\xd8small\xff\xd9']
        assert all(type(f) is bytes for f in rec.frames)
        assert rec.texts == ['{"type":"welcome"}', '{"type":"status"}']
        assert link.connected and rec.states[-1][0] == LinkState.CONNECTED
    finally:
        link.stop()
        server.close()
    assert rec.states[-1][0] == LinkState.STOPPED
    assert LinkState.DISCONNECTED not in [s for s, _ in rec.states]  # stopping is not a fault
    assert all(type(s) is LinkState for s, _ in rec.states)


def test_send_text_is_masked_correct_and_safe_from_many_threads(rec):
    received = []
    done = threading.Event()

    async def handler(ws):
        async for message in ws:  # the server closes with 1002 on an unmasked frame
            received.append(message)
            if len(received) == 200:
                done.set()

    server = Server(handler)
    link = make_link(server.url, rec)
    try:
        rec.wait(lambda r: link.connected)
        batches = [[f'{{"cmd":"info","id":"{t}-{i}"}}' for i in range(50)] for t in range(4)]
        texts = [text for batch in batches for text in batch]
        threads = [threading.Thread(target=lambda b=b: [link.send_text(x) for x in b])
                   for b in batches]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        assert done.wait(5)
        assert sorted(received) == sorted(texts)
    finally:
        link.stop()
        server.close()
    assert not link.send_text('late')  # not connected any more


def test_server_ping_is_answered_without_the_application(rec):
    answered = []

    async def handler(ws):
        waiter = await ws.ping(b'are you there')
        answered.append(await asyncio.wait_for(waiter, 2) is not None)
        await ws.send(b'\xff\xd8ok\xff\xd9')
        await asyncio.sleep(5)

    server = Server(handler)
    link = make_link(server.url, rec)
    try:
        rec.wait(lambda r: len(r.frames) == 1)
        assert answered == [True]
    finally:
        link.stop()
        server.close()


def test_close_code_is_reported_and_the_link_reconnects(rec):
    async def handler(ws):
        await ws.send(b'\xff\xd8x\xff\xd9')
        await ws.close(4000, 'going to sleep')

    server = Server(handler)
    link = make_link(server.url, rec)
    try:
        rec.wait(lambda r: len(r.frames) >= 2)  # a second session delivered too
        closes = [d for s, d in rec.states if s == LinkState.DISCONNECTED]
        assert 'device closed the connection (4000 going to sleep)' in closes
        assert link.connects >= 2
    finally:
        link.stop()
        server.close()


def test_full_device_is_told_apart_from_other_refusals(rec):
    def full(connection, request):
        return Response(503, 'Service Unavailable',
                        Headers({protocol.REJECT_HEADER: protocol.REJECT_MAX_CLIENTS,
                                 'Content-Length': '24'}), b'max clients (3) reached\n')

    server = Server(lambda ws: asyncio.sleep(1), process_request=full)
    link = make_link(server.url, rec, backoff_max=0.1)
    try:
        rec.wait(lambda r: any(s == LinkState.DEVICE_FULL for s, _ in r.states))
        detail = [d for s, d in rec.states if s == LinkState.DEVICE_FULL][0]
        assert detail == 'device refused: max clients (3) reached'
    finally:
        link.stop()
        server.close()

    rec2 = Recorder()
    server = Server(lambda ws: asyncio.sleep(1), process_request=lambda c, r: Response(
        403, 'Forbidden', Headers({'Content-Length': '4'}), b'nope'))
    link = make_link(server.url, rec2)
    try:
        rec2.wait(lambda r: any(s == LinkState.DISCONNECTED for s, _ in r.states))
        assert 'handshake refused: HTTP 403 Forbidden: nope' in [d for _, d in rec2.states]
    finally:
        link.stop()
        server.close()


def test_silence_is_a_stall_but_not_while_no_frames_are_expected(rec):
    async def quiet(ws):
        await ws.send('{"type":"welcome"}')
        async for _ in ws:
            pass  # text only, never a frame

    server = Server(quiet)
    link = make_link(server.url, rec, stale_timeout=0.4)
    try:
        started = time.monotonic()
        rec.wait(lambda r: any(s == LinkState.STALLED for s, _ in r.states), timeout=3)
        assert 0.35 < time.monotonic() - started < 1.5
        assert link.stalls >= 1
        rec.wait(lambda r: link.connects >= 2)  # and it reconnected
    finally:
        link.stop()
        server.close()

    rec2 = Recorder()
    server = Server(quiet)
    link = make_link(server.url, rec2, stale_timeout=0.3, expect_frames=lambda: False)
    try:
        time.sleep(1.2)
        assert link.stalls == 0 and link.connects == 1 and link.connected
    finally:
        link.stop()
        server.close()


def test_stop_unblocks_a_waiting_link_at_once(rec):
    server = Server(lambda ws: asyncio.sleep(30))
    link = make_link(server.url, rec, stale_timeout=30)
    try:
        rec.wait(lambda r: link.connected)
        started = time.monotonic()
        link.stop(timeout=2)
        assert time.monotonic() - started < 0.3
        assert not link._thread.is_alive()
    finally:
        server.close()


def test_refused_and_unreachable(rec):
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        port = s.getsockname()[1]  # nobody listens once closed
    link = make_link(f'ws://127.0.0.1:{port}', rec)
    try:
        rec.wait(lambda r: (LinkState.DISCONNECTED, 'connection refused') in r.states)
    finally:
        link.stop()
    for bad in ('wss://192.168.4.1:8080', 'http://192.168.4.1', 'not a url'):
        with pytest.raises(ValueError):
            ws_link.WebSocketLink(bad, rec)


def test_malformed_frames_from_a_broken_server(rec):
    def script(conn):
        conn.sendall(b'\x81\x02\xff\xfe')  # text that is not UTF-8: skipped, counted
        conn.sendall(b'\x82\x04\xff\xd8\xff\xd9')  # a good frame after it
        conn.sendall(b'\x82\x84abcd' + bytes(4))  # masked server frame: protocol error

    link = make_link(raw_server(script), rec, backoff_min=5, backoff_max=5)
    try:
        rec.wait(lambda r: any(s == LinkState.DISCONNECTED for s, _ in r.states))
        assert rec.bad == ['text message is not UTF-8']
        assert rec.frames == [b'\xff\xd8\xff\xd9']
        detail = [d for s, d in rec.states if s == LinkState.DISCONNECTED][0]
        assert detail.startswith('protocol error') and 'mask' in detail
    finally:
        link.stop()


def test_a_length_past_the_limit_is_refused_before_any_allocation(rec):
    def script(conn):
        time.sleep(0.3)  # after the handshake, so the link is blocked reading a header
        conn.sendall(b'\x82\x7f' + (1 << 62).to_bytes(8, 'big'))  # 4 EiB announced

    link = make_link(raw_server(script), rec, max_message=1 << 20, backoff_min=5,
                     backoff_max=5)
    try:
        rec.wait(lambda r: any(s == LinkState.DISCONNECTED for s, _ in r.states))
        detail = [d for s, d in rec.states if s == LinkState.DISCONNECTED][0]
        assert detail.startswith('protocol error') and 'exceeds limit' in detail
        assert rec.frames == []
    finally:
        link.stop()


def test_frames_in_the_same_segment_as_the_handshake_are_read_in_step(rec):
    # The reader must start on a frame boundary: a handshake read that swallowed the
    # start of the next frame would leave it reading payload bytes as a header.
    jpeg = b'\xff\xd8' + bytes(range(256)) * 40 + b'\xff\xd9'
    first = (b'\x81\x12{"type":"welcome"}' + b'\x82\x7e' + len(jpeg).to_bytes(2, 'big')
             + jpeg)

    def script(conn):
        conn.sendall(b'\x82\x04\xff\xd8\xff\xd9')

    link = make_link(raw_server(script, after_response=first), rec)
    try:
        rec.wait(lambda r: len(r.frames) == 2)
        assert rec.texts == ['{"type":"welcome"}'] and rec.frames == [jpeg, b'\xff\xd8\xff\xd9']
    finally:
        link.stop()


def test_stop_during_the_handshake_is_quick_and_not_a_fault(rec):
    with socket.socket() as listener:  # accepts TCP (the backlog) but never answers
        listener.bind(('127.0.0.1', 0))
        listener.listen(1)
        link = make_link(f'ws://127.0.0.1:{listener.getsockname()[1]}', rec,
                         open_timeout=30)
        time.sleep(0.3)
        started = time.monotonic()
        link.stop(timeout=2)
        assert time.monotonic() - started < 0.3
    assert [s for s, _ in rec.states] == [LinkState.CONNECTING, LinkState.STOPPED]


def test_a_whole_binary_frame_inside_a_fragmented_message_is_not_taken_as_a_message(rec):
    # The fast path must not accept what the protocol rejects: a new data frame while a
    # fragmented message is open is a protocol error, not a frame.
    def script(conn):
        conn.sendall(b'\x02\x02\xff\xd8')  # binary message, first fragment
        conn.sendall(b'\x82\x04\xff\xd8\xff\xd9')  # a whole binary frame: out of order

    link = make_link(raw_server(script), rec, backoff_min=5, backoff_max=5)
    try:
        rec.wait(lambda r: any(s == LinkState.DISCONNECTED for s, _ in r.states))
        detail = [d for s, d in rec.states if s == LinkState.DISCONNECTED][0]
        assert detail.startswith('protocol error') and 'continuation' in detail
        assert rec.frames == []
    finally:
        link.stop()


def test_a_stream_that_stops_is_a_stall_then_streams_again(rec):
    async def handler(ws):
        for _ in range(5):
            await ws.send(b'\xff\xd8x\xff\xd9')
            await asyncio.sleep(0.02)
        await asyncio.sleep(30)  # TCP stays open, frames stop

    server = Server(handler)
    link = make_link(server.url, rec, stale_timeout=0.4)
    try:
        rec.wait(lambda r: any(s == LinkState.STALLED for s, _ in r.states), timeout=3)
        assert len(rec.frames) >= 5
        rec.wait(lambda r: len(r.frames) >= 10)  # the next connection streams
        assert link.stalls >= 1 and link.connects >= 2
    finally:
        link.stop()
        server.close()


def retry_gaps(rec, after):
    """Seconds from each ``after`` state to the next connection attempt."""
    return [rec.state_times[i + 1] - rec.state_times[i] for i, (s, _) in
            enumerate(rec.states[:-1]) if s == after and
            rec.states[i + 1][0] == LinkState.CONNECTING]


def test_a_full_device_is_retried_after_the_longest_delay_other_refusals_back_off(rec):
    full = Response(503, 'Service Unavailable',
                    Headers({protocol.REJECT_HEADER: protocol.REJECT_MAX_CLIENTS,
                             'Content-Length': '0'}), b'')
    server = Server(lambda ws: asyncio.sleep(1), process_request=lambda c, r: full)
    link = make_link(server.url, rec, backoff_min=0.02, backoff_max=0.4)
    try:
        rec.wait(lambda r: len(retry_gaps(r, LinkState.DEVICE_FULL)) >= 2)
        assert min(retry_gaps(rec, LinkState.DEVICE_FULL)) >= 0.4
    finally:
        link.stop()
        server.close()

    rec2 = Recorder()
    server = Server(lambda ws: asyncio.sleep(1), process_request=lambda c, r: Response(
        403, 'Forbidden', Headers({'Content-Length': '0'}), b''))
    link = make_link(server.url, rec2, backoff_min=0.02, backoff_max=0.4)
    try:
        rec2.wait(lambda r: len(retry_gaps(r, LinkState.DISCONNECTED)) >= 2)
        assert retry_gaps(rec2, LinkState.DISCONNECTED)[0] < 0.3  # 0.02-0.04 s: no floor
    finally:
        link.stop()
        server.close()


def test_backoff_grows_with_jitter_and_is_bounded():
    assert ws_link.backoff_delay(0, 0.25, 5.0, rng=lambda: 1.0) == 0.25
    assert ws_link.backoff_delay(3, 0.25, 5.0, rng=lambda: 1.0) == 2.0
    assert ws_link.backoff_delay(50, 0.25, 5.0, rng=lambda: 1.0) == 5.0
    assert ws_link.backoff_delay(50, 0.25, 5.0, rng=lambda: 0.0) == 2.5
