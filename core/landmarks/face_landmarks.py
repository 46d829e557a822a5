"""The face description every stage of the engine shares.

A face is the 68 iBUG landmarks plus what SPACE needs beyond them for blinks and
gaze: interior eyelid contour points and the iris centres. Everything lives in
image pixels here; ``core.landmarks.normalized_space`` moves it to and from the
pose-free normalized space the motion models work in.

Conventions (all arrays float32):
- ``points68``: 68×3, x right, y down, z towards the viewer in the same pixel
  units (0 where unknown, e.g. landmarks a user typed in).
- Eye index 0 is the eye on the image's left (iBUG 36–41), 1 the image's right
  (iBUG 42–47).
- ``upper_lids`` / ``lower_lids``: 2×7×2, the interior contour points of each
  lid ordered left→right in the image; the corners are iBUG 36/39 and 42/45.
- ``iris``: 2×2 iris centres; ``iris_radius``: 2 radii in pixels.

``rig_points`` packs a face into one N×2 array (N = RIG_POINT_COUNT) so the
renderer and the per-frame motion can treat all control points alike.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

LID_POINTS = 7
RIG_POINT_COUNT = 68 + 2 * 2 * LID_POINTS + 2

# Index ranges inside rig_points.
RIG_68 = slice(0, 68)
RIG_UPPER_LIDS = slice(68, 68 + 2 * LID_POINTS)
RIG_LOWER_LIDS = slice(68 + 2 * LID_POINTS, 68 + 4 * LID_POINTS)
RIG_IRIS = slice(68 + 4 * LID_POINTS, RIG_POINT_COUNT)

# iBUG 68 groups, used across the engine.
JAW = slice(0, 17)
BROWS = slice(17, 27)
NOSE = slice(27, 36)
EYE_LEFT = slice(36, 42)
EYE_RIGHT = slice(42, 48)
OUTER_LIPS = slice(48, 60)
INNER_LIPS = slice(60, 68)
MOUTH = slice(48, 68)
EYE_CORNERS = ((36, 39), (42, 45))
MOUTH_CORNERS = (48, 54)
INNER_LIP_PAIRS = ((61, 67), (62, 66), (63, 65))  # (upper, lower) inner-lip points


@dataclass(frozen=True)
class HeadPose:
    """Rigid head pose: rotation in degrees, translation in pixels, scale.

    ``tx``, ``ty`` place the normalized-space origin (midpoint of jaw ends 0 and
    16) in the image; ``scale`` is pixels per normalized unit (half the 3D
    distance between points 0 and 16). ``tz`` is kept for PoseGen's 6-d output
    and only changes scale mildly in an orthographic camera.
    """

    yaw: float = 0.0
    pitch: float = 0.0
    roll: float = 0.0
    tx: float = 0.0
    ty: float = 0.0
    tz: float = 0.0
    scale: float = 1.0

    def as_array(self) -> np.ndarray:
        """The 6-vector of the motion JSON: yaw, pitch, roll, tx, ty, tz."""
        return np.array([self.yaw, self.pitch, self.roll, self.tx, self.ty, self.tz], np.float32)


@dataclass(frozen=True)
class FaceLandmarks:
    """One face in one image, in image pixels."""

    points68: np.ndarray
    upper_lids: np.ndarray
    lower_lids: np.ndarray
    iris: np.ndarray
    iris_radius: np.ndarray
    pose: HeadPose = field(default_factory=HeadPose)
    image_size: tuple[int, int] = (0, 0)  # width, height
    source: str = "user"  # mediapipe | face_alignment | user | template

    def __post_init__(self) -> None:
        shapes = {
            "points68": (68, 3),
            "upper_lids": (2, LID_POINTS, 2),
            "lower_lids": (2, LID_POINTS, 2),
            "iris": (2, 2),
            "iris_radius": (2,),
        }
        for name, shape in shapes.items():
            value = np.asarray(getattr(self, name), dtype=np.float32)
            if value.shape != shape:
                raise ValueError(f"{name} must have shape {shape}, got {value.shape}")
            object.__setattr__(self, name, value)

    def rig_points(self) -> np.ndarray:
        """All control points as one RIG_POINT_COUNT×2 array (see module doc)."""
        return np.concatenate(
            [
                self.points68[:, :2],
                self.upper_lids.reshape(-1, 2),
                self.lower_lids.reshape(-1, 2),
                self.iris,
            ]
        ).astype(np.float32)

    def with_rig_points(self, rig: np.ndarray) -> FaceLandmarks:
        """A copy whose 2D positions come from ``rig`` (z is kept)."""
        rig = np.asarray(rig, np.float32)
        points = self.points68.copy()
        points[:, :2] = rig[RIG_68]
        return replace(
            self,
            points68=points,
            upper_lids=rig[RIG_UPPER_LIDS].reshape(2, LID_POINTS, 2),
            lower_lids=rig[RIG_LOWER_LIDS].reshape(2, LID_POINTS, 2),
            iris=rig[RIG_IRIS],
        )

    def bounding_box(self) -> tuple[float, float, float, float]:
        """x0, y0, x1, y1 of the 68 points."""
        xy = self.points68[:, :2]
        return float(xy[:, 0].min()), float(xy[:, 1].min()), float(xy[:, 0].max()), float(xy[:, 1].max())
