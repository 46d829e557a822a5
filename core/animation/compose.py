"""Base speech motion + timeline tracks → the normalized rig per frame (and its pose).

Order (each step sees the previous one's points):
0. mouth shapes: the user's overrides on the mouth-shape lane pull the speech-driven
   lips and jaw towards their shapes (core.animation.mouth_shape_lips), then the
   lip-opening curve scales the lips' opening (core.animation.lip_opening);
1. emotion offsets (weights × per-emotion displacements) on brows, eyes and
   mouth corners only — jaw and lip opening stay speech-driven;
2. landmark keyframe offsets (any of the 68 points);
3. the 2×7 interior lid points follow the (moved) iBUG eye points;
4. gaze: iris centres follow their eye, move by the gaze offsets, and are
   clamped inside the open eye;
5. blinks: upper lid points (interior and iBUG 37, 38, 43, 44) move onto the
   lower lid by the blink closure — after gaze, so the iris does not jump;
6. pose: generated/still base, overridden or added to by the pose track.

Everything is in normalized units; ``to_motion_frames`` poses it into pixels.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from core.animation.lip_opening import scaled_opening
from core.animation.mouth_shape_lips import apply_mouth_shapes
from core.animation.tracks import EMOTIONS, Tracks
from core.landmarks.face_geometry import mouth_openness
from core.landmarks.face_landmarks import HeadPose
from core.motion.blink import close_lids
from core.motion.gaze import apply_gaze

# Points emotions may move: brows, eyes, and the mouth corners (outer and inner).
EMOTION_POINTS = np.zeros(68, bool)
EMOTION_POINTS[17:27] = True
EMOTION_POINTS[36:48] = True
EMOTION_POINTS[[48, 54, 60, 64]] = True

# Per eye: the iBUG points along the upper and lower contour, corner to corner.
UPPER_EYE_POINTS = ((36, 37, 38, 39), (42, 43, 44, 45))
LOWER_EYE_POINTS = ((36, 41, 40, 39), (42, 47, 46, 45))
# iBUG upper-lid points and the lower-lid points they close onto.
IBUG_UPPER = (37, 38, 43, 44)
IBUG_LOWER = (41, 40, 47, 46)


class RestFace(Protocol):
    """What compose needs of the rest face (core.landmarks.normalized_space.NormalizedFace)."""

    @property
    def points68(self) -> np.ndarray: ...  # 68×3 normalized

    @property
    def upper_lids(self) -> np.ndarray: ...  # 2×7×2

    @property
    def lower_lids(self) -> np.ndarray: ...  # 2×7×2

    @property
    def iris(self) -> np.ndarray: ...  # 2×2

    @property
    def iris_radius(self) -> np.ndarray: ...  # (2,)

    @property
    def pose(self) -> HeadPose: ...


@dataclass(frozen=True)
class ComposedMotion:
    """Normalized rig T×98×2 (FaceLandmarks.rig_points layout), pose T×7
    (HeadPose fields: yaw, pitch, roll, tx, ty, tz, scale) and mouth_open T (0..1)."""

    fps: float
    rig: np.ndarray
    pose: np.ndarray
    mouth_open: np.ndarray

    def __len__(self) -> int:
        return int(self.rig.shape[0])


def compose(
    base_norm: np.ndarray,
    rest: RestFace,
    tracks: Tracks,
    emotion_displacements: Mapping[str, np.ndarray] | None,
    base_pose: np.ndarray | None,
    fps: float,
    first_frame: int = 0,
) -> ComposedMotion:
    """Apply every track to the speech-driven ``base_norm`` (T×68×2 normalized).

    ``base_norm`` (and ``base_pose``) may be a block of a longer clip starting at
    ``first_frame``: every track is evaluated per frame, so blocks compose independently."""
    points = np.array(base_norm, np.float64, copy=True)
    times = (first_frame + np.arange(points.shape[0], dtype=np.float64)) / fps
    points = apply_mouth_shapes(points, tracks.mouth_shapes.blocks, times, rest.points68)
    points = scaled_opening(points, tracks.lips.opening_gain(times), rest.points68)
    points += emotion_offsets(tracks.emotion.weights(times), emotion_displacements)
    points += tracks.landmarks.offsets(times)
    upper, lower = lids_following_eyes(points, rest)
    iris = iris_following_eyes(points, rest)
    iris = apply_gaze(iris, tracks.gaze.offsets(times), rest.iris_radius, points, upper, lower)
    closure = tracks.blinks.closure(times)
    upper = close_lids(upper, lower, closure)
    points[:, IBUG_UPPER] = close_lids(points[:, IBUG_UPPER], points[:, IBUG_LOWER], closure)
    rig = np.concatenate(
        [points, upper.reshape(len(times), -1, 2), lower.reshape(len(times), -1, 2), iris], axis=1
    )
    pose = tracks.pose.evaluate(times, base_pose if base_pose is not None else rest_pose(rest, len(times)))
    return ComposedMotion(fps, rig.astype(np.float32), pose.astype(np.float32),
                          np.clip(mouth_openness(points), 0.0, 1.0).astype(np.float32))


def opening_before_curve(base_norm: np.ndarray, rest: RestFace, tracks: Tracks, fps: float) -> np.ndarray:
    """T mouth openness of the lips the lip-opening curve scales (the speech motion with the
    mouth-shape overrides): what the curve editor draws faintly under the curve's keys."""
    points = np.asarray(base_norm, np.float64)
    times = np.arange(points.shape[0], dtype=np.float64) / fps
    return mouth_openness(apply_mouth_shapes(points, tracks.mouth_shapes.blocks, times, rest.points68))


