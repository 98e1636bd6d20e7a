"""
Synthetic camera frames: real JPEGs with moving content and a visible frame number.

Rendering a VGA frame with Pillow takes a few milliseconds, fine at 20 fps. For
benchmarks the emulator can instead cycle through a set of pre-encoded frames so it
can send far faster than a real camera.
"""

import io
from typing import List

from PIL import Image, ImageDraw, ImageFont

from ..protocol import FRAME_SIZE_BY_NAME


def pil_quality(ov2640_quality: int) -> int:
    """Map the OV2640 scale (0-63, lower is better) to Pillow's (1-95, higher is better)."""
    return max(5, min(95, 95 - int(ov2640_quality * 1.4)))


class FrameRenderer:
    """Draws frames for one frame size and quality."""

    def __init__(self, frame_size: str = 'VGA', quality: int = 12):
        _, self.width, self.height = FRAME_SIZE_BY_NAME[frame_size]
        self.quality = pil_quality(quality)
        self._background = self._make_background()
        self._font = ImageFont.load_default(size=max(12, self.height // 10))

    def _make_background(self) -> Image.Image:
        # A gradient with some texture so the JPEG has realistic size (8-25 KB at VGA).
        w, h = self.width, self.height
        gradient = Image.linear_gradient('L').resize((w, h))
        noise = Image.effect_noise((w, h), 24)
        red = Image.blend(gradient, noise, 0.25)
        green = gradient.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
        blue = Image.blend(gradient.rotate(90).resize((w, h)), noise, 0.1)
        return Image.merge('RGB', (red, green, blue))

    def render(self, number: int) -> bytes:
        """Encode frame ``number`` as JPEG bytes."""
        image = self._background.copy()
        draw = ImageDraw.Draw(image)
        w, h = self.width, self.height
        x = (number * 7) % (w + 80) - 80
        draw.ellipse((x, h // 3, x + 80, h // 3 + 80), fill=(250, 200, 40))
        draw.rectangle((8, 8, w // 2, 8 + h // 8), fill=(0, 0, 0))
        draw.text((14, 8), f'frame {number}', fill=(255, 255, 255), font=self._font)
        out = io.BytesIO()
        image.save(out, 'JPEG', quality=self.quality)
        return out.getvalue()

    def pre_encode(self, count: int) -> List[bytes]:
        """Render ``count`` frames up front (the fast mode)."""
        return [self.render(i) for i in range(count)]
