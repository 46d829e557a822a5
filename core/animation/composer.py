"""The last step of composition: composed normalized motion posed into image pixels (MotionFrames)."""

from __future__ import annotations

import numpy as np

from core.animation.compose import ComposedMotion
from core.motion.motion_frames import MotionFrames


def to_motion_frames(composed: ComposedMotion, rest_z: np.ndarray | None) -> MotionFrames:
    """Pose every frame into image pixels (rest_z: NormalizedFace.rig_z, 98 depths)."""
    from core.landmarks.normalized_space import poses_to_image

    rig = poses_to_image(composed.rig, composed.pose, rest_z)
    return MotionFrames(composed.fps, rig, composed.pose[:, :6], composed.mouth_open)
