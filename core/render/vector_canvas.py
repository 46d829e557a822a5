"""Antialiased vector shapes drawn on the CPU into a small region of a frame.

The drawn style and the sprite mouths draw a few shapes per frame (a mouth, a lid line,
a skin cover) near the face only. Each shape is rasterised with OpenCV at
``SUPERSAMPLE``× into a coverage mask of the region and reduced with area averaging,
which gives clean antialiased edges at any line weight; colours are then mixed into
the region's float copy of the frame. Coordinates are output pixels with pixel centres
at integers (the renderers' convention).
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

SUPERSAMPLE = 4
_SHIFT = 4  # cv2 fixed-point bits for sub-pixel vertices


@dataclass(frozen=True)
class Region:
    """A pixel rectangle of the frame: x0, y0 inclusive, x1, y1 exclusive."""

    x0: int
    y0: int
    x1: int
    y1: int

    @staticmethod
    def around(points: np.ndarray, pad: float, size: tuple[int, int]) -> Region:
        """The box of ``points`` (N×2 output px) grown by ``pad``, clipped to size (w, h)."""
        lo = np.floor(points.min(0) - pad).astype(int)
        hi = np.ceil(points.max(0) + pad).astype(int) + 1
        return Region(max(0, lo[0]), max(0, lo[1]), min(size[0], hi[0]), min(size[1], hi[1]))

    @property
    def empty(self) -> bool:
        return self.x1 <= self.x0 or self.y1 <= self.y0

    @property
    def shape(self) -> tuple[int, int]:
        return self.y1 - self.y0, self.x1 - self.x0

    def slices(self) -> tuple[slice, slice]:
        return slice(self.y0, self.y1), slice(self.x0, self.x1)


class Coverage:
    """Supersampled masks of one region: ``fill`` and ``stroke`` return H×W float32 in 0..1."""

    def __init__(self, region: Region):
        self.region = region
        self._origin = np.array([region.x0, region.y0], np.float64)

    def _fixed(self, points: np.ndarray) -> np.ndarray:
        """Output px → fixed-point supersampled canvas coordinates (pixel centre → block centre)."""
        local = (np.asarray(points, np.float64) - self._origin + 0.5) * SUPERSAMPLE - 0.5
        return np.round(local * (1 << _SHIFT)).astype(np.int32).reshape(-1, 1, 2)

    def _canvas(self) -> np.ndarray:
        h, w = self.region.shape
        return np.zeros((h * SUPERSAMPLE, w * SUPERSAMPLE), np.uint8)

    def _reduce(self, canvas: np.ndarray) -> np.ndarray:
        h, w = self.region.shape
        return cv2.resize(canvas, (w, h), interpolation=cv2.INTER_AREA).astype(np.float32) / 255.0

    def fill(self, *polygons: np.ndarray) -> np.ndarray:
        """Coverage of the union of closed polygons (each N×2)."""
        canvas = self._canvas()
        polys = [self._fixed(p) for p in polygons if len(p) >= 3]
        if polys:
            cv2.fillPoly(canvas, polys, 255, cv2.LINE_8, _SHIFT)
        return self._reduce(canvas)

    def stroke(self, line: np.ndarray, width: float, closed: bool = False) -> np.ndarray:
        """Coverage of a polyline ``width`` output px thick, with round joins and ends."""
        canvas = self._canvas()
        thickness = max(1, int(round(width * SUPERSAMPLE)))
        cv2.polylines(canvas, [self._fixed(line)], closed, 255, thickness, cv2.LINE_8, _SHIFT)
        return self._reduce(canvas)

    def tapered(self, line: np.ndarray, width: float, end_share: float = 0.45) -> np.ndarray:
        """A stroke thinning toward both ends to ``end_share`` of ``width`` (a drawn lid or lip line)."""
        canvas = self._canvas()
        points = self._fixed(line)
        n = len(points)
        for i in range(n - 1):
            t = (i + 0.5) / max(n - 1, 1)
            local = width * (end_share + (1 - end_share) * np.sin(np.pi * t) ** 0.7)
            cv2.line(canvas, tuple(points[i, 0]), tuple(points[i + 1, 0]), 255,
                     max(1, int(round(local * SUPERSAMPLE))), cv2.LINE_8, _SHIFT)
        return self._reduce(canvas)


def feathered(mask: np.ndarray, sigma: float) -> np.ndarray:
    """``mask`` blurred by ``sigma`` px (a soft edge for covers); unchanged when sigma < 0.3."""
    if sigma < 0.3:
        return mask
    return cv2.GaussianBlur(mask, (0, 0), sigma)


def mix(target: np.ndarray, colour: np.ndarray, alpha: np.ndarray) -> None:
    """In place: ``target`` (H×W×3 float) toward ``colour`` (3 floats or H×W×3) by ``alpha`` (H×W)."""
    a = alpha[:, :, None]
    target *= 1.0 - a
    target += a * colour
