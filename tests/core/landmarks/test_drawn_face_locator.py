"""The drawn-face locator on cartoons drawn in the test, and on things that are not faces."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from core.landmarks.drawn_face_locator import find_drawn_features, locate_drawn_face
from core.landmarks.face_plausibility import check_face
from tests.core.landmarks.drawn_faces import draw_cartoon


def _errors(face, drawn) -> tuple[float, float]:
    """Worst pupil error and mouth-centre error, in eye distances."""
    eyes = np.linalg.norm(face.iris - drawn.eyes, axis=1).max() / drawn.eye_distance
    mouth = np.linalg.norm(face.points68[60:68, :2].mean(axis=0) - drawn.mouth) / drawn.eye_distance
    return float(eyes), float(mouth)


@pytest.mark.parametrize(("size", "tilt"), [(512, 0.0), (300, 15.0), (1024, -20.0)])
def test_finds_pupils_mouth_and_chin_of_a_flat_cartoon(size, tilt):
    drawn = draw_cartoon(size, tilt)
    face = locate_drawn_face(drawn.image)
    assert face is not None and face.source == "drawn"
    eyes, mouth = _errors(face, drawn)
    assert eyes < 0.05 and mouth < 0.05
    assert np.linalg.norm(face.points68[8, :2] - drawn.chin) < 0.15 * drawn.eye_distance
    assert face.image_size == (size, size)
    check = check_face(face, drawn.image)
    assert check.ok, check.problems


def test_lips_span_the_drawn_mouth():
    drawn = draw_cartoon()
    face = locate_drawn_face(drawn.image)
    corners = face.points68[[48, 54], 0]
    assert corners[0] == pytest.approx(256 - 40, abs=6) and corners[1] == pytest.approx(256 + 40, abs=6)
    assert face.points68[39, 0] < face.iris[0, 0] + 40 and face.points68[42, 0] > face.iris[1, 0] - 40


def test_plain_and_textured_images_have_no_drawn_face():
    rng = np.random.default_rng(3)
    assert find_drawn_features(np.full((300, 400, 3), 200, np.uint8)) is None
    noise = cv2.GaussianBlur(rng.integers(0, 256, (300, 400, 3), dtype=np.uint8), (0, 0), 1.5)
    assert find_drawn_features(noise) is None


def test_lines_of_text_are_not_a_face():
    # Letters are dark blobs side by side on a flat ground, with more letters below (a signature,
    # a caption): the locator must not pair two letters as eyes and a third as the mouth.
    page = np.full((400, 640, 3), 250, np.uint8)
    for row, text in enumerate(("Drawn by hand, 2012", "www.example.com/toons", "all rights reserved")):
        cv2.putText(page, text, (20, 110 + 90 * row), cv2.FONT_HERSHEY_SIMPLEX, 1.4, (20, 20, 20), 4)
    assert find_drawn_features(page) is None


def test_a_photographic_face_is_left_to_the_detector(shared_data):
    path = shared_data / "portraits" / "KwaiVGI__LivePortrait" / "d12.jpg"
    if not path.exists():
        pytest.skip("d12.jpg not in the shared data")
    image = cv2.imread(str(path), cv2.IMREAD_COLOR)[:, :, ::-1]
    assert find_drawn_features(np.ascontiguousarray(image)) is None
