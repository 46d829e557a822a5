"""Which rig points a landmark drag moves, and how much: linked lip corners and a soft-selection falloff.

A mouth corner is two iBUG points (outer 48/54, inner 60/64) that a viewer sees as one
corner; dragging one alone leaves the other behind and the visible corner hardly moves.
Linked points therefore always move together with full weight. Around them, a user-set
radius (image pixels; 0 = off) lets neighbouring points follow with a smooth falloff,
like proportional editing in Blender or soft selection in Maya.
"""

from __future__ import annotations

import numpy as np

# Points that are one visible feature: each moves whenever its partner does.
LINKED_POINTS: dict[int, tuple[int, ...]] = {48: (60,), 60: (48,), 54: (64,), 64: (54,)}


def with_linked(selected: set[int]) -> set[int]:
    """``selected`` plus every point linked to one of them (the other half of a mouth corner)."""
    return set(selected).union(*(LINKED_POINTS.get(i, ()) for i in selected))


def smooth_falloff(distance: np.ndarray, radius: float) -> np.ndarray:
    """1 at distance 0, 0 from ``radius`` on, smoothstep in between (flat at both ends: no crease)."""
    if radius <= 0:
        return np.zeros_like(distance, dtype=np.float64)
    s = np.clip(1.0 - np.asarray(distance, np.float64) / radius, 0.0, 1.0)
    return s * s * (3.0 - 2.0 * s)


def drag_weights(points: np.ndarray, selected: set[int], radius: float) -> np.ndarray:
    """N weights 0..1 for N×2 ``points``: 1 on the selection and its linked points, falling off
    smoothly with the distance to the nearest of them out to ``radius`` pixels."""
    points = np.asarray(points, np.float64)
    weights = np.zeros(len(points))
    moving = sorted(i for i in with_linked(selected) if i < len(points))
    if not moving:
        return weights
    if radius > 0:
        nearest = np.linalg.norm(points[:, None, :] - points[None, moving, :], axis=2).min(axis=1)
        weights = smooth_falloff(nearest, radius)
    weights[moving] = 1.0
    return weights


def mirrored_delta(weights: np.ndarray, mirror: np.ndarray, d: np.ndarray) -> np.ndarray:
    """N×2 displacements when the face's other half mirrors the drag (x flipped).

    Each point takes the stronger of its own weight (moving with ``d``) and its mirror
    partner's (moving with ``d`` flipped); a point on the midline moves with ``d``."""
    own, partner = weights[:, None] * d, weights[mirror][:, None] * np.array([-d[0], d[1]])
    return np.where((weights >= weights[mirror])[:, None], own, partner)
