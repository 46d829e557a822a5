"""Normalized space: jaw ends 2 apart, frontal, and an exact way back to the image."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from core.landmarks.face_landmarks import HeadPose
from core.landmarks.normalized_space import from_image, normalize, rig_to_image, to_image


def test_normalized_face_has_unit_half_width_at_origin(detected_face):
    norm = normalize(detected_face)
    p = norm.points68
    assert np.allclose((p[0] + p[16]) / 2, 0, atol=1e-5)
    assert np.linalg.norm(p[16] - p[0]) == pytest.approx(2.0, abs=1e-5)
    # Frontalized: the turned face becomes left/right symmetric about x = 0.
    assert abs(p[30, 0]) < 0.08 and abs(p[8, 0]) < 0.1
    assert abs(p[36, 0] + p[45, 0]) < 0.1


def test_round_trip_reproduces_the_detected_face(detected_face):
    norm = normalize(detected_face)
    back = rig_to_image(norm.rig_points(), norm.pose, norm)
    assert np.abs(back - detected_face.rig_points()).max() < 0.5
    back3d = to_image(norm.points68, norm.pose)
    assert np.abs(back3d - detected_face.points68[:, :2]).max() < 0.5


def test_to_image_without_depth_misses_under_yaw(detected_face):
    # Guards the rest_z argument: with zero depth a turned face lands elsewhere.
    norm = normalize(detected_face)
    flat = to_image(norm.points68[:, :2], norm.pose)
    assert np.abs(flat - detected_face.points68[:, :2]).max() > 2.0


def test_to_image_poses_batches_and_from_image_inverts():
    pose = HeadPose(yaw=20, pitch=-10, roll=5, tx=100, ty=80, scale=50)
    pts = np.random.default_rng(0).normal(size=(4, 10, 2))
    z = np.linspace(-0.5, 0.5, 10)
    image = to_image(pts, pose, rest_z=z)
    assert image.shape == (4, 10, 2)
    assert np.allclose(from_image(image, pose, z), pts, atol=1e-4)


def test_tz_moves_the_face_nearer(detected_face):
    norm = normalize(detected_face)
    near = to_image(norm.points68, replace(norm.pose, tz=1.0))
    far = to_image(norm.points68, norm.pose)
    assert np.ptp(near[:, 0]) > np.ptp(far[:, 0]) * 1.05


def test_whole_clip_posing_matches_frame_by_frame() -> None:
    from core.animation.compose import pose_at
    from core.landmarks.normalized_space import poses_to_image

    rng = np.random.default_rng(1)
    points = rng.normal(size=(40, 98, 2))
    poses = np.column_stack(
        [rng.normal(0, 15, (40, 3)), rng.normal(300, 20, (40, 2)), rng.normal(0, 0.5, 40), rng.uniform(50, 150, 40)]
    )
    depth = rng.normal(size=98)
    one_by_one = np.stack([to_image(points[t], pose_at(poses[t]), depth) for t in range(40)])
    np.testing.assert_allclose(poses_to_image(points, poses, depth), one_by_one, atol=1e-4)
