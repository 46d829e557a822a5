"""Gaze: move the iris centres within the eye opening.

Offsets are in units of the eye's iris radius (x right, y down in the image):
``(1, 0)`` moves the iris one radius to the image right. The result is clamped
so the whole iris disk stays between the eye corners horizontally and the iris
centre stays between the upper and lower lids vertically.
"""

from __future__ import annotations

import numpy as np

from core.landmarks.face_landmarks import EYE_CORNERS


def eye_opening_limits(points68: np.ndarray, iris_radius: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per frame and eye, the x range the iris centre may take: (x_min T×2, x_max T×2)."""
    r = np.asarray(iris_radius, np.float64).reshape(1, 2)
    corners = np.stack([points68[:, [a, b], 0] for a, b in EYE_CORNERS], axis=1)  # T×2×2
    left, right = corners.min(axis=2), corners.max(axis=2)
    x_min, x_max = left + r, right - r
    centre = 0.5 * (left + right)
    # An eye narrower than the iris: the centre may only sit in the middle.
    narrow = x_min > x_max
    return np.where(narrow, centre, x_min), np.where(narrow, centre, x_max)


def lid_height_at(lid: np.ndarray, x: np.ndarray) -> np.ndarray:
    """y of a lid contour (T×2×K×2, ordered left→right) at x (T×2), piecewise linear.

    Outside the contour the end heights hold (as np.interp does).
    """
    xs, ys = lid[..., 0], lid[..., 1]
    k = xs.shape[-1]
    seg = np.clip((x[..., None] >= xs).sum(axis=-1) - 1, 0, k - 2)[..., None]
    x0, x1 = np.take_along_axis(xs, seg, -1)[..., 0], np.take_along_axis(xs, seg + 1, -1)[..., 0]
    y0, y1 = np.take_along_axis(ys, seg, -1)[..., 0], np.take_along_axis(ys, seg + 1, -1)[..., 0]
    u = np.clip((x - x0) / np.where(np.abs(x1 - x0) < 1e-12, 1.0, x1 - x0), 0.0, 1.0)
    return y0 + u * (y1 - y0)


def apply_gaze(
    iris: np.ndarray,
    offsets: np.ndarray,
    iris_radius: np.ndarray,
    points68: np.ndarray,
    upper_lids: np.ndarray,
    lower_lids: np.ndarray,
) -> np.ndarray:
    """Iris centres (T×2×2) moved by ``offsets`` (T×2×2, iris radii) and clamped to the eye.

    points68: T×68×2 and lids T×2×K×2 of the same frames (open, before blinks).
    """
    r = np.asarray(iris_radius, np.float64).reshape(1, 2, 1)
    moved = np.asarray(iris, np.float64) + np.asarray(offsets, np.float64) * r
    x_min, x_max = eye_opening_limits(points68, iris_radius)
    x = np.clip(moved[..., 0], x_min, x_max)
    y_top = lid_height_at(np.asarray(upper_lids, np.float64), x)
    y_bottom = lid_height_at(np.asarray(lower_lids, np.float64), x)
    lo, hi = np.minimum(y_top, y_bottom), np.maximum(y_top, y_bottom)
    y = np.clip(moved[..., 1], lo, hi)
    return np.stack([x, y], axis=-1)
