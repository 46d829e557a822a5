"""The lips pulled towards the user's mouth shapes (the overrides of the mouth-shape lane).

Each shape has a target in normalized landmark space, measured against the portrait's
own (rest) mouth: an inner-lip gap (SHAPE_OPENING × WIDE_OPEN_GAP × rest mouth width;
X is the portrait's own mouth), a mouth width (SHAPE_WIDTH × rest width) and a rounding
(SHAPE_ROUNDING: the inner corners drawn in and the lips thickened, a pucker). A frame
is reshaped from the model's own lips — lower lip and jaw drop, the upper lip rises a
little, the lips narrow or widen about the mouth centre — so what the shape does not
set (the head's place, a smile's asymmetry) stays the model's.

Each override's weight is its strength times an ease window (smoothstep ramps of
EDGE_EASE_S centred on its edges): windows of neighbouring blocks sum to one, so the
lips cross-fade from shape to shape and from the model to a shape without a pop.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from core.animation.easing import ease_in_out
from core.animation.mouth_shapes import MouthShapeBlock
from core.export.mouth_cues import SHAPE_OPENING

WIDE_OPEN_GAP = 0.26  # D's inner-lip gap over the rest mouth width (S2L's wide-open frames reach ~0.2)
SHAPE_WIDTH = {"A": 1.0, "B": 1.04, "C": 1.0, "D": 0.94, "E": 0.86, "F": 0.7, "G": 1.0, "H": 0.98, "X": 1.0}
SHAPE_ROUNDING = {"E": 0.4, "F": 1.0}
EDGE_EASE_S = 0.08  # under three frames at 30 fps: quick like a drawn mouth swap, but no pop

OUTER_UPPER, INNER_UPPER = [49, 50, 51, 52, 53], [61, 62, 63]
OUTER_LOWER, INNER_LOWER = [59, 58, 57, 56, 55], [67, 66, 65]
CORNERS = [48, 54, 60, 64]
LIPS = list(range(48, 68))
JAW = [5, 6, 7, 8, 9, 10, 11]
# How far each point follows the gap change: the jaw carries the lower lip (most of the
# opening), the upper lip rises a little, the corners between; outer points taper.
LOWER_SHARE, UPPER_SHARE, CORNER_SHARE = 0.8, 0.2, 0.35
OUTER_TAPER = np.array([0.55, 1.0, 1.0, 1.0, 0.55])
JAW_TAPER = np.array([0.25, 0.55, 0.85, 1.0, 0.85, 0.55, 0.25])
PUCKER_INNER = 0.35  # share of the inner corners' distance to the centre a full pucker removes
PUCKER_THICKEN = 0.05  # lips pushed out per side, in rest mouth widths, at full rounding


def inner_gap(points: np.ndarray) -> np.ndarray:
    """T inner-lip gaps (mean of the three lower-minus-upper inner points, y down)."""
    return (points[..., INNER_LOWER, 1] - points[..., INNER_UPPER, 1]).mean(axis=-1)


def mouth_width(points: np.ndarray) -> np.ndarray:
    """T outer-corner distances."""
    return np.linalg.norm(points[..., 54, :] - points[..., 48, :], axis=-1)


def shaped_lips(points: np.ndarray, shape: str, rest_points: np.ndarray) -> np.ndarray:
    """``points`` (T×68×2 normalized) with the lips and jaw moved onto ``shape``'s target."""
    rest = np.asarray(rest_points, np.float64)[:, :2]
    rest_width = float(mouth_width(rest))
    target_gap = float(inner_gap(rest)) if shape == "X" else SHAPE_OPENING[shape] * WIDE_OPEN_GAP * rest_width
    out = np.array(points, np.float64, copy=True)
    _set_width(out, SHAPE_WIDTH[shape] * rest_width)
    _pucker(out, SHAPE_ROUNDING.get(shape, 0.0), rest_width)
    set_gap(out, target_gap)
    return out


def _set_width(points: np.ndarray, width: float) -> None:
    centre = points[:, [48, 54], 0].mean(axis=1, keepdims=True)
    scale = width / np.maximum(mouth_width(points), 1e-9)[:, None]
    points[:, LIPS, 0] = centre + (points[:, LIPS, 0] - centre) * scale


def _pucker(points: np.ndarray, rounding: float, rest_width: float) -> None:
    if rounding <= 0.0:
        return
    centre = points[:, [48, 54], 0].mean(axis=1, keepdims=True)
    inner = [60, 64]
    points[:, inner, 0] = centre + (points[:, inner, 0] - centre) * (1.0 - PUCKER_INNER * rounding)
    push = PUCKER_THICKEN * rounding * rest_width
    points[:, OUTER_UPPER, 1] -= push * OUTER_TAPER
    points[:, OUTER_LOWER, 1] += push * OUTER_TAPER


def set_gap(points: np.ndarray, target: float) -> None:
    change = (target - inner_gap(points))[:, None]  # T×1
    points[:, INNER_LOWER, 1] += LOWER_SHARE * change
    points[:, OUTER_LOWER, 1] += LOWER_SHARE * change * OUTER_TAPER
    points[:, INNER_UPPER, 1] -= UPPER_SHARE * change
    points[:, OUTER_UPPER, 1] -= UPPER_SHARE * change * OUTER_TAPER
    points[:, CORNERS, 1] += CORNER_SHARE * change
    points[:, JAW, 1] += LOWER_SHARE * change * JAW_TAPER


def shape_weights(blocks: Sequence[MouthShapeBlock], times: np.ndarray) -> dict[str, np.ndarray]:
    """Per shape, T weights: the summed strength × ease window of its blocks at ``times``
    (ascending). Each block touches only the frames of its own span, so a long line with
    many overrides costs its length, not length × blocks."""
    times = np.asarray(times, np.float64).reshape(-1)
    out: dict[str, np.ndarray] = {}
    half = EDGE_EASE_S / 2
    for block in blocks:
        first, last = np.searchsorted(times, [block.start - half, block.end + half])
        if first >= last or block.strength <= 0.0:
            continue
        t = times[first:last]
        rise = ease_in_out(np.clip((t - block.start + half) / EDGE_EASE_S, 0.0, 1.0))
        fall = ease_in_out(np.clip((block.end + half - t) / EDGE_EASE_S, 0.0, 1.0))
        weight = out.setdefault(block.shape, np.zeros(times.size))
        weight[first:last] += block.strength * np.minimum(rise, fall)
    return out


def apply_mouth_shapes(points: np.ndarray, blocks: Sequence[MouthShapeBlock], times: np.ndarray,
                       rest_points: np.ndarray) -> np.ndarray:
    """``points`` (T×68×2) with the lips blended towards the override ``blocks`` at ``times``."""
    weights = shape_weights(blocks, times)
    if not weights:
        return points
    out = np.array(points, np.float64, copy=True)
    for shape, weight in sorted(weights.items()):
        frames = np.flatnonzero(weight > 0.0)
        target = shaped_lips(points[frames], shape, rest_points)
        out[frames] += weight[frames, None, None] * (target - points[frames])
    return out
