"""The mean frontal template and fitting it to a few clicked points."""

from __future__ import annotations

import numpy as np
import pytest

from core.errors import LandmarkFileError
from core.landmarks.face_template import ANCHOR_POINTS, fit_template, load_template, symmetrize68
from tests.drawn_face import draw_portrait


def test_template_is_normalized_and_symmetric():
    t = load_template()["points3d"]
    assert np.allclose(t[[0, 16]], [[-1, 0, 0], [1, 0, 0]], atol=2e-3)
    assert np.allclose(symmetrize68(t), t, atol=1e-3)
    assert t[30, 2] > 0.5  # the nose points at the viewer


def test_fit_to_seven_anchors_places_the_whole_face():
    _, drawn = draw_portrait(256)
    anchors = {i: tuple(drawn.points68[i, :2]) for i in ANCHOR_POINTS}
    face = fit_template(anchors, (256, 256))
    assert face.source == "template" and face.image_size == (256, 256)
    for i, xy in anchors.items():
        assert np.allclose(face.points68[i, :2], xy)  # clicks land exactly
    face_width = drawn.points68[16, 0] - drawn.points68[0, 0]
    # A cartoon is not the mean face, but every part ends up in its region.
    assert np.abs(face.points68[:, :2] - drawn.points68[:, :2]).mean() < 0.08 * face_width
    assert np.abs(face.iris - drawn.iris).max() < 0.05 * face_width
    assert abs(face.pose.yaw) < 5 and abs(face.pose.roll) < 5


def test_two_anchors_give_a_turned_scaled_face():
    face = fit_template({36: (100.0, 100.0), 45: (100.0, 200.0)}, (400, 400))  # eyes stacked: 90° roll
    assert face.pose.roll == pytest.approx(90, abs=3)
    assert face.points68[30, 0] < 100  # the nose is to the "down" side of the eye line


def test_too_few_or_wrong_anchors():
    with pytest.raises(LandmarkFileError, match="at least 2 anchor points"):
        fit_template({36: (1.0, 2.0)}, (10, 10))
    with pytest.raises(LandmarkFileError, match="Anchor index 70"):
        fit_template({36: (1.0, 2.0), 70: (5.0, 5.0)}, (10, 10))
