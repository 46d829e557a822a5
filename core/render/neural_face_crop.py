"""Face-crop geometry and the landmark drawing of the learned renderer.

The neural renderer refines only a square crop around the face: the crop is
placed from the rig points of the frame being rendered (``crop_box``), cut out
of any image at the network's resolution (``extract_crop``), and the network's
correction is put back with a feathered border (``paste_correction``) so the
crop edge can never show as a seam.

``landmark_drawing`` draws the target face into three channels the network
reads as "what the face must look like here":

- channel 0, mouth: the outer-lip polygon at 0.5 and the inner-mouth opening at 1;
- channel 1, eyes: the eye opening between the lids at 0.5, the iris (clipped to the
  opening, so a closing lid hides it) at 1;
- channel 2, structure: jaw, brows and nose as lines.

Training (core.training.renderer_dataset) and the product use these same functions.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from core.landmarks.face_landmarks import EYE_CORNERS as _EYE_CORNERS  # the one home of the face index arrays
from core.landmarks.face_landmarks import RIG_IRIS, RIG_LOWER_LIDS, RIG_UPPER_LIDS

CROP_SCALE = 1.35  # crop side over face width (jaw end to jaw end): brows to below the chin
CROP_CENTRE_BELOW_EYES = 0.75  # crop centre between the eye line (0) and the mouth (1)
FEATHER_FRACTION = 0.12  # feathered border width, as a fraction of the crop side
IRIS_OVER_EYE_WIDTH = 0.24  # iris radius over corner-to-corner eye width (drawing only)
OPENING_SOFTNESS = 1.0  # output pixels: the inner lip edge is anti-aliased, not blurred
OPENING_GROW = 1.0  # output pixels beyond the inner-lip polygon that the refined crop also covers


@dataclass(frozen=True)
class CropBox:
    """An axis-aligned square in image pixels (pixel centres at integers)."""

    centre_x: float
    centre_y: float
    side: float

    def scaled(self, factor: float) -> CropBox:
        """The same box in an image resized by ``factor``."""
        return CropBox(self.centre_x * factor, self.centre_y * factor, self.side * factor)

    def to_crop(self, size: int) -> np.ndarray:
        """2×3 affine matrix: image pixels → crop pixels of a size×size crop."""
        s = size / self.side
        return np.array([[s, 0.0, size / 2 - 0.5 - s * self.centre_x],
                         [0.0, s, size / 2 - 0.5 - s * self.centre_y]], np.float64)

    def points_to_crop(self, points: np.ndarray, size: int) -> np.ndarray:
        """(...,2) image points → crop pixel coordinates."""
        m = self.to_crop(size)
        p = np.asarray(points, np.float64)
        return (p @ m[:, :2].T + m[:, 2]).astype(np.float32)

    def pixel_bounds(self, width: int, height: int) -> tuple[int, int, int, int]:
        """x0, y0, x1, y1 (exclusive) of the box's pixels, clipped to the image."""
        half = self.side / 2
        x0 = max(0, int(np.floor(self.centre_x - half)))
        y0 = max(0, int(np.floor(self.centre_y - half)))
        x1 = min(width, int(np.ceil(self.centre_x + half)) + 1)
        y1 = min(height, int(np.ceil(self.centre_y + half)) + 1)
        return x0, y0, x1, y1


def crop_box(rig: np.ndarray) -> CropBox:
    """The face crop of a 98×2 rig: 1.35 face widths, centred between the eyes and the mouth."""
    rig = np.asarray(rig, np.float64)
    face_width = float(np.linalg.norm(rig[16] - rig[0]))
    eyes = rig[36:48].mean(axis=0)
    mouth = rig[48:60].mean(axis=0)
    centre = eyes + CROP_CENTRE_BELOW_EYES * (mouth - eyes)
    eye_to_mouth = float(np.linalg.norm(mouth - eyes))
    side = max(CROP_SCALE * face_width, 3.0 * eye_to_mouth, 8.0)  # profile views: keep the face in
    return CropBox(float(centre[0]), float(centre[1]), side)


