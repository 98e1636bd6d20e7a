"""
Synthetic camera frames: real JPEGs with moving content and a visible frame number.

Their byte size follows the OV2640's (emulator/jpeg_size.py) for every frame size
and quality, so a narrow link is as hard to fit as with the real sensor. Per frame
size, the scene's frame 0 is encoded once at a grid of encoder qualities (about
0.1 s, cached for the process); a frame at OV2640 quality q is then encoded at the
best grid quality whose size stays within the model's, and a JPEG comment segment
makes up the rest. Frames stay valid JPEGs of the announced size.

Rendering a VGA frame with Pillow takes a few milliseconds, fine at 20 fps. For
benchmarks the emulator can instead cycle through a set of pre-encoded frames so it
can send far faster than a real camera.
"""

import collections
import functools
import io
from typing import List, NamedTuple, Tuple

from PIL import Image, ImageDraw, ImageFont

from .jpeg_size import typical_bytes
from ..protocol import FRAME_SIZE_BY_NAME

ENCODER_QUALITIES = (1, *range(5, 91, 5), 92, 94, 96, 98)  # Pillow's scale, 1-100
COMMENT_MAX_PAYLOAD = 65533  # a COM segment's length field (max 65535) counts itself too
APP0_END = 20  # Pillow writes SOI + a 16-byte JFIF APP0 segment first


def comment_padding(size: int) -> bytes:
    """Return COM segments of exactly ``size`` bytes (empty below 4: none is that small)."""
    out = []
    while size >= 4:
        chunk = min(size - 4, COMMENT_MAX_PAYLOAD)
        if 0 < size - chunk - 4 < 4:
            chunk -= 4  # leave enough for one more segment: the total stays exact
        out.append(b'\xff\xfe' + (chunk + 2).to_bytes(2, 'big') + bytes(chunk))
        size -= chunk + 4
    return b''.join(out)


class Scene(NamedTuple):
    """The still part of the frames at one frame size, and its size-vs-quality curve."""

    background: Image.Image
    font: ImageFont.ImageFont
    curve: Tuple[Tuple[int, int], ...]  # (encoder quality, bytes of frame 0), ascending


def _background(width: int, height: int) -> Image.Image:
    # A gradient with some texture, so the encoder has detail to spend bytes on.
    gradient = Image.linear_gradient('L').resize((width, height))
    noise = Image.effect_noise((width, height), 24)
    red = Image.blend(gradient, noise, 0.25)
    green = gradient.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
    blue = Image.blend(gradient.rotate(90).resize((width, height)), noise, 0.1)
    return Image.merge('RGB', (red, green, blue))


def _draw(background: Image.Image, font, number: int) -> Image.Image:
    image = background.copy()
    draw = ImageDraw.Draw(image)
    w, h = image.size
    x = (number * 7) % (w + 80) - 80
    draw.ellipse((x, h // 3, x + 80, h // 3 + 80), fill=(250, 200, 40))
    draw.rectangle((8, 8, w // 2, 8 + h // 8), fill=(0, 0, 0))
    draw.text((14, 8), f'frame {number}', fill=(255, 255, 255), font=font)
    return image


def _encode(image: Image.Image, encoder_quality: int) -> bytes:
    out = io.BytesIO()
    image.save(out, 'JPEG', quality=encoder_quality)
    return out.getvalue()


@functools.lru_cache(maxsize=None)
def scene(width: int, height: int) -> Scene:
    """Return the scene at one frame size, made and measured once per process."""
    background = _background(width, height)
    font = ImageFont.load_default(size=max(12, height // 10))
    first = _draw(background, font, 0)
    curve = tuple((q, len(_encode(first, q))) for q in ENCODER_QUALITIES)
    return Scene(background, font, curve)


def encoder_setting(curve, target: int) -> Tuple[int, int]:
    """Return (encoder quality, padding bytes) that make frame 0 ``target`` bytes long."""
    fitting = [(q, size) for q, size in curve if size <= target]
    quality, size = fitting[-1] if fitting else curve[0]
    return quality, max(0, target - size)


class FrameRenderer:
    """Draws frames for one frame size and OV2640 quality (0-63, lower is better)."""

    def __init__(self, frame_size: str = 'VGA', quality: int = 12):
        _, self.width, self.height = FRAME_SIZE_BY_NAME[frame_size]
        self.target_bytes = typical_bytes(frame_size, quality)
        self._scene = scene(self.width, self.height)
        self.quality, padding = encoder_setting(self._scene.curve, self.target_bytes)
        self._padding = comment_padding(padding)

    def render(self, number: int) -> bytes:
        """Encode frame ``number`` as JPEG bytes."""
        jpeg = _encode(_draw(self._scene.background, self._scene.font, number), self.quality)
        return jpeg[:APP0_END] + self._padding + jpeg[APP0_END:]

    def pre_encode(self, count: int) -> List[bytes]:
        """Render ``count`` frames up front (the fast mode)."""
        return [self.render(i) for i in range(count)]


class FrameSource:
    """
    Frames for whatever frame size and quality the device is set to right now.

    A change of setting takes effect at the next frame. With ``pre_encoded`` > 0 the
    frames of each setting are encoded once and cycled (the benchmarks' fast mode):
    each on its first use, so a change of setting costs one frame's encoding, not a
    stall of ``pre_encoded`` of them. The last few settings stay cached, so a client
    that steps quality down and up again does not make the device encode again.
    """

    CACHED_SETTINGS = 16

    def __init__(self, pre_encoded: int = 0):
        self.pre_encoded = pre_encoded
        self._cache: 'collections.OrderedDict[tuple, tuple]' = collections.OrderedDict()

    def frame(self, frame_size: str, quality: int, number: int) -> bytes:
        """Return frame ``number`` at this setting."""
        key = (frame_size, quality)
        entry = self._cache.get(key)
        if entry is None:
            entry = (FrameRenderer(frame_size, quality), [None] * self.pre_encoded)
            self._cache[key] = entry
            if len(self._cache) > self.CACHED_SETTINGS:
                self._cache.popitem(last=False)
        else:
            self._cache.move_to_end(key)
        renderer, encoded = entry
        if not encoded:
            return renderer.render(number)
        index = number % len(encoded)
        jpeg = encoded[index]
        if jpeg is None:
            jpeg = encoded[index] = renderer.render(index)
        return jpeg

    def warm(self, frame_size: str, quality: int) -> None:
        """Encode this setting's frames now (before the stream starts)."""
        for number in range(max(1, self.pre_encoded)):
            self.frame(frame_size, quality, number)
