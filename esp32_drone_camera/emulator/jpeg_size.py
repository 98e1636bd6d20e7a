"""
How big an OV2640 JPEG frame is, by frame size and quality: the emulator's size model.

The node adapts quality (then frame size) to a narrow link, so the emulator's frames
must shrink with quality as a real sensor's do, no faster. esp32-camera's ``quality``
(0-63, lower is better) is written as is to the OV2640's JPEG quantisation scale (QS,
register 0x44): every quantiser step grows in proportion to it, so the bytes fall as
a power of it, slowly, with a floor of headers and per-block codes.

Measured frames of real OV2640s (ESP32-CAM, ordinary indoor scenes, public reports):

* esp32-camera issue #179 is not used for absolute sizes (its scene gave 49 KB at
  SVGA q20 in bright light and 15 KB in a dim room), only for the slope:
  SVGA q20 -> q30 = 49 -> 39 KB, exponent 0.56.
* ESP32-CAM-Video-Recorder-junior issue #48 (same scene, v60 / v62 firmware):
  VGA q12 22.5 / 22.0 KB, SVGA q12 33.2 / 32.9 KB, VGA q6 33.6 / 32.0 KB,
  SVGA q6 49.7 / 47.9 KB. Slope q6 -> q12: exponent 0.58 (VGA), 0.56 (SVGA); VGA ->
  SVGA (1.56x the pixels): 1.49x the bytes, i.e. bytes ~ pixels^0.9.
* The device README: VGA q12 "8-25 KB per frame (variable based on content)".
* An OV5640 (same quantisation-scale design), Adafruit_CircuitPython_OV5640 issue #2:
  bytes ~ q^-0.75 over a wide range: the OV2640 reports above are shallower, and the
  shallower slope is the one that makes adaptation harder, so it is the one kept.

The model: ``HEADER_BYTES + VGA_Q12_SCAN_BYTES * (pixels / VGA)^0.9 * (q / 12)^-0.57``,
with q below 2 counted as 2 (the sensor's output does not grow further; esp32-camera
warns that qualities under ~5 overflow its frame buffers). See docs/protocol.md,
"Frame size vs quality", for the table it gives.
"""

from ..protocol import FRAME_SIZE_BY_NAME

HEADER_BYTES = 600  # SOI, quantisation and Huffman tables, SOF, SOS: fixed per frame
VGA_Q12_BYTES = 22200  # issue #48's VGA q12 mean, header included
VGA_PIXELS = 640 * 480
PIXEL_EXPONENT = 0.9
QUALITY_EXPONENT = 0.57
REFERENCE_QUALITY = 12
MIN_EFFECTIVE_QUALITY = 2


def typical_bytes(frame_size: str, quality: int) -> int:
    """Return the typical JPEG size of one OV2640 frame at ``frame_size`` and ``quality``."""
    _, width, height = FRAME_SIZE_BY_NAME[frame_size]
    scale = (width * height / VGA_PIXELS) ** PIXEL_EXPONENT
    q = max(MIN_EFFECTIVE_QUALITY, quality)
    scan = (VGA_Q12_BYTES - HEADER_BYTES) * scale * (q / REFERENCE_QUALITY) ** -QUALITY_EXPONENT
    return round(HEADER_BYTES + scan)
