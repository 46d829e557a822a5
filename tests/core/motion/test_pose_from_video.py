"""Pose transfer from a video: a real portrait moved by known amounts in a video made here."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from core.errors import NoFaceError, SpaceStudioError
from core.motion.pose_from_video import fill_gaps, poses_from_video
from core.timebase import resample_series

PORTRAIT = (Path(__file__).resolve().parents[3].parent / "shared" / "data" / "portraits"
            / "OpenTalker__SadTalker" / "happy.png")
FPS = 25.0


def _write_video(path: Path, frames: list[np.ndarray], fps: float = FPS) -> Path:
    h, w = frames[0].shape[:2]
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), fps, (w, h))
    for frame in frames:
        writer.write(frame)
    writer.release()
    return path


def _rolling_portrait(frames: int) -> tuple[list[np.ndarray], np.ndarray]:
    """The portrait rotated in the image plane by a known angle per frame."""
    image = cv2.imread(str(PORTRAIT))
    image = cv2.copyMakeBorder(image, 64, 64, 64, 64, cv2.BORDER_REPLICATE)
    h, w = image.shape[:2]
    angles = 12.0 * np.sin(np.linspace(0, np.pi, frames))
    out = []
    for angle in angles:
        # cv2 rotates counter-clockwise on screen for positive angles.
        matrix = cv2.getRotationMatrix2D((w / 2, h / 2), float(angle), 1.0)
        out.append(cv2.warpAffine(image, matrix, (w, h), borderMode=cv2.BORDER_REPLICATE))
    return out, angles


@pytest.mark.skipif(not PORTRAIT.is_file(), reason="shared portrait not available")
def test_recovers_in_plane_rotation(tmp_path: Path) -> None:
    frames, angles = _rolling_portrait(40)
    poses = poses_from_video(_write_video(tmp_path / "roll.mp4", frames), fps=FPS, cache_dir=tmp_path)
    assert poses.shape == (40, 7)
    np.testing.assert_allclose(poses[0, :6], 0.0, atol=0.5)
    # Counter-clockwise on screen is a negative roll in the engine's convention.
    assert np.corrcoef(poses[:, 2], -angles)[0, 1] > 0.95
    assert abs(poses[:, 2].min() + angles.max()) < 3.0
    assert np.abs(poses[:, 0]).max() < 5.0  # no spurious yaw


@pytest.mark.skipif(not PORTRAIT.is_file(), reason="shared portrait not available")
def test_resamples_to_target_fps(tmp_path: Path) -> None:
    frames, _ = _rolling_portrait(25)
    poses = poses_from_video(_write_video(tmp_path / "roll.mp4", frames), fps=50.0, cache_dir=tmp_path)
    assert poses.shape == (50, 7)


def test_unreadable_video_raises(tmp_path: Path) -> None:
    bad = tmp_path / "bad.mp4"
    bad.write_bytes(b"not a video at all")
    with pytest.raises(SpaceStudioError):
        poses_from_video(bad, fps=FPS, cache_dir=tmp_path)
    with pytest.raises(SpaceStudioError):
        poses_from_video(tmp_path / "absent.mp4", fps=FPS, cache_dir=tmp_path)


def test_video_without_face_raises(tmp_path: Path) -> None:
    blank = [np.full((128, 128, 3), 90, np.uint8) for _ in range(5)]
    with pytest.raises(NoFaceError):
        poses_from_video(_write_video(tmp_path / "blank.mp4", blank), fps=FPS, cache_dir=tmp_path)


def test_gaps_are_interpolated_and_resampling_keeps_duration() -> None:
    values = np.arange(10, dtype=np.float64)[:, None] * np.ones((1, 2))
    valid = np.ones(10, bool)
    valid[3:6] = False
    broken = values.copy()
    broken[3:6] = 99.0
    np.testing.assert_allclose(fill_gaps(broken, valid), values)
    assert len(resample_series(values, 25.0, 50.0)) == 20
