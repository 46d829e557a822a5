"""Amplitude ratio, mouth-width correlation, rests by pause length, bilabial closure."""

import numpy as np
import pytest

from core.evaluation import metrics
from tests.core.evaluation.synthetic import face_with_openness


def _syllables(n: int = 90, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return 0.4 * np.convolve(rng.random(n + 4), np.ones(5) / 5, mode="valid")


def _with_width(face: np.ndarray, scale: np.ndarray) -> np.ndarray:
    """``face`` with every mouth point's x scaled per frame (wider / narrower mouth)."""
    face = face.copy()
    face[:, 48:68, 0] *= np.asarray(scale)[:, None]
    return face


def test_amplitude_ratio_is_std_of_prediction_over_std_of_real():
    real = _syllables()
    assert metrics.amplitude_ratio(real, real) == pytest.approx(1.0)
    assert metrics.amplitude_ratio(0.5 * real + 0.1, real) == pytest.approx(0.5)
    assert metrics.amplitude_ratio(np.full(90, 0.2), real) == pytest.approx(0.0)
    assert np.isnan(metrics.amplitude_ratio(real, np.full(90, 0.2)))  # a still real mouth: undefined


def test_amplitude_ratio_ignores_invalid_frames():
    real = _syllables()
    pred = real.copy()
    pred[5] = 10.0  # the real track lost the face here
    valid = np.ones(90, bool)
    valid[5] = False
    assert metrics.amplitude_ratio(pred, real, valid) == pytest.approx(1.0)
    assert metrics.amplitude_ratio(pred, real) > 5


def test_width_correlation_follows_rounded_and_spread_mouths():
    openness = _syllables()
    width = 1.0 + 0.3 * np.sin(np.arange(90) / 5)
    real = _with_width(face_with_openness(openness), width)
    assert metrics.width_correlation(_with_width(face_with_openness(openness), 1 + 0.5 * (width - 1)),
                                     real) == pytest.approx(1.0)
    assert metrics.width_correlation(_with_width(face_with_openness(openness), 2 - width),
                                     real) == pytest.approx(-1.0)
    assert np.isnan(metrics.width_correlation(face_with_openness(openness), real))  # constant width


def test_pause_lengths_label_each_silent_frame_with_its_run():
    speech = np.array([0, 0, 1, 1, 0, 1, 0, 0, 0], bool)
    np.testing.assert_array_equal(metrics.pause_lengths(speech), [2, 2, 0, 0, 1, 0, 3, 3, 3])


def test_closed_in_pauses_splits_short_gaps_from_long_pauses():
    fps = 30.0
    # speech, a 0.2 s gap (6 frames) left open, speech, a 1 s pause (30 frames) closed, speech
    speech = np.r_[np.ones(20), np.zeros(6), np.ones(20), np.zeros(30), np.ones(10)].astype(bool)
    openness = np.r_[np.full(20, 0.3), np.full(6, 0.2), np.full(20, 0.3), np.full(30, 0.01), np.full(10, 0.3)]
    assert metrics.closed_in_pauses(openness, speech, fps, "short") == 0.0
    assert metrics.closed_in_pauses(openness, speech, fps, "long") == 1.0
    assert np.isnan(metrics.closed_in_pauses(openness, speech, fps, "ends"))  # speech from first to last frame
    assert metrics.closed_in_silence(openness, speech) == pytest.approx(30 / 36)
    assert np.isnan(metrics.closed_in_pauses(openness, np.ones(86, bool), fps, "long"))


def test_phrase_ends_are_their_own_kind_of_silence():
    fps = 30.0
    # a short silence before the first word and after the last: phrase ends, not gaps
    speech = np.r_[np.zeros(4), np.ones(20), np.zeros(5), np.ones(20), np.zeros(3)].astype(bool)
    openness = np.r_[np.full(4, 0.01), np.full(20, 0.3), np.full(5, 0.2), np.full(20, 0.3), np.full(3, 0.01)]
    np.testing.assert_array_equal(np.flatnonzero(metrics.phrase_ends(speech)), [0, 1, 2, 3, 49, 50, 51])
    assert metrics.closed_in_pauses(openness, speech, fps, "short") == 0.0  # the 5-frame gap only
    assert metrics.closed_in_pauses(openness, speech, fps, "ends") == 1.0
    assert np.isnan(metrics.closed_in_pauses(openness, speech, fps, "long"))  # no long pause here
    assert metrics.phrase_ends(np.zeros(4, bool)).all()
    with pytest.raises(ValueError, match="kind"):
        metrics.pause_kind_frames(speech, fps, "medium")


def test_bilabial_closure_counts_stretches_where_the_lips_meet():
    openness = np.full(40, 0.3)
    bilabial = np.zeros(40, bool)
    bilabial[5:8] = True  # lips meet one frame after the stretch: within the slack
    openness[8] = 0.01
    bilabial[20:23] = True  # lips stay open: a missed closure
    bilabial[30:32] = True  # closed inside the stretch
    openness[31] = 0.0
    assert metrics.bilabial_closure(openness, bilabial) == pytest.approx(2 / 3)
    assert metrics.bilabial_closure(openness, bilabial, slack=0) == pytest.approx(1 / 3)
    assert np.isnan(metrics.bilabial_closure(openness, np.zeros(40, bool)))
    with pytest.raises(ValueError, match="bilabial"):
        metrics.bilabial_closure(openness, bilabial[:30])


def test_clip_metrics_carry_the_new_scores_for_prediction_and_real_face():
    fps = 30.0
    speech = np.r_[np.ones(30), np.zeros(6), np.ones(20), np.zeros(14), np.ones(10), np.zeros(10)].astype(bool)
    real_open = np.where(speech, _syllables(), 0.01)
    real_open[40] = 0.0  # the real lips meet on the bilabial
    bilabial = np.zeros(90, bool)
    bilabial[39:42] = True
    pred_open = np.where(speech, 0.5 * _syllables() + 0.1, 0.2)  # timid, and never rests
    m = metrics.clip_metrics(face_with_openness(pred_open), face_with_openness(real_open), speech,
                             bilabial=bilabial, fps=fps)
    assert 0 < m.amplitude_ratio < 1
    assert m.closed_short_pause == 0.0 and m.real_closed_short_pause == 1.0
    assert m.closed_long_pause == 0.0 and m.real_closed_long_pause == 1.0
    assert m.closed_phrase_end == 0.0 and m.real_closed_phrase_end == 1.0
    assert m.bilabial_closed == 0.0 and m.real_bilabial_closed == 1.0
    assert np.isnan(metrics.clip_metrics(face_with_openness(pred_open), face_with_openness(real_open),
                                         speech).bilabial_closed)  # no phones, no score
