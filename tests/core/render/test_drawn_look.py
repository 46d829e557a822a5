"""Measuring a drawing's own lines, skin and eyes for the drawn style (no GL needed)."""

from __future__ import annotations

import numpy as np
import pytest

from core.landmarks.face_landmarks import RIG_LOWER_LIDS
from core.render.drawn_look import eye_bottom, measure_drawing, skin_plate
from core.render.warp_mesh import clamp_rig
from tests.drawn_face import LINER, MOUTH_LINE, SKIN, draw_portrait


@pytest.fixture(scope="module")
def portrait() -> tuple[np.ndarray, np.ndarray]:
    image, face = draw_portrait(256)
    return image, clamp_rig(face.rig_points())


def test_the_line_colour_and_weight_are_the_drawings(portrait):
    image, rest = portrait
    look = measure_drawing(image, rest)
    assert np.abs(look.line_colour - np.array(MOUTH_LINE)).sum() < 60
    assert 1.0 <= look.line_weight <= 3.0
    assert np.abs(look.skin - np.array(SKIN)).sum() < 15
    assert np.abs(look.eyes[0].colour - np.array(LINER)).sum() < 60


def test_the_skin_plate_paints_out_mouth_and_eyes(portrait):
    image, rest = portrait
    plate = skin_plate(image, rest, measure_drawing(image, rest))
    for point in (rest[62], rest[66], rest[37], rest[44]):  # lips, eyes (lid line, iris)
        x, y = np.round(point).astype(int)
        assert np.abs(plate[y, x, :3].astype(int) - np.array(SKIN)).sum() < 40
    assert np.abs(image[rest[62].astype(int)[1], rest[62].astype(int)[0], :3].astype(int) - SKIN).sum() > 80
    assert np.array_equal(plate[:40], image[:40])  # far away: untouched


def test_the_drawn_eye_bottom_is_found_below_landmarks_inside_the_eye(portrait):
    image, rest = portrait
    assert eye_bottom(image, rest, 0, np.array(SKIN, float)).max() < 2.5  # landmarks on the drawn lid
    lifted = rest.copy()
    lower = lifted[RIG_LOWER_LIDS].reshape(2, 7, 2)
    lower[0, :, 1] -= 4.0  # landmarks 4 px inside the eye, as detectors put them on anime eyes
    lifted[RIG_LOWER_LIDS] = lower.reshape(-1, 2)
    fall = eye_bottom(image, lifted, 0, np.array(SKIN, float))
    assert 3.0 < fall[4] < 7.0 and fall[0] == 0.0 and fall[-1] == 0.0
