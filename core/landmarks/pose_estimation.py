"""Head pose from 68 3D landmarks, and the rotation convention shared by the engine.

Axes are the image's: x right, y down, z towards the viewer. A pose maps a
frontal normalized face ``n`` to the image by ``scale * R @ n + (tx, ty, ·)``
with ``R = Rz(roll) @ Ry(yaw) @ Rx(pitch)`` (angles in degrees). With these
axes a positive yaw turns the nose towards the image's right, a positive pitch
lifts it towards the image's top and a positive roll turns the face clockwise
on screen.

The rotation is the rigid (Kabsch) fit of the face's stable points — upper jaw,
brows, nose, eye corners; not the mouth, chin or lids, which move when the
person speaks or blinks — onto the frontal template in ``template_face.json``.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import numpy as np

from core.landmarks.face_geometry import kabsch
from core.landmarks.face_landmarks import HeadPose

TEMPLATE_PATH = Path(__file__).with_name("template_face.json")

# iBUG points whose positions do not change with speech, blinks or smiles.
STABLE_POINTS = (0, 1, 2, 3, 13, 14, 15, 16, *range(17, 27), *range(27, 36), 36, 39, 42, 45)

def rotation_matrix(yaw: float, pitch: float, roll: float) -> np.ndarray:
    """3×3 ``Rz(roll) @ Ry(yaw) @ Rx(pitch)``, angles in degrees."""
    y, p, r = np.radians([yaw, pitch, roll])
    rx = np.array([[1, 0, 0], [0, np.cos(p), -np.sin(p)], [0, np.sin(p), np.cos(p)]])
    ry = np.array([[np.cos(y), 0, np.sin(y)], [0, 1, 0], [-np.sin(y), 0, np.cos(y)]])
    rz = np.array([[np.cos(r), -np.sin(r), 0], [np.sin(r), np.cos(r), 0], [0, 0, 1]])
    return rz @ ry @ rx


def euler_angles(rotation: np.ndarray) -> tuple[float, float, float]:
    """(yaw, pitch, roll) in degrees of a rotation made by ``rotation_matrix``."""
    r = np.asarray(rotation, np.float64)
    yaw = np.arcsin(np.clip(-r[2, 0], -1.0, 1.0))
    pitch = np.arctan2(r[2, 1], r[2, 2])
    roll = np.arctan2(r[1, 0], r[0, 0])
    return float(np.degrees(yaw)), float(np.degrees(pitch)), float(np.degrees(roll))


def rotation_matrices(yaw: np.ndarray, pitch: np.ndarray, roll: np.ndarray) -> np.ndarray:
    """T×3×3 ``Rz(roll) @ Ry(yaw) @ Rx(pitch)`` for T angle triples in degrees."""
    y, p, r = (np.radians(np.asarray(a, np.float64)) for a in (yaw, pitch, roll))
    cy, sy, cp, sp, cr, sr = np.cos(y), np.sin(y), np.cos(p), np.sin(p), np.cos(r), np.sin(r)
    one, zero = np.ones_like(y), np.zeros_like(y)
    rx = np.stack([one, zero, zero, zero, cp, -sp, zero, sp, cp], -1).reshape(-1, 3, 3)
    ry = np.stack([cy, zero, sy, zero, one, zero, -sy, zero, cy], -1).reshape(-1, 3, 3)
    rz = np.stack([cr, -sr, zero, sr, cr, zero, zero, zero, one], -1).reshape(-1, 3, 3)
    return rz @ ry @ rx


def pose_rotation(pose: HeadPose) -> np.ndarray:
    """The 3×3 rotation of ``pose``."""
    return rotation_matrix(pose.yaw, pose.pitch, pose.roll)


def geometric_rotation(points68: np.ndarray) -> np.ndarray:
    """Head rotation from the face's own axes: ear to ear (x) and nose bridge to chin (y).

    Template-free, used to build the template; less steady than the Kabsch fit
    because the chin moves when the mouth opens.
    """
    p = np.asarray(points68, np.float64)
    x = p[16] - p[0]
    x /= np.linalg.norm(x)
    down = p[8] - p[27]
    y = down - down.dot(x) * x
    y /= np.linalg.norm(y)
    return np.stack([x, y, np.cross(x, y)], axis=1)


@lru_cache(maxsize=1)
def frontal_reference() -> np.ndarray | None:
    """The template's 68×3 frontal normalized points, or None when not built yet."""
    if not TEMPLATE_PATH.exists():
        return None
    data = json.loads(TEMPLATE_PATH.read_text(encoding="utf-8"))
    return np.asarray(data["points3d"], np.float64)


def estimate_rotation(points68: np.ndarray) -> np.ndarray:
    """3×3 head rotation of a 68×3 face (image axes, z towards the viewer)."""
    reference = frontal_reference()
    p = np.asarray(points68, np.float64)
    if reference is None or not np.any(p[:, 2]):
        # No depth (user-typed 2D points) gives no reliable out-of-plane fit.
        return geometric_rotation(p) if np.any(p[:, 2]) else _in_plane_rotation(p)
    idx = list(STABLE_POINTS)
    source = reference[idx] - reference[idx].mean(axis=0)
    target = p[idx] - p[idx].mean(axis=0)
    return kabsch(source, target)


def _in_plane_rotation(points68: np.ndarray) -> np.ndarray:
    """Roll-only rotation from the jaw ends, for faces without depth."""
    d = points68[16, :2] - points68[0, :2]
    return rotation_matrix(0.0, 0.0, float(np.degrees(np.arctan2(d[1], d[0]))))


def estimate_pose(points68: np.ndarray) -> HeadPose:
    """HeadPose of a 68×3 face: rotation, origin at the jaw-ends midpoint, scale = half their 3D distance."""
    p = np.asarray(points68, np.float64)
    yaw, pitch, roll = euler_angles(estimate_rotation(p))
    centre = (p[0] + p[16]) / 2
    scale = float(np.linalg.norm(p[16] - p[0]) / 2)
    return HeadPose(yaw=yaw, pitch=pitch, roll=roll, tx=float(centre[0]), ty=float(centre[1]), scale=scale)
