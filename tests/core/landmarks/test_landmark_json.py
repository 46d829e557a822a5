"""The user landmark file: exact round trip, derived eye details, precise complaints."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from core.errors import LandmarkFileError
from core.landmarks.landmark_json import derive_eye_details, load_landmarks, save_landmarks
from tests.drawn_face import draw_portrait


@pytest.fixture(scope="module")
def drawn():
    return draw_portrait(256)[1]


def _write(tmp_path: Path, data) -> Path:
    path = tmp_path / "face.json"
    path.write_text(json.dumps(data) if not isinstance(data, str) else data, encoding="utf-8")
    return path


def _minimal(face) -> dict:
    return {
        "format": "space-studio-landmarks",
        "version": 1,
        "image_size": list(face.image_size),
        "points68": face.points68[:, :2].tolist(),
    }


def test_save_load_round_trips_exactly(drawn, tmp_path):
    path = tmp_path / "ünïcode face.json"
    save_landmarks(drawn, path)
    back = load_landmarks(path)
    for name in ("points68", "upper_lids", "lower_lids", "iris", "iris_radius"):
        assert np.array_equal(getattr(back, name), getattr(drawn, name)), name
    assert back.pose == drawn.pose and back.image_size == drawn.image_size and back.source == drawn.source


def test_round_trip_keeps_depth(detected_face, tmp_path):
    save_landmarks(detected_face, tmp_path / "d.json")
    back = load_landmarks(tmp_path / "d.json")
    assert np.array_equal(back.points68, detected_face.points68) and back.pose == detected_face.pose


def test_missing_eye_details_are_derived_near_the_truth(drawn, tmp_path):
    face = load_landmarks(_write(tmp_path, _minimal(drawn)))
    eye_width = np.linalg.norm(drawn.points68[39, :2] - drawn.points68[36, :2])
    # Lids follow the drawn lid curves and the iris sits in the eye.
    assert np.abs(face.upper_lids - drawn.upper_lids).max() < 0.12 * eye_width
    assert np.abs(face.lower_lids - drawn.lower_lids).max() < 0.12 * eye_width
    assert np.abs(face.iris - drawn.iris).max() < 0.15 * eye_width
    assert 0.1 * eye_width < face.iris_radius[0] < 0.35 * eye_width
    assert np.all(np.diff(face.upper_lids[..., 0], axis=1) > 0)
    assert face.pose.scale == pytest.approx(np.linalg.norm(drawn.points68[16] - drawn.points68[0]) / 2, rel=1e-4)


def test_derived_lids_of_a_closed_eye_lie_on_the_line():
    points = np.zeros((68, 2))
    points[36:42] = [[0, 0], [3, 0], [6, 0], [9, 0], [6, 0], [3, 0]]
    points[42:48] = points[36:42] + [20, 0]
    upper, lower, _, _ = derive_eye_details(points)
    assert np.allclose(upper[..., 1], 0) and np.allclose(upper, lower)


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda d: d.pop("points68"), "missing key 'points68'"),
        (lambda d: d["points68"].pop(), "'points68' has 67 entries; expected 68"),
        (lambda d: d["points68"][12].__setitem__(1, "abc"), r"'points68'\[12\]\[1\] is not a number"),
        (
            lambda d: d["points68"][5].__setitem__(0, 9000.0),
            r"'points68' point 5 \(9000, .*\) lies outside the 256×256 image",
        ),
        (lambda d: d.__setitem__("format", "dlib"), "'format' must be"),
        (lambda d: d.__setitem__("version", 7), "version 7 is not supported"),
        (lambda d: d.__setitem__("image_size", [256, -3]), "'image_size' must be two whole numbers from 1 to"),
        (lambda d: d.__setitem__("iris", [[1, 2]]), "'iris' has 1 entries; expected 2"),
        (lambda d: d.__setitem__("pose", {"yaw": "left"}), "'pose.yaw' must be a number"),
    ],
)
def test_malformed_files_name_the_problem(drawn, tmp_path, edit, message):
    data = _minimal(drawn)
    edit(data)
    with pytest.raises(LandmarkFileError, match=f"Landmark file 'face.json': {message}"):
        load_landmarks(_write(tmp_path, data))


def test_unreadable_files(tmp_path):
    with pytest.raises(LandmarkFileError, match="is not valid JSON"):
        load_landmarks(_write(tmp_path, "{not json"))
    with pytest.raises(LandmarkFileError, match="Cannot read landmark file 'nope.json'"):
        load_landmarks(tmp_path / "nope.json")


def test_scale_face_moves_everything(drawn):
    from core.landmarks.landmark_json import scale_face

    half = scale_face(drawn, 0.5, (128, 128))
    assert np.allclose(half.rig_points(), drawn.rig_points() * 0.5)
    assert half.pose.scale == pytest.approx(drawn.pose.scale * 0.5) and half.image_size == (128, 128)
