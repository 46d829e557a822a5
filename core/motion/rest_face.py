"""The closed-mouth identity face S2L predicts speech motion from.

S2L adds speech motion to an identity face. If that face had its mouth open,
the model would have to guess how open, and silence would never close the
mouth. So training uses each clip's own closed-mouth reference face and
inference closes an open-mouthed portrait first; the renderer still warps
from the portrait as painted, so silence then closes its lips.
"""

from __future__ import annotations

import numpy as np

from core.landmarks.face_geometry import mouth_openness
from core.landmarks.face_landmarks import INNER_LIP_PAIRS

LOWER_OUTER_LIP = (55, 56, 57, 58, 59)
# How much of the lip gap each jaw point rises when the mouth closes (chin most).
JAW_FOLLOW = {4: 0.2, 5: 0.4, 6: 0.7, 7: 0.9, 8: 1.0, 9: 0.9, 10: 0.7, 11: 0.4, 12: 0.2}
CLOSED_PERCENTILE = 15  # frames this closed (or more) define a clip's closed mouth


def reference_face(points: np.ndarray) -> np.ndarray:
    """T×68×2 clip → 68×2: the median face, with the mouth of its most closed frames."""
    points = np.asarray(points, np.float64)[..., :2]
    openness = mouth_openness(points)
    closed = openness <= np.percentile(openness, CLOSED_PERCENTILE)
    reference = np.median(points, axis=0)
    reference[48:68] = points[closed][:, 48:68].mean(axis=0)
    return reference.astype(np.float32)


def closed_mouth(face: np.ndarray) -> np.ndarray:
    """68×2|3 face → 68×2 with the lips closed by raising the lower lip and jaw."""
    closed = np.array(np.asarray(face, np.float64)[:, :2], copy=True)
    gaps = np.array([closed[lower, 1] - closed[upper, 1] for upper, lower in INNER_LIP_PAIRS])
    gap = float(np.clip(gaps.mean(), 0.0, None))
    if gap <= 0.0:
        return closed.astype(np.float32)
    for (upper, lower), pair_gap in zip(INNER_LIP_PAIRS, gaps, strict=True):
        closed[lower, 1] -= max(pair_gap, 0.0)
    closed[list(LOWER_OUTER_LIP), 1] -= gap
    for index, follow in JAW_FOLLOW.items():
        closed[index, 1] -= follow * gap
    return closed.astype(np.float32)
