"""
Decoded ``image_raw`` beside the compressed stream, off the frame path.

The link thread only *offers* a frame: it goes into a single "latest frame" slot (a
newer frame replaces one not yet decoded, counted as skipped) and a worker thread
decodes and publishes it. So the compressed stream never waits for a decode, and a
busy decoder sheds frames instead of queueing them.

Decoder: simplejpeg (libjpeg-turbo) where installed, else OpenCV. Measured here on a
640x480 frame: simplejpeg about 0.5 ms, OpenCV about 0.7 ms, identical pixels
(bench/ reports the numbers of each run). The message is built with cv_bridge where
it is importable (a ROS install), else directly with the same fields.
"""

import logging
import threading
import time
from typing import Any, Callable, Dict, Optional, Protocol, Tuple

import numpy as np

from .log_limits import Log
from .threads import named_thread

# Why each decoder could not be loaded, for the one error that says image_raw is silent.
_UNLOADABLE: Dict[str, str] = {}
try:
    import simplejpeg
except ImportError as exc:  # pragma: no cover - depends on the install
    simplejpeg = None
    _UNLOADABLE['simplejpeg'] = str(exc)
try:
    import cv2
except ImportError as exc:  # pragma: no cover - depends on the install
    cv2 = None  # type: ignore[assignment]  # optional: decode() checks for None
    _UNLOADABLE['OpenCV'] = str(exc)


class _Matched:
    """The one field of rclpy's matched-event info the node reads."""

    def __init__(self, current_count: int):
        self.current_count = current_count


class DecodeError(ValueError):
    """A frame that validates as JPEG but does not decode."""


def decoder_name() -> str:
    """Name the decoder in use."""
    if simplejpeg is not None:
        return 'simplejpeg'
    if cv2 is not None:
        return 'opencv'
    return 'none'


def decode(data: bytes) -> Tuple[np.ndarray, str]:
    """Decode a JPEG to (pixels, encoding): bgr8 for colour, mono8 for grayscale."""
    try:
        if simplejpeg is not None:
            _, _, colorspace, _ = simplejpeg.decode_jpeg_header(data)
            if colorspace == 'Gray':
                return simplejpeg.decode_jpeg(data, colorspace='GRAY', strict=True)[:, :, 0], \
                    'mono8'
            return simplejpeg.decode_jpeg(data, colorspace='BGR', strict=True), 'bgr8'
        if cv2 is not None:
            pixels = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_UNCHANGED)
            if pixels is None:
                raise DecodeError('OpenCV could not decode the frame')
            return pixels, 'mono8' if pixels.ndim == 2 else 'bgr8'
    except (ValueError, RuntimeError) as exc:
        raise DecodeError(str(exc)) from exc
    raise DecodeError('no JPEG decoder installed (pip install simplejpeg or opencv)')


def no_decoder_message() -> str:
    """Say that image_raw stays silent for want of a decoder, why, and how to get one."""
    why = '; '.join(f'{name}: {reason}' for name, reason in _UNLOADABLE.items())
    return (f'image_raw is wanted but publishes nothing: no JPEG decoder can be loaded ({why}). '
            'Install one: pip install simplejpeg, or on a ROS install python3-opencv (the '
            "package's rosdep key: rosdep install). image_raw/compressed is not affected.")


def _make_image_builder() -> Callable:
    """Return f(pixels, encoding) -> sensor_msgs/Image, via cv_bridge when available."""
    try:
        from cv_bridge import CvBridge
        bridge = CvBridge()
        return lambda pixels, encoding: bridge.cv2_to_imgmsg(pixels, encoding=encoding)
    except ImportError:
        from sensor_msgs.msg import Image

        def build(pixels: np.ndarray, encoding: str) -> Image:
            msg = Image(height=pixels.shape[0], width=pixels.shape[1], encoding=encoding,
                        is_bigendian=0)
            msg.step = pixels.shape[1] * (1 if pixels.ndim == 2 else pixels.shape[2])
            msg.data = pixels.tobytes()  # bytes: assigning a numpy array is ~1000x slower
            return msg
        return build


