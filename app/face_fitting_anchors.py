"""The fitting tool's anchors (eye corners, pupils, mouth corners, chin) and the face that follows them.

Dragging an eye corner, mouth corner or the chin re-places core's template face on all
seven point anchors (``core.landmarks.face_template.fit_template``: the whole face
follows, the anchors land exactly). Pupils are anchors of their own: dragging one moves
only that iris, and every later re-fit carries both irises along with their eye (the
similarity that maps the eye's old corners onto its new ones), so a pupil placed by hand
stays where the user put it inside the eye.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from core.landmarks.face_landmarks import EYE_CORNERS, RIG_IRIS, FaceLandmarks
from core.landmarks.face_template import ANCHOR_POINTS, fit_template

PUPILS: tuple[int, ...] = tuple(range(RIG_IRIS.start, RIG_IRIS.stop))  # rig indices of the iris centres
FIT_ANCHORS: tuple[int, ...] = tuple(ANCHOR_POINTS) + PUPILS
ANCHOR_NAMES = {36: "eye corner", 39: "eye corner", 42: "eye corner", 45: "eye corner",
                48: "mouth corner", 54: "mouth corner", 8: "chin", PUPILS[0]: "pupil", PUPILS[1]: "pupil"}


def _similarity(a0: np.ndarray, a1: np.ndarray, b0: np.ndarray, b1: np.ndarray) -> tuple[complex, complex]:
    """(rotation·scale, shift) as complex numbers mapping segment a0→a1 onto b0→b1."""
    a, b = complex(*(a1 - a0)), complex(*(b1 - b0))
    m = b / a if abs(a) > 1e-9 else 1.0
    return m, complex(*b0) - m * complex(*a0)


def carry_pupils(old: FaceLandmarks, new: FaceLandmarks) -> FaceLandmarks:
    """``new`` with the irises of ``old`` moved (and their radii scaled) as each eye's corners moved."""
    iris, radius = np.array(new.iris, np.float64), np.array(new.iris_radius, np.float64)
    for eye, (a, b) in enumerate(EYE_CORNERS):
        m, shift = _similarity(old.points68[a, :2], old.points68[b, :2], new.points68[a, :2], new.points68[b, :2])
        moved = m * complex(*old.iris[eye]) + shift
        iris[eye] = (moved.real, moved.imag)
        radius[eye] = float(old.iris_radius[eye]) * abs(m)
    fitted = new.with_rig_points(np.concatenate([new.rig_points()[: RIG_IRIS.start], iris]))
    return replace(fitted, iris_radius=radius)


def refit(face: FaceLandmarks, anchor: int, to: np.ndarray) -> FaceLandmarks:
    """The rest face after the user moved fitting anchor ``anchor`` (a rig index) to ``to`` (pixels)."""
    rig = face.rig_points().astype(np.float64)
    if anchor in PUPILS:
        rig[anchor] = to
        return face.with_rig_points(rig)
    anchors = {i: (float(rig[i, 0]), float(rig[i, 1])) for i in ANCHOR_POINTS}
    anchors[anchor] = (float(to[0]), float(to[1]))
    return carry_pupils(face, fit_template(anchors, face.image_size))
