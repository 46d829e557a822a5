"""Base head pose: the portrait's own pose plus generated or copied deltas, kept warpable."""

from __future__ import annotations

import numpy as np

from core.landmarks.face_landmarks import HeadPose
from core.pose_source import ROTATION_LIMITS, absolute_pose


def test_small_turns_pass_through_and_large_ones_saturate():
    rest = HeadPose(yaw=-15.0, pitch=2.0, roll=1.0, tx=400.0, ty=380.0, scale=100.0)
    deltas = np.zeros((4, 6))
    deltas[1, 0] = 2.0  # a nod-sized turn
    deltas[2, 0] = -21.0  # what PoseGen once gave a 3/4-view photo
    deltas[3, :3] = [90.0, -90.0, 90.0]
    deltas[:, 3] = 0.1
    pose = absolute_pose(rest, deltas, 4)
    assert pose.shape == (4, 7)
    np.testing.assert_allclose(pose[0, :3], [-15.0, 2.0, 1.0])
    assert abs(pose[1, 0] - (-13.0)) < 0.1
    assert -15.0 - ROTATION_LIMITS[0] < pose[2, 0] < -15.0 - 0.8 * ROTATION_LIMITS[0]
    np.testing.assert_allclose(np.abs(pose[3, :3] - pose[0, :3]), ROTATION_LIMITS, rtol=1e-3)
    np.testing.assert_allclose(pose[:, 3], 410.0)  # translation in face-scale units × scale
    assert np.all(np.diff(absolute_pose(rest, np.linspace(-60, 60, 50)[:, None] * np.eye(6)[0], 50)[:, 0]) > 0)
