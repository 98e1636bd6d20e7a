"""
The quality ladder of adaptive streaming, and how many bytes each rung is expected to cost.

A level is a (frame size, JPEG quality) pair the device can be asked for. The ladder
starts at the ceiling (the configured ``frame_size`` / ``jpeg_quality``), lowers the
quality first (each rung about 10 % fewer bytes), and only when the lowest quality of
one frame size is not enough goes to the next smaller 4:3 frame size, again from the
ceiling quality down. So a narrow link costs sharpness before it costs pixels, and the
picture keeps its shape (camera_info is rescaled, never re-fitted).

Expected bytes come from the OV2640 size model the emulator also uses (one table, in
``emulator/jpeg_size.py``), corrected by the sizes actually observed: real scenes
differ from the model by a factor that holds across levels well enough to choose one.
"""

from typing import Callable, List, NamedTuple, Optional, Sequence

from .commands import QUALITY_RANGE
from .emulator.jpeg_size import typical_bytes
from .protocol import FRAME_SIZE_BY_NAME, FRAME_SIZES

WORST_QUALITY = QUALITY_RANGE[1]
QUALITY_STEP = 1.2  # next rung's quality (x1.2 in q is about -10 % in bytes on the OV2640)
RATIO_LIMITS = (0.2, 5.0)  # observed/model: anything outside is not believed
RATIO_WEIGHT = 0.3  # weight of one tick's observation in the correction
MIN_FRAMES_FOR_RATIO = 3


class Level(NamedTuple):
    """One rung: a frame-size name and a JPEG quality (0-63, lower is better)."""

    frame_size: str
    quality: int

    def __str__(self) -> str:
        return f'{self.frame_size} q{self.quality}'


def _pixels(frame_size: str) -> int:
    _, width, height = FRAME_SIZE_BY_NAME[frame_size]
    return width * height


def smaller_4_3_sizes(frame_size: str) -> List[str]:
    """Return the 4:3 frame sizes with fewer pixels than ``frame_size``, largest first."""
    limit = _pixels(frame_size)
    sizes = [name for name, w, h in FRAME_SIZES if w * 3 == h * 4 and w * h < limit]
    return sorted(sizes, key=_pixels, reverse=True)


def qualities_from(ceiling: int) -> List[int]:
    """Return the quality rungs from ``ceiling`` down to the worst quality (63)."""
    steps = [ceiling]
    while steps[-1] < WORST_QUALITY:
        steps.append(min(WORST_QUALITY, max(steps[-1] + 1, round(steps[-1] * QUALITY_STEP))))
    return steps


def build_ladder(ceiling: Level, frame_sizes: bool = True) -> List[Level]:
    """
    Return the ladder below ``ceiling`` (included, first), ordered by expected bytes.

    ``frame_sizes=False`` keeps the ceiling's frame size (a device that can only
    change its quality, like the stock firmware's serial ``quality N``).
    """
    sizes = [ceiling.frame_size] + (smaller_4_3_sizes(ceiling.frame_size) if frame_sizes else [])
    levels = [Level(size, q) for size in sizes for q in qualities_from(ceiling.quality)]
    # Stable: the construction order already is by bytes under the model; a sort
    # keeps that true whatever the model says at the boundary between sizes.
    return sorted(levels, key=lambda level: -typical_bytes(*level))


class SizeModel:
    """Expected frame bytes per level: the OV2640 model times an observed correction."""

    def __init__(self, prior: Callable[[str, int], int] = typical_bytes):
        self.prior = prior
        self.ratio = 1.0  # observed / model, smoothed

    def expected(self, level: Level) -> float:
        """Return the bytes a frame at ``level`` is expected to have."""
        return self.prior(*level) * self.ratio

    def observe(self, level: Level, frames: int, total_bytes: int) -> None:
        """Fold the mean size of ``frames`` frames seen at ``level`` into the correction."""
        if frames < MIN_FRAMES_FOR_RATIO:
            return
        ratio = total_bytes / frames / self.prior(*level)
        if RATIO_LIMITS[0] <= ratio <= RATIO_LIMITS[1]:
            self.ratio += RATIO_WEIGHT * (ratio - self.ratio)

    def fitting(self, ladder: Sequence[Level], budget: float) -> Optional[int]:
        """Return the index of the first (best) level of at most ``budget`` bytes, or None."""
        for index, level in enumerate(ladder):
            if self.expected(level) <= budget:
                return index
        return None
