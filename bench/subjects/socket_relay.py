"""
Subject (d), the minimal relay: the least a relay can do per frame.

One thread blocks in ``recv`` on a plain socket: no event loop, no websockets
objects per message. It reads the 2-10 byte WebSocket header, then the payload with
MSG_WAITALL (one system call each, as a rule), and publishes the JPEG as a
pre-serialised CompressedImage: the bytes of a template message with the stamp
patched in, followed by the data, so rclpy does no Python-to-C message conversion.
The camera node's link (``esp32_drone_camera/ws_link.py``) reads frames the same way,
with the protocol done properly; this one does nothing else, which makes it the
reference for what receiving and publishing alone cost.

Enough of RFC 6455 for the device's stream: server frames are never masked; binary
frames are published, text and pong frames skipped, a close frame ends the relay.
The device sends every message in one frame (no fragmentation), so continuation
frames are skipped too. No reconnect, no text commands, no checks.
"""

import argparse
import base64
import hashlib
import os
import socket
import sys
import time
from urllib.parse import urlsplit

from bench.subjects.shared import RELIABLE
from esp32_drone_camera import cdr
import rclpy
from sensor_msgs.msg import CompressedImage

GUID = b'258EAFA5-E914-47DA-95CA-C5AB0DC85B11'  # RFC 6455 section 1.3
BINARY, CLOSE = 0x2, 0x8


def open_websocket(url: str, timeout: float = 5.0) -> tuple:
    """Connect and upgrade; return (socket, bytes already read past the handshake)."""
    parts = urlsplit(url)
    sock = socket.create_connection((parts.hostname, parts.port or 80), timeout)
    key = base64.b64encode(os.urandom(16))
    sock.sendall(b'GET ' + (parts.path or '/').encode() + b' HTTP/1.1\r\nHost: '
                 + parts.netloc.encode() + b'\r\nUpgrade: websocket\r\nConnection: Upgrade'
                 b'\r\nSec-WebSocket-Key: ' + key + b'\r\nSec-WebSocket-Version: 13\r\n\r\n')
    response = b''
    while b'\r\n\r\n' not in response and len(response) < 16384:
        chunk = sock.recv(4096)
        if not chunk:
            break
        response += chunk
    head, _, rest = response.partition(b'\r\n\r\n')
    accept = base64.b64encode(hashlib.sha1(key + GUID).digest())
    if not head.startswith(b'HTTP/1.1 101') or accept not in head:
        sock.close()
        raise ConnectionError(f'handshake refused: {head[:80]!r}')
    sock.settimeout(None)
    return sock, rest


class FrameReader:
    """Reads whole WebSocket frames from a blocking socket."""

    def __init__(self, sock: socket.socket, pending: bytes):
        self.sock = sock
        self.pending = pending

    def read(self, n: int) -> bytes:
        """Exactly ``n`` bytes, or fewer if the connection ended."""
        if self.pending:
            head, self.pending = self.pending[:n], self.pending[n:]
            if len(head) == n:
                return head
            return head + self.sock.recv(n - len(head), socket.MSG_WAITALL)
        return self.sock.recv(n, socket.MSG_WAITALL)

    def frame(self) -> tuple:
        """(opcode, payload) of the next frame; opcode CLOSE when the connection ends."""
        header = self.read(2)
        if len(header) < 2:
            return CLOSE, b''
        size = header[1] & 0x7F
        if size == 126:
            size = int.from_bytes(self.read(2), 'big')
        elif size == 127:
            size = int.from_bytes(self.read(8), 'big')
        payload = self.read(size)
        if len(payload) < size:
            return CLOSE, b''
        return header[0] & 0x0F, payload


def main(argv=None) -> int:
    """Relay until the connection closes or SIGINT."""
    p = argparse.ArgumentParser(description='Prototype socket relay.')
    p.add_argument('--url', required=True)
    p.add_argument('--topic', default='image_raw/compressed')
    a, ros_args = p.parse_known_args(argv)
    rclpy.init(args=ros_args)
    node = rclpy.create_node('socket_relay')
    publish = node.create_publisher(CompressedImage, a.topic, RELIABLE).publish
    template = CompressedImage(format='jpeg')
    template.header.frame_id = 'camera'
    prefix = cdr.image_prefix(template)
    reader = FrameReader(*open_websocket(a.url))
    try:
        while True:
            opcode, payload = reader.frame()
            if opcode == BINARY:
                cdr.set_stamp(prefix, *divmod(time.time_ns(), 1_000_000_000))
                publish(cdr.image(prefix, payload))
            elif opcode == CLOSE:
                break
    except KeyboardInterrupt:
        pass
    finally:
        reader.sock.close()
        node.destroy_node()
        rclpy.try_shutdown()
    return 0


if __name__ == '__main__':
    sys.exit(main())
