"""A drawn face in normalized units, shared by the animation and motion tests."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from core.landmarks.face_landmarks import HeadPose


@dataclass(frozen=True)
class DrawnFace:
    """NormalizedFace-shaped: 68×3 points, 2×7×2 lids, iris 2×2, radius (2,)."""

    points68: np.ndarray
    upper_lids: np.ndarray
    lower_lids: np.ndarray
    iris: np.ndarray
    iris_radius: np.ndarray
    pose: HeadPose = field(default_factory=lambda: HeadPose(tx=256.0, ty=256.0, scale=100.0))


def _eye(cx: float, cy: float, half_width: float, half_height: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """iBUG 6 eye points plus 7 interior points per lid (left→right)."""
    six = np.array(
        [
            [cx - half_width, cy],
            [cx - half_width / 3, cy - half_height],
            [cx + half_width / 3, cy - half_height],
            [cx + half_width, cy],
            [cx + half_width / 3, cy + half_height],
            [cx - half_width / 3, cy + half_height],
        ]
    )
    u = np.linspace(-1, 1, 9)[1:-1]
    upper = np.stack([cx + u * half_width, cy - half_height * np.sqrt(1 - u**2) * 1.1], -1)
    lower = np.stack([cx + u * half_width, cy + half_height * np.sqrt(1 - u**2) * 1.1], -1)
    return six, upper, lower


def draw_face() -> DrawnFace:
    """An oval face: jaw ends at x = ±1, eyes at y = −0.3, mouth at y = 0.5."""
    points = np.zeros((68, 3))
    angles = np.linspace(np.pi, 0, 17)
    points[0:17, :2] = np.stack([np.cos(angles), 0.2 + 0.9 * np.sin(angles)], -1)
    points[17:22, :2] = np.stack([np.linspace(-0.7, -0.15, 5), np.full(5, -0.55)], -1)
    points[22:27, :2] = np.stack([np.linspace(0.15, 0.7, 5), np.full(5, -0.55)], -1)
    points[27:31, :2] = np.stack([np.zeros(4), np.linspace(-0.3, 0.1, 4)], -1)
    points[31:36, :2] = np.stack([np.linspace(-0.15, 0.15, 5), np.full(5, 0.15)], -1)
    left, lu, ll = _eye(-0.4, -0.3, 0.18, 0.06)
    right, ru, rl = _eye(0.4, -0.3, 0.18, 0.06)
    points[36:42, :2], points[42:48, :2] = left, right
    outer = np.linspace(0, 2 * np.pi, 13)[:-1]
    points[48:60, :2] = np.stack([-0.3 * np.cos(outer), 0.5 - 0.1 * np.sin(outer)], -1)
    inner = np.linspace(0, 2 * np.pi, 9)[:-1]
    points[60:68, :2] = np.stack([-0.2 * np.cos(inner), 0.5 - 0.02 * np.sin(inner)], -1)
    return DrawnFace(
        points68=points,
        upper_lids=np.stack([lu, ru]),
        lower_lids=np.stack([ll, rl]),
        iris=np.array([[-0.4, -0.3], [0.4, -0.3]]),
        iris_radius=np.array([0.05, 0.05]),
    )

