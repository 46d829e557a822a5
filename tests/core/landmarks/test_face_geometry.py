"""Face geometry in one place: openness, mirroring, Kabsch and similarity fits."""

from __future__ import annotations

import numpy as np
import pytest

from core.landmarks.face_geometry import MIRROR68, kabsch, mirror68, mouth_openness, mouth_width, similarity_fit
from core.landmarks.face_landmarks import INNER_LIP_PAIRS


def _face(gap: float) -> np.ndarray:
    """68×2 points with the mouth corners 2 apart and every inner-lip pair ``gap`` apart."""
    points = np.zeros((68, 2))
    points[48], points[54] = (-1.0, 0.0), (1.0, 0.0)
    for i, (upper, lower) in enumerate(INNER_LIP_PAIRS):
        points[upper] = (i - 1.0, -gap / 2)
        points[lower] = (i - 1.0, gap / 2)
    return points


def test_openness_is_the_inner_lip_gap_over_the_mouth_width():
    faces = np.stack([_face(0.0), _face(0.2), _face(0.6)])
    np.testing.assert_allclose(mouth_width(faces), [2.0, 2.0, 2.0])
    np.testing.assert_allclose(mouth_openness(faces), [0.0, 0.1, 0.3], atol=1e-12)
    # One face, 3-D points, any leading shape: the z column is ignored.
    face3d = np.concatenate([_face(0.4), np.full((68, 1), 7.0)], axis=1)
    assert float(mouth_openness(face3d)) == pytest.approx(0.2)


def test_mirroring_twice_is_the_identity_and_swaps_partners():
    assert sorted(MIRROR68) == list(range(68))
    rng = np.random.default_rng(0)
    points = rng.normal(size=(68, 3))
    np.testing.assert_allclose(mirror68(mirror68(points)), points)
    assert mirror68(points)[48, 0] == -points[54, 0]


def test_kabsch_recovers_a_rotation_without_reflection():
    rng = np.random.default_rng(1)
    source = rng.normal(size=(20, 3))
    source -= source.mean(0)
    angle = np.radians(25.0)
    rotation = np.array([[np.cos(angle), 0, np.sin(angle)], [0, 1, 0], [-np.sin(angle), 0, np.cos(angle)]])
    fitted = kabsch(source, source @ rotation.T)
    np.testing.assert_allclose(fitted, rotation, atol=1e-9)
    assert np.linalg.det(kabsch(source, source * [1, 1, -1])) > 0  # a mirror image still gives a rotation


def test_similarity_fit_recovers_rotation_scale_and_shift():
    rng = np.random.default_rng(2)
    src = rng.normal(size=(17, 2))
    angle, scale = np.radians(-12.0), 1.7
    matrix = scale * np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    fitted, offset = similarity_fit(src, src @ matrix.T + [3.0, -2.0])
    np.testing.assert_allclose(fitted, matrix, atol=1e-12)
    np.testing.assert_allclose(offset, [3.0, -2.0], atol=1e-12)