def extract_crop(image: np.ndarray, box: CropBox, size: int) -> np.ndarray:
    """size×size×C crop of ``image`` (edges repeated outside it), area-filtered when shrinking."""
    source = image
    factor = 1.0
    if box.side > 2 * size:  # pre-shrink so bilinear sampling does not alias
        factor = 2 * size / box.side
        source = cv2.resize(image, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
    m = box.scaled(factor).to_crop(size) if factor != 1.0 else box.to_crop(size)
    return cv2.warpAffine(source, m, (size, size), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)


def _eye_opening(rig: np.ndarray, eye: int) -> np.ndarray:
    left, right = _EYE_CORNERS[eye]
    upper = rig[RIG_UPPER_LIDS].reshape(2, -1, 2)[eye]
    lower = rig[RIG_LOWER_LIDS].reshape(2, -1, 2)[eye]
    return np.concatenate([rig[[left]], upper[np.argsort(upper[:, 0])],
                           rig[[right]], lower[np.argsort(-lower[:, 0])]])


def landmark_drawing(rig_in_crop: np.ndarray, size: int) -> np.ndarray:
    """size×size×3 uint8 drawing of a rig given in crop pixels (see module doc)."""
    shift = 4  # cv2 fixed point: sub-pixel positions
    scale = float(1 << shift)

    def pts(p: np.ndarray) -> np.ndarray:
        return np.round(np.asarray(p) * scale).astype(np.int32).reshape(-1, 1, 2)

    rig = np.asarray(rig_in_crop, np.float64)
    mouth = np.zeros((size, size), np.uint8)
    cv2.fillPoly(mouth, [pts(rig[48:60])], 128, cv2.LINE_AA, shift)
    cv2.fillPoly(mouth, [pts(rig[60:68])], 255, cv2.LINE_AA, shift)

    eyes = np.zeros((size, size), np.uint8)
    for eye in (0, 1):
        opening = np.zeros((size, size), np.uint8)
        cv2.fillPoly(opening, [pts(_eye_opening(rig, eye))], 255, cv2.LINE_AA, shift)
        left, right = _EYE_CORNERS[eye]
        radius = IRIS_OVER_EYE_WIDTH * float(np.linalg.norm(rig[right] - rig[left]))
        iris = np.zeros((size, size), np.uint8)
        centre = np.round(rig[RIG_IRIS][eye] * scale).astype(int)
        cv2.circle(iris, (int(centre[0]), int(centre[1])), max(1, int(radius * scale)), 255, -1, cv2.LINE_AA, shift)
        eyes = np.maximum(eyes, opening // 2)
        eyes = np.maximum(eyes, np.minimum(opening, iris))

    lines = np.zeros((size, size), np.uint8)
    for part in (slice(0, 17), slice(17, 22), slice(22, 27), slice(27, 31), slice(31, 36)):
        cv2.polylines(lines, [pts(rig[part])], False, 255, 1, cv2.LINE_AA, shift)
    return np.dstack([mouth, eyes, lines])


def feather_window(size: int) -> np.ndarray:
    """size×size float32 weight: 1 inside, falling smoothly to 0 at the crop border."""
    ramp = max(1.0, FEATHER_FRACTION * size)
    d = np.minimum(np.arange(size), np.arange(size)[::-1]).astype(np.float32)
    edge = np.clip(d / ramp, 0.0, 1.0)
    edge = edge * edge * (3 - 2 * edge)  # smoothstep: no visible ridge where the ramp ends
    return np.outer(edge, edge).astype(np.float32)


def mouth_region_weight(drawing: np.ndarray) -> np.ndarray:
    """n×n float32 0..1: the lips of a landmark drawing, grown by ~n/16 and softened (where
    the renderer keeps the warped portrait's own fine texture)."""
    n = drawing.shape[0]
    grow = max(1, round(n / 16))
    lips = cv2.dilate((drawing[..., 0] > 0).astype(np.uint8), np.ones((2 * grow + 1, 2 * grow + 1), np.uint8))
    return cv2.GaussianBlur(lips.astype(np.float32), (0, 0), grow / 2)


def opening_weight(opening: np.ndarray, bounds: tuple[int, int, int, int],
                   softness: float = OPENING_SOFTNESS, grow: float = OPENING_GROW) -> np.ndarray:
    """(y1−y0)×(x1−x0) float32 0..1: the inner-lip polygon (8×2, output pixels) drawn at the
    output resolution, grown by ``grow`` pixels and falling to 0 over ``softness`` more.

    Inside it the refined crop *replaces* the warp instead of correcting it: the warp's
    drawn mouth cavity has one-pixel edges that a residual computed at the crop size
    cannot cancel (they would stay as white outlines). Drawn at the output size, not
    the crop's, so the inner edge of the lips stays as crisp as the warped lips around
    it (a crop-size mask, upsampled 2–3×, smeared the lip edge into the interior)."""
    x0, y0, x1, y1 = bounds
    weight = np.zeros((y1 - y0, x1 - x0), np.float32)
    shift = 4
    points = np.round((np.asarray(opening, np.float64) - (x0, y0)) * (1 << shift)).astype(np.int32)
    cv2.fillPoly(weight, [points.reshape(-1, 1, 2)], 1.0, cv2.LINE_AA, shift)
    # distance of every pixel outside the polygon to it; full weight up to ``grow`` (the warp
    # draws its cavity right up to the polygon edge: those pixels must not show through)
    outside = cv2.distanceTransform((weight < 0.5).astype(np.uint8), cv2.DIST_L2, 3)
    ramp = np.clip(1.0 - (outside - grow) / max(softness, 1e-3), 0.0, 1.0)
    return np.maximum(weight, ramp)


def _opening_bounds(opening: np.ndarray, bounds: tuple[int, int, int, int]) -> tuple[int, int, int, int] | None:
    """The opening's pixel rectangle, grown by the softening's reach and clipped to ``bounds``."""
    reach = int(np.ceil(OPENING_GROW + OPENING_SOFTNESS)) + 2
    low = np.floor(np.asarray(opening, np.float64).min(axis=0)).astype(int) - reach
    high = np.ceil(np.asarray(opening, np.float64).max(axis=0)).astype(int) + reach + 1
    x0, y0 = max(bounds[0], int(low[0])), max(bounds[1], int(low[1]))
    x1, y1 = min(bounds[2], int(high[0])), min(bounds[3], int(high[1]))
    return (x0, y0, x1, y1) if x1 > x0 and y1 > y0 else None


def paste_correction(frame: np.ndarray, box: CropBox, correction: np.ndarray, weight: np.ndarray,
                     replacement: np.ndarray | None = None, opening: np.ndarray | None = None,
                     replace_strength: float = 1.0) -> np.ndarray:
    """frame (H×W×C uint8) + weight·correction warped from crop space into the box, feathered;
    then, inside the mouth ``opening`` (inner-lip polygon in frame pixels, see
    ``opening_weight``), ``replacement`` (n×n×3, 0..255) instead — blended by
    ``replace_strength`` (0..1) with the frame's own pixels there.

    ``correction``: n×n×3 float32 (in 0..255 units), ``weight``: n×n float32 0..1 (the
    blend mask); all are resampled to the box's pixels. Pixels outside the box are
    returned untouched. Returns a new uint8 frame.
    """
    n = correction.shape[0]
    height, width = frame.shape[:2]
    x0, y0, x1, y1 = box.pixel_bounds(width, height)
    out = frame.copy()
    if x1 <= x0 or y1 <= y0:
        return out
    # Box pixel (relative to its corner) → crop pixel; sampled with WARP_INVERSE_MAP.
    local_to_crop = box.to_crop(n)
    local_to_crop[:, 2] += local_to_crop[:, :2] @ np.array([x0, y0], np.float64)
    alpha = (weight * feather_window(n)).astype(np.float32)
    stacked = np.dstack([correction.astype(np.float32), alpha])
    local_values = cv2.warpAffine(stacked, local_to_crop, (x1 - x0, y1 - y0),
                                  flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
                                  borderMode=cv2.BORDER_CONSTANT, borderValue=0)
    original = out[y0:y1, x0:x1, :3].astype(np.float32)
    region = original + local_values[..., :3] * local_values[..., 3:4]
    mouth = _opening_bounds(opening, (x0, y0, x1, y1)) if replacement is not None and opening is not None else None
    if mouth is not None:  # only the opening's rectangle is resampled: it is a small part of the face
        mx0, my0, mx1, my1 = mouth
        to_crop = local_to_crop.copy()
        to_crop[:, 2] += to_crop[:, :2] @ np.array([mx0 - x0, my0 - y0], np.float64)
        stacked = np.dstack([replacement.astype(np.float32), feather_window(n)])
        local = cv2.warpAffine(stacked, to_crop, (mx1 - mx0, my1 - my0), flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
                               borderMode=cv2.BORDER_CONSTANT, borderValue=0)
        inside = (opening_weight(opening, mouth) * local[..., 3])[..., None]
        strength = float(np.clip(replace_strength, 0.0, 1.0))
        sub = (slice(my0 - y0, my1 - y0), slice(mx0 - x0, mx1 - x0))
        region[sub] += inside * (strength * local[..., :3] + (1.0 - strength) * original[sub] - region[sub])
    out[y0:y1, x0:x1, :3] = np.clip(region + 0.5, 0, 255).astype(np.uint8)
    return out
