"""Mouth-centred crop geometry of the learned renderer's mouth stage.

The face crop (core.render.neural_face_crop) gives the mouth about 40 of its 128
pixels: too few for single teeth. The mouth stage works on its own crop, aligned to
the mouth: centred on the lips, turned so the mouth corners lie level, and scaled so
the mouth (corner to corner) is ``MOUTH_WIDTH_IN_CROP`` pixels wide — about twice
the face crop's pixel density, about the density of a 512 frame.

``mouth_drawing`` draws the target lips into two channels:

- channel 0: the outer-lip polygon at 0.5 and the inner opening at 1 (as the face drawing);
- channel 1: depth inside the opening (0 at the inner lip edge, 1 from 8 crop pixels in),
  where the dark back of the mouth is.

The stage changes only pixels inside the opening (``opening_weight`` of
core.render.neural_face_crop, drawn at the output resolution): ``paste_mouth``.
Training (core.training.mouth_pairs) and the product use these same functions.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

from core.render.neural_face_crop import opening_weight

MOUTH_CROP_SIZE = (128, 96)  # width, height (both divisible by 16)
MOUTH_WIDTH_IN_CROP = 64.0  # crop pixels from mouth corner to mouth corner
LIPS = slice(48, 68)  # outer (12) then inner (8) lip points of a 98-point rig
OUTER_LIP_COUNT = 12
DEPTH_PIXELS = 8.0  # crop pixels from the inner lip edge to full depth (drawing channel 1)


@dataclass(frozen=True)
class MouthBox:
    """A rotated, scaled crop around the mouth: image point p → crop R(−angle)·(p − centre)·scale + crop centre."""

    centre_x: float
    centre_y: float
    angle: float  # radians, of the line from mouth corner 48 to 54
    scale: float  # crop pixels per image pixel

    def scaled(self, factor: float) -> MouthBox:
        """The same box in an image resized by ``factor``."""
        return MouthBox(self.centre_x * factor, self.centre_y * factor, self.angle, self.scale / factor)

    def to_crop(self, size: tuple[int, int] = MOUTH_CROP_SIZE) -> np.ndarray:
        """2×3 affine matrix: image pixels → crop pixels."""
        c, s = math.cos(self.angle) * self.scale, math.sin(self.angle) * self.scale
        linear = np.array([[c, s], [-s, c]], np.float64)
        offset = np.array([size[0] / 2 - 0.5, size[1] / 2 - 0.5]) - linear @ np.array([self.centre_x, self.centre_y])
        return np.hstack([linear, offset[:, None]])

    def points_to_crop(self, points: np.ndarray, size: tuple[int, int] = MOUTH_CROP_SIZE) -> np.ndarray:
        """(...,2) image points → crop pixel coordinates (float32)."""
        m = self.to_crop(size)
        return (np.asarray(points, np.float64) @ m[:, :2].T + m[:, 2]).astype(np.float32)


def mouth_box(rig: np.ndarray) -> MouthBox:
    """The mouth crop of a 98×2 rig (image pixels): see module doc."""
    rig = np.asarray(rig, np.float64)
    corner_a, corner_b = rig[48], rig[54]
    width = max(float(np.linalg.norm(corner_b - corner_a)), 2.0)
    angle = math.atan2(corner_b[1] - corner_a[1], corner_b[0] - corner_a[0])
    centre = rig[48:60].mean(axis=0)
    return MouthBox(float(centre[0]), float(centre[1]), angle, MOUTH_WIDTH_IN_CROP / width)


def extract_mouth(image: np.ndarray, box: MouthBox, size: tuple[int, int] = MOUTH_CROP_SIZE) -> np.ndarray:
    """size[1]×size[0]×C crop of ``image`` (edges repeated), area-filtered first when shrinking > 2×."""
    if box.scale < 0.5:  # pre-shrink so bilinear sampling does not alias
        factor = 2 * box.scale
        small = cv2.resize(image, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
        return extract_mouth(small, box.scaled(factor), size)
    return cv2.warpAffine(image, box.to_crop(size), size, flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)


def extract_mouth_from_frame(frame: np.ndarray, box: MouthBox, size: tuple[int, int] = MOUTH_CROP_SIZE) -> np.ndarray:
    """``extract_mouth`` of a large (H×W×≥3) frame: only the box's footprint is copied out of it."""
    width, height = size
    inverse = cv2.invertAffineTransform(box.to_crop(size))
    corners = np.array([[0, 0], [width, 0], [0, height], [width, height]], np.float64) @ inverse[:, :2].T + inverse[:, 2]
    x0, y0 = np.floor(corners.min(axis=0)).astype(int) - 2
    x1, y1 = np.ceil(corners.max(axis=0)).astype(int) + 3
    x0, y0 = max(0, x0), max(0, y0)
    x1, y1 = min(frame.shape[1], x1), min(frame.shape[0], y1)
    if x1 <= x0 or y1 <= y0:
        return extract_mouth(np.ascontiguousarray(frame[:, :, :3]), box, size)
    region = np.ascontiguousarray(frame[y0:y1, x0:x1, :3])
    return extract_mouth(region, MouthBox(box.centre_x - x0, box.centre_y - y0, box.angle, box.scale), size)


