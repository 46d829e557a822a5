"""Geometry of the iBUG 68-point face, in one place: mouth openness, mirroring, and the
rigid (Kabsch) and similarity fits that align one point set onto another.

The index arrays these use (``INNER_LIP_PAIRS``, ``MOUTH_CORNERS``, ``EYE_CORNERS``, the
groups) live beside the landmark types in ``core.landmarks.face_landmarks``.
"""

from __future__ import annotations

import numpy as np

from core.landmarks.face_landmarks import INNER_LIP_PAIRS, MOUTH_CORNERS

# Mirror partner of every iBUG point (a frontal face is symmetric under x → -x).
MIRROR68 = (
    *range(16, -1, -1),
    *range(26, 16, -1),
    27, 28, 29, 30, 35, 34, 33, 32, 31,
    45, 44, 43, 42, 47, 46, 39, 38, 37, 36, 41, 40,
    54, 53, 52, 51, 50, 49, 48, 59, 58, 57, 56, 55,
    64, 63, 62, 61, 60, 67, 66, 65,
)


def mouth_width(points: np.ndarray) -> np.ndarray:
    """Distance between the mouth corners (48↔54) of ...×68×2|3 points (image axes, x and y)."""
    p = np.asarray(points, np.float64)
    a, b = MOUTH_CORNERS
    return np.linalg.norm(p[..., b, :2] - p[..., a, :2], axis=-1)


def mouth_openness(points: np.ndarray) -> np.ndarray:
    """Mean inner-lip gap (61↔67, 62↔66, 63↔65) over mouth width of ...×68×2|3 points; 0 = closed.

    The one openness of the engine: the evaluation's lip-sync measure, the closed-mouth
    choice of the rest face, the cue thresholds and the rig tracks all read this value.
    """
    p = np.asarray(points, np.float64)
    gaps = [np.linalg.norm(p[..., upper, :2] - p[..., lower, :2], axis=-1) for upper, lower in INNER_LIP_PAIRS]
    return np.mean(gaps, axis=0) / np.maximum(mouth_width(p), 1e-9)


def mirror68(points: np.ndarray) -> np.ndarray:
    """The 68×D face mirrored about x = 0: partners swapped, x negated."""
    mirrored = np.array(np.asarray(points)[list(MIRROR68)], np.float64)
    mirrored[:, 0] *= -1
    return mirrored


def kabsch(source: np.ndarray, target: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
    """Rotation R (det +1) minimising Σ w‖R·source_i − target_i‖² for centred N×3 sets."""
    w = np.ones(len(source)) if weights is None else np.asarray(weights, np.float64)
    covariance = (np.asarray(target) * w[:, None]).T @ np.asarray(source)
    u, _, vt = np.linalg.svd(covariance)
    # The sign fix keeps a proper rotation when the point sets are near-planar.
    d = np.sign(np.linalg.det(u @ vt)) or 1.0
    return u @ np.diag([1.0, 1.0, d]) @ vt


def similarity_fit(src: np.ndarray, dst: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Least-squares rotation + uniform scale + translation of N×2 points (Umeyama, no
    reflection), closed form: ``dst ≈ src @ A.T + t``; returns (A 2×2, t 2)."""
    src, dst = np.asarray(src, np.float64), np.asarray(dst, np.float64)
    mu_s, mu_d = src.mean(0), dst.mean(0)
    s, d = src - mu_s, dst - mu_d
    var = (s**2).sum()
    a = (s * d).sum() / var
    b = (s[:, 0] * d[:, 1] - s[:, 1] * d[:, 0]).sum() / var
    matrix = np.array([[a, -b], [b, a]])
    return matrix, mu_d - mu_s @ matrix.T
