"""
What decoding one JPEG costs, in this process: simplejpeg and OpenCV side by side.

Both decode the same emulator frame (VGA by default) a number of times; the median
is reported. The node uses whichever ``esp32_drone_camera.raw_images`` picks in this
same Python environment (simplejpeg where installed, else OpenCV).
"""

import time
from typing import Callable, Dict, Optional

from esp32_drone_camera import raw_images
from esp32_drone_camera.emulator.imagery import FrameRenderer
import numpy as np


def _decoders() -> Dict[str, Optional[Callable[[bytes], object]]]:
    """Name -> decode function, None where the library is not installed."""
    sj, cv2 = raw_images.simplejpeg, raw_images.cv2
    return {
        'simplejpeg': (lambda data: sj.decode_jpeg(data, colorspace='BGR')) if sj else None,
        'opencv': ((lambda data: cv2.imdecode(np.frombuffer(data, np.uint8),
                                              cv2.IMREAD_UNCHANGED)) if cv2 else None),
    }


def measure(count: int = 200, size: str = 'VGA') -> dict:
    """Return the median and p90 decode ms per decoder, the frame size and the node's choice."""
    frame = FrameRenderer(size).render(1)
    out = {'size': size, 'frame_bytes': len(frame), 'count': count,
           'node_decoder': raw_images.decoder_name(), 'decoders': {}}
    for name, fn in _decoders().items():
        if fn is None:
            out['decoders'][name] = None
            continue
        fn(frame)  # first call: library set-up, not counted
        times = []
        for _ in range(count):
            started = time.perf_counter()
            fn(frame)
            times.append((time.perf_counter() - started) * 1000)
        out['decoders'][name] = {'median_ms': float(np.median(times)),
                                 'p90_ms': float(np.percentile(times, 90))}
    return out
