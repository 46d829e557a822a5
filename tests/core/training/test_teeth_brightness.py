"""The teeth-brightness measure: an opening's brightest tenth against the skin around the lips."""

from __future__ import annotations

import numpy as np

from core.render.mouth_crop import MOUTH_CROP_SIZE
from core.training.teeth_brightness import teeth_to_skin


def _crop(opening_grey: int, gap: float) -> tuple[np.ndarray, np.ndarray]:
    """A skin-grey (150) mouth crop with lips and an opening of ``gap`` pixels painted ``opening_grey``."""
    import cv2

    width, height = MOUTH_CROP_SIZE
    cx, cy = width / 2, height / 2
    angles = np.linspace(0, 2 * np.pi, 12, endpoint=False)
    outer = np.stack([cx + 32 * np.cos(angles), cy + (gap / 2 + 8) * np.sin(angles)], 1)
    inner_angles = np.linspace(0, 2 * np.pi, 8, endpoint=False)
    inner = np.stack([cx + 28 * np.cos(inner_angles), cy + gap / 2 * np.sin(inner_angles)], 1)
    crop = np.full((height, width, 3), 150, np.uint8)
    cv2.fillPoly(crop, [np.round(outer).astype(np.int32)], (170, 90, 90))
    cv2.fillPoly(crop, [np.round(inner).astype(np.int32)], (opening_grey,) * 3)
    return crop, np.concatenate([outer, inner]).astype(np.float32)


def test_white_teeth_in_a_wide_opening_are_brighter_than_the_skin_and_a_dark_mouth_darker():
    gap, bright = teeth_to_skin(*_crop(230, 20.0))
    assert abs(gap - 20.0 / 64) < 0.02 and abs(bright - 230 / 150) < 0.02  # gap in mouth widths (64 crop px)
    _, dark = teeth_to_skin(*_crop(40, 20.0))
    assert abs(dark - 40 / 150) < 0.02
    assert teeth_to_skin(*_crop(230, 1.0)) is None  # a slit holds too few pixels to measure