def emotion_offsets(weights: np.ndarray, displacements: Mapping[str, np.ndarray] | None) -> np.ndarray:
    """T×68×2: weights (T×8, EMOTIONS order) × displacements, masked to EMOTION_POINTS."""
    if not displacements:
        return np.zeros((weights.shape[0], 68, 2))
    stack = np.stack([np.asarray(displacements.get(name, np.zeros((68, 2))), np.float64) for name in EMOTIONS])
    stack[:, ~EMOTION_POINTS] = 0.0
    return np.einsum("te,epc->tpc", weights, stack)


def _contour_weights(rest_points: np.ndarray, lid: np.ndarray, knots: tuple[int, ...]) -> np.ndarray:
    """7×4 weights: each lid point's displacement as a blend of the knot points' displacements."""
    x0, x1 = rest_points[knots[0], 0], rest_points[knots[-1], 0]
    span = x1 - x0 if abs(x1 - x0) > 1e-9 else 1.0
    knot_s = (rest_points[list(knots), 0] - x0) / span
    lid_s = (lid[:, 0] - x0) / span
    order = np.argsort(knot_s)
    basis = np.eye(len(knots))[order]
    return np.stack([np.interp(lid_s, knot_s[order], basis[:, k]) for k in range(len(knots))], axis=1)


def lids_following_eyes(points: np.ndarray, rest: RestFace) -> tuple[np.ndarray, np.ndarray]:
    """Interior lid points (T×2×7×2 upper, lower): rest lids moved like the nearby eye points."""
    rest_points = np.asarray(rest.points68, np.float64)[:, :2]
    delta = points - rest_points[None]
    lids = []
    for rest_lids, contours in ((rest.upper_lids, UPPER_EYE_POINTS), (rest.lower_lids, LOWER_EYE_POINTS)):
        rest_lids = np.asarray(rest_lids, np.float64)
        per_eye = []
        for eye, knots in enumerate(contours):
            weights = _contour_weights(rest_points, rest_lids[eye], knots)
            per_eye.append(rest_lids[eye][None] + np.einsum("lk,tkc->tlc", weights, delta[:, list(knots)]))
        lids.append(np.stack(per_eye, axis=1))
    return lids[0], lids[1]


def iris_following_eyes(points: np.ndarray, rest: RestFace) -> np.ndarray:
    """T×2×2 iris centres moved with their eye's mean displacement (gaze comes after)."""
    rest_points = np.asarray(rest.points68, np.float64)[:, :2]
    delta = points - rest_points[None]
    shift = np.stack([delta[:, 36:42].mean(axis=1), delta[:, 42:48].mean(axis=1)], axis=1)
    return np.asarray(rest.iris, np.float64)[None] + shift


def rest_pose(rest: RestFace, frames: int) -> np.ndarray:
    """The still portrait's pose repeated: T×7."""
    p = rest.pose
    return np.tile(np.array([p.yaw, p.pitch, p.roll, p.tx, p.ty, p.tz, p.scale], np.float64), (frames, 1))


def pose_at(pose_row: np.ndarray) -> HeadPose:
    """A HeadPose from one row of a T×7 pose array."""
    return HeadPose(*(float(v) for v in pose_row))