def mouth_drawing(lips_in_crop: np.ndarray, size: tuple[int, int] = MOUTH_CROP_SIZE) -> np.ndarray:
    """size[1]×size[0]×2 uint8 drawing of 20 lip points given in crop pixels (see module doc)."""
    shift = 4
    lips = np.round(np.asarray(lips_in_crop, np.float64) * (1 << shift)).astype(np.int32)
    width, height = size
    lips_layer = np.zeros((height, width), np.uint8)
    cv2.fillPoly(lips_layer, [lips[:OUTER_LIP_COUNT].reshape(-1, 1, 2)], 128, cv2.LINE_AA, shift)
    opening = np.zeros((height, width), np.uint8)
    cv2.fillPoly(opening, [lips[OUTER_LIP_COUNT:].reshape(-1, 1, 2)], 255, cv2.LINE_AA, shift)
    lips_layer = np.maximum(lips_layer, opening)
    depth = cv2.distanceTransform((opening > 127).astype(np.uint8), cv2.DIST_L2, 3)
    depth = (np.clip(depth / DEPTH_PIXELS, 0.0, 1.0) * 255).astype(np.uint8)
    return np.dstack([lips_layer, depth])


def crop_opening_weight(lips_in_crop: np.ndarray, size: tuple[int, int] = MOUTH_CROP_SIZE) -> np.ndarray:
    """size[1]×size[0] float32: the opening weight drawn in crop pixels (what training composites with)."""
    return opening_weight(np.asarray(lips_in_crop)[OUTER_LIP_COUNT:], (0, 0, size[0], size[1]))


def paste_mouth(frame: np.ndarray, box: MouthBox, correction: np.ndarray, opening: np.ndarray,
                strength: float = 1.0, in_place: bool = False) -> np.ndarray:
    """frame (H×W×C uint8) + strength · correction inside the mouth opening only.

    ``correction``: crop-sized float32 (grey levels, mask already applied), resampled into
    the frame; ``box``: the mouth box in frame pixels; ``opening``: the inner-lip polygon
    (8×2, frame pixels), drawn at the frame's resolution by ``opening_weight``. Pixels
    outside the grown opening are returned untouched. Returns a new uint8 frame (``in_place``: ``frame``)."""
    out = frame if in_place else frame.copy()
    height, width = frame.shape[:2]
    reach = 4
    low = np.floor(np.asarray(opening, np.float64).min(axis=0)).astype(int) - reach
    high = np.ceil(np.asarray(opening, np.float64).max(axis=0)).astype(int) + reach + 1
    x0, y0 = max(0, int(low[0])), max(0, int(low[1]))
    x1, y1 = min(width, int(high[0])), min(height, int(high[1]))
    if x1 <= x0 or y1 <= y0 or strength <= 0:
        return out
    local_to_crop = box.to_crop((correction.shape[1], correction.shape[0]))
    local_to_crop[:, 2] += local_to_crop[:, :2] @ np.array([x0, y0], np.float64)
    local = cv2.warpAffine(correction.astype(np.float32), local_to_crop, (x1 - x0, y1 - y0),
                           flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP, borderMode=cv2.BORDER_CONSTANT, borderValue=0)
    inside = opening_weight(opening, (x0, y0, x1, y1))[..., None] * float(np.clip(strength, 0.0, 1.0))
    region = out[y0:y1, x0:x1, :3].astype(np.float32) + inside * local
    out[y0:y1, x0:x1, :3] = np.clip(region + 0.5, 0, 255).astype(np.uint8)
    return out
