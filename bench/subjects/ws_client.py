"""
Reference: a plain WebSocket client with no ROS, recording what it receives.

It shows what the emulator and the loopback TCP path deliver by themselves (rate,
loss, latency), so a subject's numbers can be told apart from the emulator's limits.
Records have the subscriber's format: sequence, receive ns, and 0 for the stamp.
"""

import argparse
import asyncio
import signal
import sys
import time

from esp32_drone_camera.frames import read_metadata
import numpy as np
from websockets.asyncio.client import connect


async def receive(url: str, rows: list, max_seconds: float) -> None:
    """Record frames until SIGINT/SIGTERM, the connection closes or the deadline."""
    loop = asyncio.get_running_loop()
    done = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, done.set)
    async with connect(url, compression=None, max_size=None, ping_interval=None) as ws:
        print('READY', flush=True)

        async def pump():
            async for message in ws:
                if type(message) is bytes:
                    recv = time.time_ns()
                    meta = read_metadata(message)
                    if not rows:
                        print('FIRST', flush=True)
                    rows.append((meta.seq if meta else -1, recv, 0))

        task = asyncio.ensure_future(pump())
        await asyncio.wait([task, asyncio.ensure_future(done.wait())], timeout=max_seconds,
                           return_when=asyncio.FIRST_COMPLETED)
        task.cancel()


def main(argv=None) -> int:
    """Receive, then write the records."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--url', required=True)
    p.add_argument('--out', required=True)
    p.add_argument('--max-seconds', type=float, default=600.0)
    a = p.parse_args(argv)
    rows: list = []
    asyncio.run(receive(a.url, rows, a.max_seconds))
    np.save(a.out, np.array(rows, dtype=np.int64).reshape(-1, 3))
    return 0


if __name__ == '__main__':
    sys.exit(main())
