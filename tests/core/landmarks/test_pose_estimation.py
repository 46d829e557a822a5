"""Head pose: the rotation convention and the fit that recovers it."""

from __future__ import annotations

import numpy as np
import pytest

from core.landmarks.face_template import load_template
from core.landmarks.pose_estimation import estimate_pose, euler_angles, rotation_matrix


@pytest.mark.parametrize("angles", [(0, 0, 0), (30, -10, 5), (-40, 20, -15), (10, 35, 60)])
def test_euler_angles_invert_rotation_matrix(angles):
    assert np.allclose(euler_angles(rotation_matrix(*angles)), angles, atol=1e-9)


@pytest.mark.parametrize("angles", [(25, 0, 0), (0, -15, 0), (-20, 10, 30)])
def test_pose_of_a_turned_template_is_recovered(angles):
    template = load_template()["points3d"]
    points = 80 * template @ rotation_matrix(*angles).T + [300, 200, 0]
    pose = estimate_pose(points)
    assert (pose.yaw, pose.pitch, pose.roll) == pytest.approx(angles, abs=1e-3)
    assert (pose.tx, pose.ty, pose.scale) == pytest.approx((300, 200, 80), rel=1e-4)


def test_sign_convention():
    template = load_template()["points3d"]
    turned = template @ rotation_matrix(30, 0, 0).T
    assert turned[30, 0] > 0.3  # positive yaw: the nose moves to the image's right
    lifted = template @ rotation_matrix(0, 20, 0).T
    assert lifted[30, 1] < template[30, 1] - 0.2  # positive pitch: the nose moves up (y is down)


def test_mouth_opening_does_not_change_the_pose():
    template = load_template()["points3d"] * 100
    opened = template.copy()
    opened[[*range(5, 12), *range(55, 60), 65, 66, 67]] += [0, 30, 0]  # jaw and lower lip drop
    a, b = estimate_pose(template), estimate_pose(opened)
    assert (b.yaw, b.pitch, b.roll) == pytest.approx((a.yaw, a.pitch, a.roll), abs=1e-6)
