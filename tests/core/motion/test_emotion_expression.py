"""Learned emotion displacements: shapes, intensity scaling, visible expression changes."""

from __future__ import annotations

import json

import numpy as np
import pytest

from core.errors import ModelWeightsError
from core.motion.emotion_expression import EMOTIONS, EmotionExpressions, one_hot

MOUTH_CORNERS = [48, 54]
INNER_BROWS = [21, 22]
BROWS = slice(17, 27)


@pytest.fixture(scope="module")
def expressions() -> EmotionExpressions:
    return EmotionExpressions.load()


def test_offsets_shapes(expressions: EmotionExpressions) -> None:
    weights = one_hot("happy", 1.0, 5)
    assert expressions.offsets(weights).shape == (5, 68, 2)
    upper, lower = expressions.lid_offsets(weights)
    assert upper.shape == lower.shape == (5, 2, 7, 2)
    assert expressions.rig_offsets(weights).shape == (5, 98, 2)


def test_offsets_scale_with_intensity_and_neutral_is_still(expressions: EmotionExpressions) -> None:
    half = expressions.offsets(one_hot("angry", 0.5, 1))
    full = expressions.offsets(one_hot("angry", 1.0, 1))
    np.testing.assert_allclose(full, 2 * half, atol=1e-6)
    assert np.abs(expressions.offsets(one_hot("neutral", 1.0, 1))).max() == 0.0
    mix = np.zeros((1, len(EMOTIONS)), np.float32)
    mix[0, [EMOTIONS.index("happy"), EMOTIONS.index("sad")]] = 0.5
    np.testing.assert_allclose(
        expressions.offsets(mix),
        0.5 * (expressions.offsets(one_hot("happy", 1, 1)) + expressions.offsets(one_hot("sad", 1, 1))),
        atol=1e-6,
    )


def test_happy_raises_and_widens_mouth_corners(expressions: EmotionExpressions) -> None:
    d = expressions.offsets(one_hot("happy", 1.0, 1))[0]
    assert d[MOUTH_CORNERS, 1].mean() < -0.01  # y down: negative is up
    assert d[54, 0] - d[48, 0] > 0.03


def test_surprised_raises_brows(expressions: EmotionExpressions) -> None:
    d = expressions.offsets(one_hot("surprised", 1.0, 1))[0]
    assert d[BROWS, 1].mean() < -0.03


def test_sad_raises_inner_brows_and_angry_lowers_them(expressions: EmotionExpressions) -> None:
    sad = expressions.offsets(one_hot("sad", 1.0, 1))[0]
    angry = expressions.offsets(one_hot("angry", 1.0, 1))[0]
    assert sad[INNER_BROWS, 1].mean() < 0.0
    assert angry[INNER_BROWS, 1].mean() > 0.01


def test_every_emotion_visibly_moves_the_face(expressions: EmotionExpressions) -> None:
    for name in EMOTIONS:
        if name == "neutral":
            continue
        d = expressions.offsets(one_hot(name, 1.0, 1))[0]
        # 0.02 normalized units ≈ 2 px on a 200 px wide face.
        assert np.linalg.norm(d, axis=-1).max() > 0.02, name


def test_bad_weights_shape_raises(expressions: EmotionExpressions) -> None:
    with pytest.raises(ValueError):
        expressions.offsets(np.zeros((3, 7)))


def test_missing_and_malformed_files_raise(tmp_path) -> None:
    with pytest.raises(ModelWeightsError):
        EmotionExpressions.load(tmp_path / "absent.json")
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"emotions": list(EMOTIONS), "points68": [[0.0]]}))
    with pytest.raises(ModelWeightsError):
        EmotionExpressions.load(bad)
