"""Emotion reach: our displacement against real faces, the actor-shrinkage fix, lip sync kept."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from core.animation.compose import EMOTION_POINTS
from core.landmarks.face_geometry import mouth_openness
from core.motion.emotion_expression import EMOTIONS, EmotionExpressions, one_hot
from core.training.emotion_reach import (
    cosine,
    displacement_magnitude,
    emotion_reach,
    inner_gap_change,
    product_offsets,
    reach_table,
)
from core.training.train_emotion import (
    EmotionTrainConfig,
    FaceStatistic,
    displacements_from,
    find_emotion_clips,
    keep_inner_lip_gap,
)
from tests.core.evaluation.synthetic import face_with_openness

DATA = Path(__file__).resolve().parents[3].parent / "shared" / "data"
HAPPY = EMOTIONS.index("happy")


def _face(openness: float = 0.0) -> np.ndarray:
    return face_with_openness(np.array([openness]))[0, :, :2]


def _statistic(points68: np.ndarray) -> FaceStatistic:
    return FaceStatistic(points68, np.zeros((2, 7, 2)), np.zeros((2, 7, 2)))


def _brow_raise(size: float, sideways: float) -> np.ndarray:
    """68×2: brows up by ``size`` plus a per-actor sideways quirk."""
    delta = np.zeros((68, 2))
    delta[17:27, 1] = -size
    delta[17:27, 0] = sideways
    return delta


def test_reach_is_our_size_over_the_real_size_on_the_moved_points() -> None:
    real = _brow_raise(0.04, 0.0)
    points68 = np.zeros((8, 68, 2), np.float32)
    points68[HAPPY] = 0.5 * real
    points68[HAPPY, 5:10, 1] = 1.0  # jaw points: the composer never lets an emotion move them
    expr = EmotionExpressions(points68, np.zeros((8, 2, 7, 2), np.float32), np.zeros((8, 2, 7, 2), np.float32))
    rows = emotion_reach(expr, {"a": {"happy": real}}, _face())
    assert [r.emotion for r in rows] == ["happy"]
    assert rows[0].ratio == pytest.approx(0.5, rel=1e-5) and rows[0].cosine == pytest.approx(1.0)
    assert rows[0].regions["brows"] == pytest.approx((0.04, 0.02), rel=1e-5)
    assert rows[0].gap_change == pytest.approx(0.0)
    assert "| happy | 1 |" in reach_table(rows) and "50%" in reach_table(rows)
    assert cosine(real, -real) == pytest.approx(-1.0)
    assert displacement_magnitude(real) == pytest.approx(0.04 * 10 / EMOTION_POINTS.sum())


def test_averaging_actors_who_differ_no_longer_shrinks_the_expression() -> None:
    # Two actors raise their brows by 0.04 with opposite sideways quirks: their plain mean
    # is a 0.04 raise, smaller than either actor's 0.05 displacement.
    deltas = {actor: {"happy": _statistic(_brow_raise(0.04, side))} for actor, side in (("a", 0.03), ("b", -0.03))}
    config = EmotionTrainConfig(Path("."), Path("."))
    brows = displacements_from(deltas, config).points68[HAPPY, 17:27]
    np.testing.assert_allclose(np.linalg.norm(brows, axis=-1), 0.05, rtol=1e-5)  # the actors' own size
    np.testing.assert_allclose(brows[:, 0], 0.0, atol=1e-7)  # in their shared direction: up
    capped = displacements_from(deltas, EmotionTrainConfig(Path("."), Path("."), max_region_gain=1.1))
    np.testing.assert_allclose(np.linalg.norm(capped.points68[HAPPY, 17:27], axis=-1), 0.044, rtol=1e-5)


def test_an_emotion_never_parts_or_presses_the_lips() -> None:
    offsets = np.zeros((8, 68, 2))
    offsets[HAPPY, 61:64, 1] = -0.03  # upper inner lip up
    offsets[HAPPY, 65:68, 1] = 0.05  # lower inner lip down: this would open the mouth
    kept = keep_inner_lip_gap(offsets)
    face = _face(0.1)
    assert inner_gap_change(offsets[HAPPY], face) > 0.05
    assert inner_gap_change(kept[HAPPY], face) == pytest.approx(0.0, abs=1e-9)
    np.testing.assert_allclose(kept[HAPPY, [61, 62, 63, 65, 66, 67], 1], 0.01)  # both lips move by the pair's mean


def test_shipped_emotions_keep_the_speech_gap() -> None:
    """Lip sync holds: on a speaking mouth, every emotion at full intensity leaves the
    inner-lip gap exactly as speech made it (only the width may change)."""
    openness = 0.3 * np.abs(np.sin(np.arange(60) / 4))
    speaking = face_with_openness(openness)[..., :2]
    width = np.linalg.norm(speaking[:, 54] - speaking[:, 48], axis=-1)
    gap = mouth_openness(speaking) * width
    for name, offset in product_offsets(EmotionExpressions.load()).items():
        moved = speaking + offset[None]
        moved_width = np.linalg.norm(moved[:, 54] - moved[:, 48], axis=-1)
        np.testing.assert_allclose(mouth_openness(moved) * moved_width, gap, atol=1e-6, err_msg=name)
        assert np.all(np.abs(moved_width / width - 1) < 0.3), name


def test_shipped_emotions_move_the_face_visibly() -> None:
    """At full intensity each emotion moves the composed points by at least 0.02 normalized
    units on average (≈ 1 % of the face width: the tracked MEAD actors move 0.03–0.05)."""
    offsets = product_offsets(EmotionExpressions.load())
    assert displacement_magnitude(offsets["neutral"]) == 0.0
    for name in EMOTIONS[1:]:
        assert displacement_magnitude(offsets[name]) > 0.02, name
    assert one_hot("happy", 1.0, 1).shape == (1, 8)


@pytest.mark.skipif(not DATA.is_dir(), reason="shared data not available")
def test_finds_mead_and_crema_actors_with_a_neutral_clip() -> None:
    clips = find_emotion_clips(DATA)
    assert {"M030", "W009", "W011", "1001"} <= set(clips)
    assert sorted(clips["1001"]) == ["angry", "disgust", "fear", "happy", "neutral", "sad"]
    assert len(clips["M030"]["sad"]) == 2  # the MEAD style clip and the EAMM talking clip
    assert all("neutral" in by_emotion for by_emotion in clips.values())
