"""Motion JSON round trip and clear errors for broken files."""

from __future__ import annotations

import json

import numpy as np
import pytest

from core.export.motion_json import MotionData, MotionFileError, read_motion_json, write_motion_json
from tests.drawn_face import draw_portrait


def test_round_trip_keeps_values_and_extra_keys(tmp_path):
    _, face = draw_portrait(128)
    frames = 6
    wobble = np.sin(np.arange(frames))[:, None, None]
    motion = MotionData(
        fps=30.0,
        landmarks68=face.points68[None, :, :2] + wobble,
        iris=face.iris[None] + wobble,
        pose=np.tile(face.pose.as_array(), (frames, 1)),
        extra={"image_size": [128, 128]},
    )
    path = write_motion_json(tmp_path / "motion.json", motion)
    back = read_motion_json(path)
    assert back.fps == 30.0 and back.extra == {"image_size": [128, 128]}
    assert np.abs(back.landmarks68 - motion.landmarks68).max() < 1e-3
    assert back.iris.shape == (frames, 2, 2) and back.pose.shape == (frames, 6)
    assert json.loads(path.read_text())["landmarks68"][0][0] == pytest.approx(motion.landmarks68[0, 0].tolist(), abs=1e-3)


def test_wrong_shapes_are_reported(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"fps": 25, "landmarks68": [[[0, 0]] * 67], "iris": [[[0, 0]] * 2], "pose": [[0] * 6]}))
    with pytest.raises(MotionFileError, match="landmarks68"):
        read_motion_json(path)


def test_not_json_is_reported(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text("{not json")
    with pytest.raises(MotionFileError, match="not readable JSON"):
        read_motion_json(path)
