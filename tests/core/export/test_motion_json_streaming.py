"""The motion JSON is written a block of frames at a time and never holds NaN or infinity
(issue 16: a 1e308 yaw once wrote a file no JSON reader accepts)."""

from __future__ import annotations

import json

import numpy as np
import pytest

import core.export.motion_json as motion_json
from core.export.motion_json import MotionData, MotionFileError, read_motion_json, write_motion_json


def _motion(frames: int, extra: dict | None = None) -> MotionData:
    rng = np.random.default_rng(7)
    return MotionData(fps=29.97, landmarks68=rng.uniform(0, 512, (frames, 68, 2)),
                      iris=rng.uniform(0, 512, (frames, 2, 2)), pose=rng.normal(0, 5, (frames, 6)),
                      extra=extra or {})


@pytest.mark.parametrize("extra", [{}, {"mouth_open": [0.25, 0.5], "image_size": [512, 512]}])
def test_blocks_write_the_document_a_single_dump_would(tmp_path, monkeypatch, extra):
    motion = _motion(23, extra)
    monkeypatch.setattr(motion_json, "WRITE_FRAMES", 5)
    text = write_motion_json(tmp_path / "m.json", motion).read_text()
    document = {"format": "space-studio-motion", "version": 1, "fps": 29.97,
                **{name: np.round(getattr(motion, name).astype(np.float64), 3).tolist()
                   for name in ("landmarks68", "iris", "pose")}, **extra}
    assert text == json.dumps(document, separators=(",", ":"))
    back = read_motion_json(tmp_path / "m.json")
    assert back.extra == extra and np.abs(back.pose - motion.pose).max() < 1e-3


def test_empty_motion_is_valid_json(tmp_path):
    back = read_motion_json(write_motion_json(tmp_path / "m.json", _motion(0)))
    assert back.landmarks68.shape == (0, 68, 2)


@pytest.mark.parametrize("name, value", [("pose", np.inf), ("landmarks68", np.nan), ("iris", -np.inf)])
def test_non_finite_values_are_refused_and_nothing_is_written(tmp_path, monkeypatch, name, value):
    monkeypatch.setattr(motion_json, "WRITE_FRAMES", 4)
    motion = _motion(12)
    getattr(motion, name)[9].flat[1] = value
    out = tmp_path / "m.json"
    out.write_text("previous")
    with pytest.raises(MotionFileError, match=f"{name} is NaN or infinite at frame 9") as caught:
        write_motion_json(out, motion)
    assert "\n" not in str(caught.value)
    assert out.read_text() == "previous" and sorted(p.name for p in tmp_path.iterdir()) == ["m.json"]


def test_a_huge_yaw_is_refused_not_written_as_infinity(tmp_path):
    pose = np.zeros((3, 6))
    pose[1, 0] = 1e308  # finite as float64, infinite as the float32 the file holds
    motion = MotionData(fps=25.0, landmarks68=np.zeros((3, 68, 2)), iris=np.zeros((3, 2, 2)), pose=pose)
    with pytest.raises(MotionFileError, match="pose is NaN or infinite at frame 1"):
        write_motion_json(tmp_path / "m.json", motion)
    assert list(tmp_path.iterdir()) == []


def test_non_finite_extra_values_are_refused(tmp_path):
    with pytest.raises(MotionFileError, match="NaN or infinity"):
        write_motion_json(tmp_path / "m.json", _motion(2, {"mouth_open": [0.1, float("nan")]}))
    assert list(tmp_path.iterdir()) == []
