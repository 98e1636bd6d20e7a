"""
The benchmark subscriber, in its own process: records (sequence, receive ns, stamp ns).

A ``camera_testkit`` probe node: it subscribes with ``raw=True`` and reads the few
fields it needs straight from the serialised (CDR) message, so its own cost stays
small and equal for every subject: deserialising a 900 KB raw image into Python would
otherwise add to the latency we measure. The sequence number comes from the JPEG's
APP4 metadata (compressed topics) or from header.frame_id (the OpenCV bridge writes it
there, as the pixels lose it).
"""

import argparse
import signal
import struct
import sys
import threading
import time

from camera_testkit.probe import ProbeNode
from esp32_drone_camera.cdr import STAMP, STAMP_AT
import numpy as np
from rclpy.qos import HistoryPolicy, QoSProfile, ReliabilityPolicy
from sensor_msgs.msg import CompressedImage, Image

_SEQ = struct.Struct('>I')
_MARK = b'DCAM\x00'
_SEQ_AFTER_MARK = len(_MARK) + 3  # version, frame size, quality, then the sequence


def parse_compressed(raw: bytes):
    """(sequence, stamp ns) of a serialised CompressedImage; sequence -1 if none."""
    sec, nsec = STAMP.unpack_from(raw, STAMP_AT)
    at = raw.find(_MARK, 0, 256)
    seq = _SEQ.unpack_from(raw, at + _SEQ_AFTER_MARK)[0] if at >= 0 else -1
    return seq, sec * 1_000_000_000 + nsec


def parse_frame_id_seq(raw: bytes):
    """(sequence, stamp ns) of a serialised message whose frame_id is the sequence."""
    sec, nsec = STAMP.unpack_from(raw, STAMP_AT)
    (length,) = struct.unpack_from('<I', raw, 12)
    text = raw[16:16 + length - 1]
    return (int(text) if text.isdigit() else -1), sec * 1_000_000_000 + nsec


def main(argv=None) -> int:
    """Subscribe until SIGINT/SIGTERM or --max-seconds, then write the records."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    p.add_argument('--topic', required=True)
    p.add_argument('--type', choices=('compressed', 'raw'), default='compressed')
    p.add_argument('--out', required=True, help='.npy file: rows of seq, recv_ns, stamp_ns')
    p.add_argument('--depth', type=int, default=100)
    p.add_argument('--max-seconds', type=float, default=600.0)
    a = p.parse_args(argv)

    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    probe = ProbeNode(name='bench_sub', own_context=True)
    seqs, recvs, stamps = [], [], []
    parse = parse_compressed if a.type == 'compressed' else parse_frame_id_seq

    def on_message(raw: bytes) -> None:
        recv = time.time_ns()
        seq, stamp = parse(raw)
        if not seqs:
            print('FIRST', flush=True)
        seqs.append(seq)
        recvs.append(recv)
        stamps.append(stamp)

    qos = QoSProfile(depth=a.depth, history=HistoryPolicy.KEEP_LAST,
                     reliability=ReliabilityPolicy.RELIABLE)
    probe.subscribe(CompressedImage if a.type == 'compressed' else Image, a.topic,
                    on_message, qos, raw=True)
    print('READY', flush=True)
    stop.wait(a.max_seconds)
    probe.close()  # no callback runs after this
    np.save(a.out, np.array([seqs, recvs, stamps], dtype=np.int64).T.reshape(-1, 3))
    return 0


if __name__ == '__main__':
    sys.exit(main())
