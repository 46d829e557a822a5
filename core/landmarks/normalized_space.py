"""SPACE's normalized landmark space: frontal, orthographic, jaw ends 2 apart.

``normalize`` takes a face in image pixels, moves the midpoint of jaw ends 0 and
16 to the origin, undoes the head rotation (frontalizes), and divides by half
the 3D distance of points 0 and 16, so that distance becomes exactly 2. The
motion models predict in this space; ``to_image`` applies a pose to bring
points back: ``image_xy = s · (R @ p)_xy + (tx, ty)``.

Only the 68 points carry depth. Lid and iris points get theirs from the eye
points (inverse-distance interpolation of the eye's 6 iBUG z values), so the
round trip through a rotated pose is exact. ``NormalizedFace.rig_z`` keeps the
normalized depth of all 98 rig points: pass it as ``rest_z`` when posing 2D
points. ``tz`` (normalized units, towards the viewer) acts as a weak
perspective: scale · D / (D − tz) with the camera D = 10 units away.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from core.landmarks.face_landmarks import (
    EYE_LEFT,
    EYE_RIGHT,
    LID_POINTS,
    RIG_POINT_COUNT,
    FaceLandmarks,
    HeadPose,
)
from core.landmarks.pose_estimation import pose_rotation, rotation_matrices

CAMERA_DISTANCE = 10.0  # normalized units; how far a tz shift scales the face


@dataclass(frozen=True)
class NormalizedFace:
    """A face in normalized space plus the pose that puts it back into the image.

    ``points68`` 68×3; ``upper_lids``/``lower_lids`` 2×7×2; ``iris`` 2×2;
    ``iris_radius`` (2,) — all in normalized units. ``rig_z`` (98,) is the
    normalized depth of every rig point, in ``FaceLandmarks.rig_points`` order.
    """

    points68: np.ndarray
    upper_lids: np.ndarray
    lower_lids: np.ndarray
    iris: np.ndarray
    iris_radius: np.ndarray
    pose: HeadPose
    rig_z: np.ndarray = field(default_factory=lambda: np.zeros(RIG_POINT_COUNT, np.float32))

    def rig_points(self) -> np.ndarray:
        """The 98 rig points (68, upper lids, lower lids, iris) as 98×2 normalized."""
        return np.concatenate(
            [self.points68[:, :2], self.upper_lids.reshape(-1, 2), self.lower_lids.reshape(-1, 2), self.iris]
        ).astype(np.float32)


def _eye_point_depth(xy: np.ndarray, eye_points: np.ndarray) -> np.ndarray:
    """Depth of 2D points (N×2) near an eye, interpolated from its 6 3D points (6×3)."""
    distance = np.linalg.norm(xy[:, None, :] - eye_points[None, :, :2], axis=2)
    weight = 1.0 / np.maximum(distance, 1e-6) ** 2
    return (weight * eye_points[None, :, 2]).sum(axis=1) / weight.sum(axis=1)


def eye_depths(face: FaceLandmarks) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pixel depth of the upper lids (2×7), lower lids (2×7) and iris centres (2,)."""
    upper, lower, iris = np.zeros((2, LID_POINTS)), np.zeros((2, LID_POINTS)), np.zeros(2)
    for e, eye in enumerate((EYE_LEFT, EYE_RIGHT)):
        eye_points = face.points68[eye].astype(np.float64)
        upper[e] = _eye_point_depth(face.upper_lids[e], eye_points)
        lower[e] = _eye_point_depth(face.lower_lids[e], eye_points)
        # The iris sits behind the cornea; the eye opening's mean depth is close enough.
        iris[e] = eye_points[:, 2].mean()
    return upper, lower, iris


def _frontalize(points: np.ndarray, centre: np.ndarray, rotation: np.ndarray, scale: float) -> np.ndarray:
    """Image points (...,3) → normalized (...,3): R⁻¹ (p − c) / s."""
    return ((points - centre) @ rotation) / scale


