"""Per-frame posed rig points: what the renderer and the exporters consume."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.landmarks.face_landmarks import (
    LID_POINTS,
    RIG_68,
    RIG_IRIS,
    RIG_LOWER_LIDS,
    RIG_POINT_COUNT,
    RIG_UPPER_LIDS,
)


@dataclass(frozen=True)
class MotionFrames:
    """A clip's motion in image pixels.

    rig: T×RIG_POINT_COUNT×2 (layout of FaceLandmarks.rig_points); pose: T×6
    (yaw, pitch, roll in degrees; tx, ty, tz in pixels); mouth_open: T, 0 (shut)
    .. 1 (inner-lip gap as wide as the mouth), used by the mouth-cavity shading.
    """

    fps: float
    rig: np.ndarray
    pose: np.ndarray
    mouth_open: np.ndarray

    def __post_init__(self) -> None:
        rig = np.asarray(self.rig, np.float32)
        if rig.ndim != 3 or rig.shape[1:] != (RIG_POINT_COUNT, 2):
            raise ValueError(f"rig must be T×{RIG_POINT_COUNT}×2, got {rig.shape}")
        count = rig.shape[0]
        pose = np.asarray(self.pose, np.float32)
        if pose.shape != (count, 6):
            raise ValueError(f"pose must be {count}×6, got {pose.shape}")
        mouth = np.asarray(self.mouth_open, np.float32)
        if mouth.shape != (count,):
            raise ValueError(f"mouth_open must have {count} values, got {mouth.shape}")
        if self.fps <= 0:
            raise ValueError(f"fps must be positive, got {self.fps}")
        object.__setattr__(self, "rig", rig)
        object.__setattr__(self, "pose", pose)
        object.__setattr__(self, "mouth_open", mouth)

    def __len__(self) -> int:
        return int(self.rig.shape[0])

    @property
    def duration(self) -> float:
        """Clip length in seconds."""
        return len(self) / self.fps

    @property
    def landmarks68(self) -> np.ndarray:
        """T×68×2 iBUG points."""
        return self.rig[:, RIG_68]

    @property
    def upper_lids(self) -> np.ndarray:
        """T×2×LID_POINTS×2 interior upper-lid points."""
        return self.rig[:, RIG_UPPER_LIDS].reshape(len(self), 2, LID_POINTS, 2)

    @property
    def lower_lids(self) -> np.ndarray:
        """T×2×LID_POINTS×2 interior lower-lid points."""
        return self.rig[:, RIG_LOWER_LIDS].reshape(len(self), 2, LID_POINTS, 2)

    @property
    def iris(self) -> np.ndarray:
        """T×2×2 iris centres."""
        return self.rig[:, RIG_IRIS]
