"""What the benchmark subjects share: how they connect and the QoS they publish with."""

import asyncio

from rclpy.qos import HistoryPolicy, QoSProfile, ReliabilityPolicy
from websockets.asyncio.client import connect

CONNECT_ATTEMPTS = 50  # the emulator is up before we start; this only rides out a race

# The camera node's default image QoS: reliable, small depth.
RELIABLE = QoSProfile(depth=5, history=HistoryPolicy.KEEP_LAST,
                      reliability=ReliabilityPolicy.RELIABLE)


async def connect_with_retry(url: str, who: str):
    """Open a websockets client connection the way the usual bridges do (no deflate)."""
    for _ in range(CONNECT_ATTEMPTS):
        try:
            return await connect(url, compression=None, max_size=None, ping_interval=None)
        except OSError:
            await asyncio.sleep(0.1)
    raise SystemExit(f'{who}: cannot connect to {url}')
