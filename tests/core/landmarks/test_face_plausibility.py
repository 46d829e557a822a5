"""The plausibility checks: real faces pass, faces whose points sit on the wrong pixels are refused."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from core.errors import ImplausibleFaceError, NoFaceError
from core.image_io import load_portrait
from core.landmarks.detector import detect_faces
from core.landmarks.drawn_face_locator import locate_drawn_face
from core.landmarks.face_plausibility import check_face, implausible_message
from core.landmarks.mediapipe_detector import MediapipeDetector
from tests.core.landmarks.drawn_faces import draw_cartoon, paint_over_eyes_and_brows

SAMPLE = Path(__file__).resolve().parents[3] / "resources" / "sample" / "portrait.png"
# Ordinary photos of the shared data: frontal, turned, open mouth, beard, glasses, dark skin, sunglasses.
PHOTOS = (
    "portraits/KwaiVGI__LivePortrait/d12.jpg",
    "portraits/KwaiVGI__LivePortrait/d19.jpg",
    "portraits/yzhou359__MakeItTalk/dwayne2.jpg",
    "portraits/yzhou359__MakeItTalk/morgan.jpg",
    "portraits/yzhou359__MakeItTalk/johnny.jpg",
    "portraits/yzhou359__MakeItTalk/neo.jpg",
    "portraits/ali-vilab__dreamtalk/male_face.png",
)


@pytest.fixture(scope="module")
def sample_rgb() -> np.ndarray:
    return np.ascontiguousarray(load_portrait(SAMPLE).rgba[:, :, :3])


@pytest.fixture(scope="module")
def sample_face(sample_rgb):
    with MediapipeDetector() as detector:
        return detector.detect(sample_rgb)[0]


def _with_points(face, indices, offset):
    points = face.points68.copy()
    points[list(indices), :2] += offset
    return replace(face, points68=points)


def test_bundled_sample_portrait_is_never_refused(sample_rgb, sample_face):
    check = check_face(sample_face, sample_rgb)
    assert check.ok, check.problems
    face = detect_faces(sample_rgb)[0]
    assert face.source == "mediapipe"
    np.testing.assert_allclose(face.points68, sample_face.points68)


@pytest.mark.parametrize("relative", PHOTOS)
def test_real_photos_pass_the_checks(shared_data: Path, relative: str):
    path = shared_data / relative
    if not path.exists():
        pytest.skip(f"{relative} not in the shared data")
    rgb = load_portrait(path).rgba[:, :, :3]
    with MediapipeDetector() as detector:
        faces = detector.detect(rgb)
    assert faces, "mediapipe finds this photo's face"
    check = check_face(faces[0], rgb)
    assert check.ok, (relative, check.problems)


def test_mouth_points_moved_onto_the_chin_are_refused(sample_rgb, sample_face):
    lips_to_chin = sample_face.points68[8, :2] - sample_face.points68[57, :2]
    moved = _with_points(sample_face, range(48, 68), lips_to_chin)
    check = check_face(moved, sample_rgb)
    assert not check.ok
    assert "chin" in check.reason


def test_eye_points_on_plain_skin_are_refused(sample_rgb, sample_face):
    # Eye contours moved down onto the cheeks: no eye is drawn there.
    eye_height = sample_face.points68[29, 1] - sample_face.points68[39, 1]
    moved = _with_points(sample_face, range(36, 48), np.array([0.0, eye_height]))
    check = check_face(moved, sample_rgb)
    assert any("no eye under" in problem for problem in check.problems), check.problems


def test_landmarks_outside_the_image_are_refused(sample_rgb, sample_face):
    moved = _with_points(sample_face, range(68), np.array([sample_rgb.shape[1] * 0.9, 0.0]))
    assert check_face(moved, sample_rgb).reason == "the eye or mouth points lie outside the image"


def test_drawn_mouth_on_the_chin_line_is_refused():
    drawn = draw_cartoon()
    face = locate_drawn_face(drawn.image)
    assert check_face(face, drawn.image).ok
    # The silent failure of the issue: the lips sit on the drawn chin line, the chin below the face.
    on_chin = _with_points(face, range(48, 68), drawn.chin - drawn.mouth)
    on_chin = _with_points(on_chin, [8], np.array([0.0, 0.25 * drawn.eye_distance]) + drawn.chin - face.points68[8, :2])
    check = check_face(on_chin, drawn.image)
    assert not check.ok and "chin" in check.reason, check.problems


def test_message_names_every_way_out():
    message = implausible_message("the mouth points lie on the chin", "hero.png")
    assert message.startswith("The face found in 'hero.png' looks wrong (the mouth points lie on the chin);")
    for route in ("--landmarks FILE.json", "Rest mode ▸ Fit face to anchors", "--accept-low-confidence"):
        assert route in message
    assert "\n" not in message


def test_facade_refuses_an_eyeless_face_unless_low_confidence_is_accepted(sample_rgb, sample_face):
    eyeless = paint_over_eyes_and_brows(sample_rgb, sample_face)
    with pytest.raises(ImplausibleFaceError, match="no eye under the") as refused:
        detect_faces(eyeless)
    assert isinstance(refused.value, NoFaceError)  # callers that catch NoFaceError still catch it
    assert "no eye under the" in refused.value.reason
    kept = detect_faces(eyeless, accept_low_confidence=True)[0]
    assert kept.source == "mediapipe"
