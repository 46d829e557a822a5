"""Base head pose: the portrait's own pose plus generated or copied deltas, kept warpable."""

from __future__ import annotations

import numpy as np

from core.landmarks.face_landmarks import HeadPose
from core.pose_source import ROTATION_LIMITS, TRANSLATION_LIMITS, absolute_pose


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
    assert 409.0 < pose[0, 3] < 410.0  # 0.1 units (5 % of the face width) keeps over 90 % of its move
    assert np.all(np.diff(absolute_pose(rest, np.linspace(-60, 60, 50)[:, None] * np.eye(6)[0], 50)[:, 0]) > 0)


def test_moves_are_limited_to_a_fraction_of_the_face():
    rest = HeadPose(tx=400.0, ty=380.0, scale=100.0)
    deltas = np.zeros((2, 6))
    deltas[1, 3:6] = [0.7, -0.7, 2.0]  # a third of the face width sideways, a big zoom
    pose = absolute_pose(rest, deltas, 2)
    assert 400.0 + 19.0 < pose[1, 3] < 400.0 + 20.0
    assert 380.0 - 20.0 < pose[1, 4] < 380.0 - 19.0
    assert 0.14 < pose[1, 5] - pose[0, 5] <= TRANSLATION_LIMITS[2]


def test_one_pose_source_from_the_command_line_to_the_project_file(tmp_path):
    """The command line, the pipeline and the project's pose track hold the same type."""
    import pytest

    from core.animation.project import Project
    from core.animation.project_file import load_project, save_project
    from core.pose_source import PoseSource, PoseSpecError, parse_pose_args

    assert parse_pose_args(["generate"], 3, 0.5) == PoseSource("generated", 3, 0.5)
    video = tmp_path / "ref.mp4"
    video.write_bytes(b"")
    from_video = parse_pose_args(["from-video", str(video)], 0, 1.0)
    assert from_video.kind == "from-video" and from_video.video_path == str(video)
    with pytest.raises(PoseSpecError):
        PoseSource("from-video")
    with pytest.raises(PoseSpecError):
        parse_pose_args(["sideways"], 0, 1.0)

    project = Project(fps=25.0, duration=1.0)
    project.tracks.pose.source = from_video
    save_project(project, tmp_path / "p.json")
    loaded = load_project(tmp_path / "p.json").tracks.pose.source
    assert isinstance(loaded, PoseSource) and loaded == from_video