class ImagePublisher(Protocol):
    """What is used of the image_raw publisher (an rclpy Publisher)."""

    def publish(self, msg: Any, /) -> None:
        """Publish one sensor_msgs/Image."""

    def get_subscription_count(self) -> int:
        """Return how many subscriptions match."""


class RawImagePublisher:
    """Decodes the latest offered frame in a worker thread and publishes it."""

    def __init__(self, publisher: ImagePublisher, frame_id: str,
                 logger: Optional[Log] = None) -> None:
        """
        Publish on ``publisher``; ``logger`` (the node's) gets the no-decoder error.

        ``logger`` needs only ``error(str)``: an rclpy or a ``logging`` logger.
        """
        self._publisher = publisher
        self._frame_id = frame_id
        self._logger: Log = logger if logger is not None else logging.getLogger(__name__)
        self._told_no_decoder = False
        self._build = _make_image_builder()
        self._slot: Optional[tuple] = None
        self._cv = threading.Condition()
        self._stop = False
        self.decoded = 0
        self.skipped = 0
        self.failed = 0
        self.decode_seconds = 0.0
        self._thread = named_thread(self._run, 'raw_decoder')
        self._thread.start()

    def offer(self, data: bytes, sec: int, nanosec: int) -> None:
        """Hand over a frame (called in the link thread; never blocks on a decode)."""
        with self._cv:
            if self._slot is not None:
                self.skipped += 1
            self._slot = (data, sec, nanosec)
            self._cv.notify()

    def subscribers_changed(self, count: int) -> bool:
        """
        Return whether frames should be offered, now that image_raw has ``count`` subscribers.

        The node calls this from its matched-event (or polling) callback. When a
        subscriber appears and no decoder can be loaded, it says so, once per node:
        otherwise image_raw would be silent and only a diagnostics counter would say why.
        """
        wanted = count > 0
        if wanted:
            self._tell_if_no_decoder()
        return wanted

    def _tell_if_no_decoder(self) -> None:
        if simplejpeg is not None or cv2 is not None:
            return
        with self._cv:
            told, self._told_no_decoder = self._told_no_decoder, True
        if not told:
            self._logger.error(no_decoder_message())

    def _run(self) -> None:
        while True:
            with self._cv:
                while self._slot is None and not self._stop:
                    self._cv.wait()
                slot, self._slot = self._slot, None
                if self._stop or slot is None:  # None only when stopping
                    return
            data, sec, nanosec = slot
            started = time.perf_counter()
            try:
                pixels, encoding = decode(data)
            except DecodeError:
                self.failed += 1
                # publish_raw 'always' offers frames without a subscriber event.
                self._tell_if_no_decoder()
                continue
            self.decode_seconds += time.perf_counter() - started
            msg = self._build(pixels, encoding)
            msg.header.stamp.sec, msg.header.stamp.nanosec = sec, nanosec
            msg.header.frame_id = self._frame_id
            try:
                self._publisher.publish(msg)
            except Exception:  # noqa: BLE001 - publisher destroyed at shutdown
                return
            self.decoded += 1

    def matched_status(self) -> _Matched:
        """Describe image_raw's subscribers like a matched event (``current_count``)."""
        return _Matched(self._publisher.get_subscription_count())

    def stats(self) -> dict:
        """Counters for diagnostics."""
        mean = self.decode_seconds / self.decoded * 1000 if self.decoded else 0.0
        return {'Raw decoder': decoder_name(), 'Raw frames decoded': str(self.decoded),
                'Raw frames skipped (decoder busy)': str(self.skipped),
                'Raw frames undecodable': str(self.failed),
                'Raw mean decode time (ms)': f'{mean:.3f}'}

    def close(self) -> None:
        """Stop the worker."""
        with self._cv:
            self._stop = True
            self._cv.notify()
        self._thread.join(1.0)