def normalize(face: FaceLandmarks) -> NormalizedFace:
    """Frontalize ``face`` into normalized space (see module doc).

    The rotation comes from ``face.pose``; origin and scale are recomputed
    from points 0 and 16, so they always match the spec exactly.
    """
    p = face.points68.astype(np.float64)
    centre = (p[0] + p[16]) / 2
    scale = float(np.linalg.norm(p[16] - p[0]) / 2)
    if scale <= 0:
        raise ValueError("jaw ends 0 and 16 coincide; the face has no width")
    rotation = pose_rotation(face.pose)
    upper_z, lower_z, iris_z = eye_depths(face)

    def frontal(xy: np.ndarray, z: np.ndarray) -> np.ndarray:
        return _frontalize(np.concatenate([xy, z[..., None]], axis=-1), centre, rotation, scale)

    upper = frontal(face.upper_lids.astype(np.float64), upper_z)
    lower = frontal(face.lower_lids.astype(np.float64), lower_z)
    iris = frontal(face.iris.astype(np.float64), iris_z)
    points = _frontalize(p, centre, rotation, scale)
    rig_z = np.concatenate([points[:, 2], upper[..., 2].ravel(), lower[..., 2].ravel(), iris[:, 2]])
    pose = HeadPose(
        yaw=face.pose.yaw, pitch=face.pose.pitch, roll=face.pose.roll,
        tx=float(centre[0]), ty=float(centre[1]), tz=0.0, scale=scale,
    )
    return NormalizedFace(
        points68=points.astype(np.float32),
        upper_lids=upper[..., :2].astype(np.float32),
        lower_lids=lower[..., :2].astype(np.float32),
        iris=iris[:, :2].astype(np.float32),
        iris_radius=(face.iris_radius / scale).astype(np.float32),
        pose=pose,
        rig_z=rig_z.astype(np.float32),
    )


def effective_scale(pose: HeadPose) -> float:
    """Pixels per normalized unit once ``tz`` (weak perspective) is applied."""
    return pose.scale * CAMERA_DISTANCE / (CAMERA_DISTANCE - pose.tz)


def to_image(points: np.ndarray, pose: HeadPose, rest_z: np.ndarray | None = None) -> np.ndarray:
    """Pose normalized points (...,K,2|3) into image pixels (...,K,2).

    2D points take their depth from ``rest_z`` (K,) — e.g. ``NormalizedFace.rig_z``
    or ``points68[:, 2]`` — or 0 when it is None.
    """
    p = np.asarray(points, np.float64)
    if p.shape[-1] == 2:
        z = np.zeros(p.shape[:-1]) if rest_z is None else np.broadcast_to(np.asarray(rest_z, np.float64), p.shape[:-1])
        p = np.concatenate([p, z[..., None]], axis=-1)
    elif p.shape[-1] != 3:
        raise ValueError(f"points must end in 2 or 3 coordinates, got shape {p.shape}")
    rotated = p @ pose_rotation(pose).T
    xy = rotated[..., :2] * effective_scale(pose) + np.array([pose.tx, pose.ty])
    return xy.astype(np.float32)


def poses_to_image(points: np.ndarray, poses: np.ndarray, rest_z: np.ndarray | None = None) -> np.ndarray:
    """``to_image`` for a whole clip at once: points T×K×2|3, poses T×7 HeadPose rows → T×K×2."""
    p = np.asarray(points, np.float64)
    poses = np.asarray(poses, np.float64)
    if p.shape[-1] == 2:
        z = np.zeros(p.shape[:-1]) if rest_z is None else np.broadcast_to(np.asarray(rest_z, np.float64), p.shape[:-1])
        p = np.concatenate([p, z[..., None]], axis=-1)
    rotations = rotation_matrices(poses[:, 0], poses[:, 1], poses[:, 2])
    rotated = np.einsum("tij,tkj->tki", rotations, p)
    scale = poses[:, 6] * CAMERA_DISTANCE / (CAMERA_DISTANCE - poses[:, 5])
    xy = rotated[..., :2] * scale[:, None, None] + poses[:, None, 3:5]
    return xy.astype(np.float32)


def rig_to_image(norm_rig: np.ndarray, pose: HeadPose, rest_face_normalized: NormalizedFace) -> np.ndarray:
    """Pose a normalized 98-point rig (...,98,2) with the rest face's depths → (...,98,2) pixels."""
    return to_image(norm_rig, pose, rest_z=rest_face_normalized.rig_z)


def from_image(points_xy: np.ndarray, pose: HeadPose, z: np.ndarray) -> np.ndarray:
    """Inverse of ``to_image`` for image points (...,K,2) with known normalized depth ``z`` (...,K).

    Returns normalized (...,K,2). Exact when ``z`` is the depth ``to_image`` used.
    """
    xy = (np.asarray(points_xy, np.float64) - np.array([pose.tx, pose.ty])) / effective_scale(pose)
    r = pose_rotation(pose)
    z = np.broadcast_to(np.asarray(z, np.float64), xy.shape[:-1])
    # Solve the first two rows of R·(u, v, z) = (x, y, ·) for u, v.
    rhs = xy - z[..., None] * r[:2, 2]
    return (rhs @ np.linalg.inv(r[:2, :2]).T).astype(np.float32)
