"""Face tracks from a short video made in the test: normalized frames, gaps, cache."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from core.errors import VideoError
from core.landmarks.video_face_track import cache_path, extract_face_track, load_or_extract

from tests.core.landmarks.shared_data import shared_data_dir

DATA = shared_data_dir()
PORTRAIT = (DATA or Path("/nonexistent")) / "portraits" / "KwaiVGI__LivePortrait" / "s9.jpg"


@pytest.fixture(scope="module")
def face_video(tmp_path_factory) -> Path:
    """6 frames: the portrait sliding right, then one blank frame (no face)."""
    if not PORTRAIT.exists():
        pytest.skip("shared portrait not available")
    cv2.setNumThreads(1)
    image = cv2.resize(cv2.imread(str(PORTRAIT)), (360, 640), interpolation=cv2.INTER_AREA)
    path = tmp_path_factory.mktemp("video") / "face.avi"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 25.0, (360, 640))
    for shift in range(5):
        writer.write(np.roll(image, 4 * shift, axis=1))
    writer.write(np.zeros_like(image))
    writer.release()
    return path


def test_track_is_normalized_and_marks_lost_frames(face_video):
    track = extract_face_track(face_video)
    assert len(track) == 6 and track.fps == pytest.approx(25.0)
    assert track.image_size == (360, 640)
    assert track.valid.tolist() == [True] * 5 + [False]
    jaw = track.points68[:, 16] - track.points68[:, 0]
    assert np.allclose(np.linalg.norm(jaw, axis=1), 2.0, atol=1e-4)
    # The face slides 4 px per frame; tx follows, the normalized shape does not.
    assert np.allclose(np.diff(track.poses[:5, 3]), 4.0, atol=1.0)
    drift = np.abs(track.points68[:5, :, :2] - track.points68[0, :, :2])
    assert drift.mean() < 0.02 and drift.max() < 0.08
    assert track.lids.shape == (6, 2, 2, 7, 2)
    assert np.isfinite(track.points68).all()  # the lost frame holds its neighbour


def test_every_n_samples_frames(face_video):
    track = extract_face_track(face_video, every_n=2)
    assert track.frame_indices.tolist() == [0, 2, 4]
    assert track.fps == pytest.approx(12.5)


def test_cache_round_trips(face_video, tmp_path):
    first = load_or_extract(face_video, tmp_path)
    stored = cache_path(face_video, tmp_path)
    assert stored.exists()
    second = load_or_extract(face_video, tmp_path)
    assert np.array_equal(first.points68, second.points68) and np.array_equal(first.valid, second.valid)
    assert second.image_size == first.image_size and second.fps == first.fps


def test_unreadable_video_raises(tmp_path):
    bad = tmp_path / "clip.mp4"
    bad.write_bytes(b"not a video at all")
    with pytest.raises(VideoError, match="Cannot read video 'clip.mp4'"):
        extract_face_track(bad)
    with pytest.raises(VideoError, match="file not found"):
        extract_face_track(tmp_path / "missing.mp4")
