import numpy as np
import pytest

from core.evaluation import metrics
from tests.core.evaluation.synthetic import face_with_openness


def _syllables(n: int = 90, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    raw = np.convolve(rng.random(n + 4), np.ones(5) / 5, mode="valid")
    return 0.4 * raw


def test_openness_is_gap_over_width():
    face = face_with_openness(np.array([0.0, 0.1, 0.3]))
    np.testing.assert_allclose(metrics.mouth_openness(face), [0.0, 0.1, 0.3], atol=1e-9)


def test_identical_sequences_score_perfectly():
    real = face_with_openness(_syllables())
    m = metrics.clip_metrics(real.copy(), real, speech=np.ones(len(real), bool))
    assert m.r0 == pytest.approx(1.0) and m.best_r == pytest.approx(1.0) and m.best_lag == 0
    assert m.mp == 0 and m.mv == 0 and m.dll == 0 and m.dvl == 0 and m.da == 0


def test_prediction_two_frames_late_has_best_lag_two():
    openness = _syllables()
    late = np.concatenate([np.full(2, openness[0]), openness[:-2]])
    corr = metrics.lagged_correlation(late, openness)
    assert corr.best_lag == 2
    assert corr.best_r == pytest.approx(1.0)
    assert corr.r0 < 0.95


def test_still_face_has_no_correlation():
    corr = metrics.lagged_correlation(np.full(30, 0.1), _syllables(30))
    assert np.isnan(corr.r0) and corr.best_lag is None


def test_mouth_normalization_removes_rotation_scale_and_shift():
    real = face_with_openness(_syllables(20))[..., :2]
    angle = np.radians(25)
    rot = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    moved = 3.0 * real @ rot.T + np.array([5.0, -2.0])
    norm = metrics.normalize_mouth(moved)
    np.testing.assert_allclose(norm[:, 0], [[-1, 0]] * 20, atol=1e-9)
    np.testing.assert_allclose(norm[:, 6], [[1, 0]] * 20, atol=1e-9)
    mp, mv = metrics.mouth_position_velocity_error(moved, real)
    assert mp == pytest.approx(0, abs=1e-9) and mv == pytest.approx(0, abs=1e-9)


def test_jaw_lip_distance_is_percent_of_lip_width():
    real = face_with_openness(np.full(10, 0.2))
    pred = real.copy()
    pred[:, :, 0] += 0.08  # a rigid shift of 10 % of the 0.8 lip width
    dll, dvl, da = metrics.makeittalk_errors(pred, real)
    assert dll == pytest.approx(10.0) and dvl == pytest.approx(0.0) and da == pytest.approx(0.0)


def test_offset_free_errors_keep_only_the_motion_error():
    real = face_with_openness(_syllables())
    shifted = real.copy()
    shifted[:, 57, 1] += 0.05  # a lower lip that always hangs lower: a constant shape offset
    mp, dll = metrics.offset_free_errors(shifted, real)
    assert metrics.clip_metrics(shifted, real, np.ones(len(real), bool)).mp > 0.003
    assert mp == pytest.approx(0, abs=1e-9) and dll == pytest.approx(0, abs=1e-9)
    still = np.repeat(real[:1], len(real), axis=0)  # a mouth that never moves keeps its motion error
    mp_still, dll_still = metrics.offset_free_errors(still, real)
    assert mp_still > 0.01 and dll_still > 0.5


def test_area_difference_is_percent_of_max_real_area():
    real = face_with_openness(np.array([0.1, 0.2]))
    pred = face_with_openness(np.array([0.0, 0.0]))
    area = metrics.inner_mouth_area(real)
    _, _, da = metrics.makeittalk_errors(pred, real)
    assert da == pytest.approx(100 * np.mean(area) / area.max())


def test_closed_mouth_in_silence_is_detected():
    speech = np.array([True] * 10 + [False] * 10)
    closed_when_silent = np.concatenate([np.full(10, 0.3), np.full(10, 0.01)])
    open_when_silent = np.full(20, 0.3)
    assert metrics.closed_in_silence(closed_when_silent, speech) == 1.0
    assert metrics.closed_in_silence(open_when_silent, speech) == 0.0
    assert np.isnan(metrics.closed_in_silence(open_when_silent, np.ones(20, bool)))


def test_invalid_frames_are_ignored():
    real = face_with_openness(_syllables(40))
    pred = real.copy()
    pred[10] += 5.0  # the real track lost the face here
    valid = np.ones(40, bool)
    valid[10] = False
    m = metrics.clip_metrics(pred, real, np.ones(40, bool), valid)
    assert m.mp == pytest.approx(0) and m.mv == pytest.approx(0) and m.r0 == pytest.approx(1.0)


def test_length_mismatch_is_refused():
    with pytest.raises(ValueError, match="frames"):
        metrics.makeittalk_errors(face_with_openness(np.zeros(5)), face_with_openness(np.zeros(6)))
