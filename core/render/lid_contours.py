"""Lid contours in an eye's own frame: the 9-point lid polylines, smoothed and resampled.

Shared by the closing-lid pass (``eyelid_pass``) and the photo lid it draws from
(``photo_lids``): every lid curve is read corner to corner along the eye's axis
(``warp_mesh.eye_frame``), as a height ``v`` over a distance ``u`` from the first corner.
"""

from __future__ import annotations

import numpy as np

from core.landmarks.face_landmarks import EYE_CORNERS, LID_POINTS


def polyline(rig: np.ndarray, eye: int, part: slice) -> np.ndarray:
    """Corner, the 7 interior lid points, corner (9×2)."""
    lids = rig[part].reshape(2, LID_POINTS, 2)[eye]
    return np.vstack([rig[EYE_CORNERS[eye][0]], lids, rig[EYE_CORNERS[eye][1]]])


def local(points: np.ndarray, origin: np.ndarray, axis: np.ndarray, normal: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(u along the axis, v along the normal) of N×2 points."""
    rel = points - origin
    return rel @ axis, rel @ normal


def _catmull_rom_matrix(count: int, steps: int) -> np.ndarray:
    """Weights (samples × count) of a Catmull-Rom curve through ``count`` points, ends repeated."""
    t = np.linspace(0.0, 1.0, steps, endpoint=False)
    basis = 0.5 * np.stack([-t + 2 * t**2 - t**3, 2 - 5 * t**2 + 3 * t**3, t + 4 * t**2 - 3 * t**3, -(t**2) + t**3], -1)
    rows = []
    for i in range(count - 1):
        idx = np.clip([i - 1, i, i + 1, i + 2], 0, count - 1)
        w = np.zeros((steps, count))
        for j in range(4):
            np.add.at(w, (slice(None), idx[j]), basis[:, j])
        rows.append(w)
    last = np.zeros((1, count))
    last[0, -1] = 1.0
    return np.vstack(rows + [last])


_SMOOTH = _catmull_rom_matrix(LID_POINTS + 2, 6)


def smooth(points: np.ndarray) -> np.ndarray:
    """Catmull-Rom through a 9-point lid contour: round drawn eyes bulge past the chords."""
    return _SMOOTH @ points


def resample(u: np.ndarray, v: np.ndarray, at: np.ndarray) -> np.ndarray:
    """v(u) at ``at``; u is made non-decreasing first (noisy landmarks can zig-zag)."""
    return np.interp(at, np.maximum.accumulate(u), v)
