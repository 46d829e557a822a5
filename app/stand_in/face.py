"""Stand-in template face placed in an image (core.landmarks.face_template replaces it)."""

from __future__ import annotations

import numpy as np

from core.landmarks.face_landmarks import LID_POINTS, FaceLandmarks


def _arc(cx: float, cy: float, rx: float, ry: float, a0: float, a1: float, n: int) -> np.ndarray:
    a = np.linspace(a0, a1, n)
    return np.stack([cx + rx * np.cos(a), cy + ry * np.sin(a)], 1)


def _eye(cx: float, cy: float, w: float) -> np.ndarray:
    top = _arc(cx, cy, w / 2, w / 4, np.pi, 2 * np.pi, 4)
    bottom = _arc(cx, cy, w / 2, w / 4, np.pi / 3, 2 * np.pi / 3, 2)[::-1]
    return np.concatenate([top, bottom[::-1]])[[0, 1, 2, 3, 5, 4]]


def template_face(width: int, height: int) -> FaceLandmarks:
    """An average-looking frontal face centred in a width×height image."""
    s = min(width, height) * 0.32
    cx, cy = width / 2, height * 0.52
    jaw = _arc(cx, cy - 0.2 * s, s, 1.15 * s, np.pi, 0, 17)[::-1]
    jaw[:, 1] = cy - 0.2 * s + np.abs(jaw[:, 1] - (cy - 0.2 * s))
    jaw = jaw[::-1]
    brows = np.concatenate([_arc(cx - 0.45 * s, cy - 0.45 * s, 0.3 * s, 0.1 * s, np.pi, 2 * np.pi, 5),
                            _arc(cx + 0.45 * s, cy - 0.45 * s, 0.3 * s, 0.1 * s, np.pi, 2 * np.pi, 5)])
    nose = np.concatenate([np.stack([np.full(4, cx), np.linspace(cy - 0.3 * s, cy + 0.1 * s, 4)], 1),
                           np.stack([np.linspace(cx - 0.2 * s, cx + 0.2 * s, 5), np.full(5, cy + 0.2 * s)], 1)])
    eyes = np.concatenate([_eye(cx - 0.42 * s, cy - 0.25 * s, 0.35 * s), _eye(cx + 0.42 * s, cy - 0.25 * s, 0.35 * s)])
    outer = _arc(cx, cy + 0.55 * s, 0.4 * s, 0.15 * s, np.pi, -np.pi, 13)[:12]
    inner = _arc(cx, cy + 0.55 * s, 0.3 * s, 0.05 * s, np.pi, -np.pi, 9)[:8]
    pts = np.concatenate([jaw, brows, nose, eyes, outer, inner])
    points68 = np.concatenate([pts, np.zeros((68, 1))], 1)
    return _with_lids(points68, (width, height))


def _with_lids(points68: np.ndarray, size: tuple[int, int]) -> FaceLandmarks:
    upper, lower, iris, radius = [], [], [], []
    for a, b in ((36, 39), (42, 45)):
        p0, p1 = points68[a, :2], points68[b, :2]
        w = np.linalg.norm(p1 - p0)
        t = np.linspace(0, 1, LID_POINTS + 2)[1:-1, None]
        line = p0 + (p1 - p0) * t
        bump = np.sin(np.pi * t) * w * 0.3
        upper.append(line - np.array([0, 1]) * bump)
        lower.append(line + np.array([0, 1]) * bump * 0.6)
        iris.append((p0 + p1) / 2)
        radius.append(w * 0.2)
    return FaceLandmarks(points68, np.array(upper), np.array(lower), np.array(iris), np.array(radius),
                         image_size=size, source="template")
