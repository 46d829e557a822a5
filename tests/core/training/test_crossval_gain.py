"""The out-of-fold mouth gain (core.motion.mouth_gain, core.training.crossval_gain) on real faces and weights."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from core.audio.audio_io import load_audio
from core.evaluation.crossval import SPEAKERS, clip_key, speaker_folds
from core.landmarks.face_geometry import mouth_openness
from core.landmarks.face_template import load_template
from core.motion.mouth_gain import CLOSED_OPENNESS, FULL_GAIN_OPENNESS, gain_for_ratios, scaled_mouth
from core.motion.rest_face import closed_mouth
from core.motion.s2l_inference import DEFAULT_WEIGHTS, SpeechToLandmarks
from core.training.crossval_gain import fold_gains, with_mouth_gain

torch.set_num_threads(1)
SAMPLE_SPEECH = "resources/sample/speech.wav"


def _opening_face(rest: np.ndarray, drops: np.ndarray) -> np.ndarray:
    """T faces: ``rest`` with the lower lip and chin dropped by ``drops`` (normalized units)."""
    faces = np.repeat(rest[None], len(drops), 0).astype(np.float32)
    lower = [5, 6, 7, 8, 9, 10, 11, 55, 56, 57, 58, 59, 65, 66, 67]
    faces[:, lower, 1] += drops[:, None]
    return faces


def test_the_gain_widens_open_mouths_and_leaves_shut_ones_shut():
    rest = closed_mouth(load_template()["points3d"])
    drops = np.linspace(0.0, 0.5, 60, dtype=np.float32)
    motion = _opening_face(rest, drops)
    before = mouth_openness(motion)
    after = mouth_openness(scaled_mouth(motion, rest, 1.6))
    shut = before < CLOSED_OPENNESS
    wide = before >= FULL_GAIN_OPENNESS
    assert shut.sum() > 3 and wide.sum() > 10
    np.testing.assert_allclose(after[shut], before[shut], atol=1e-6)  # closures are not pried open
    np.testing.assert_allclose(after[wide], 1.6 * before[wide], rtol=0.02)
    assert np.all(np.diff(after) > 0)  # openings keep their order
    np.testing.assert_array_equal(mouth_openness(motion), before)  # the input is not changed
    assert scaled_mouth(motion, rest, 1.0) is motion


def test_gains_bring_the_mean_amplitude_to_one_between_one_and_three():
    assert gain_for_ratios([0.5, 0.7, float("nan")]) == pytest.approx(1 / 0.6)
    assert gain_for_ratios([1.5]) == 1.0 and gain_for_ratios([0.1]) == 3.0
    with pytest.raises(ValueError):
        gain_for_ratios([float("nan")])


def test_each_folds_gain_is_fitted_without_its_own_people():
    clips = sorted(SPEAKERS)
    folds = speaker_folds(4, clips)
    own = {clip_key(p): fold.index for fold in folds for p in fold.test}
    # Fold k's clips move (k + 1) × 0.2 as far as the real mouths.
    scores = {"methods": {"ours": {"clips": [{"clip": c, "amplitude_ratio": 0.2 * (own[c] + 1)} for c in clips]}}}
    gains = fold_gains(scores, 4, clips)
    for fold in folds:
        others = [0.2 * (own[c] + 1) for c in clips if own[c] != fold.index]
        assert gains[fold.index] == pytest.approx(1 / np.mean(others))
    assert len(set(round(g, 6) for g in gains.values())) == 4  # each fold's own ratios left out


@pytest.mark.skipif(not DEFAULT_WEIGHTS.is_file(), reason="weights/s2l/s2l_small.pt not shipped")
def test_weights_carrying_a_gain_open_the_mouth_wider_on_the_sample_line(tmp_path):
    gained = tmp_path / "s2l_small.pt"
    shipped = SpeechToLandmarks.load()
    base_gain = shipped.mouth_gain
    with_mouth_gain(DEFAULT_WEIGHTS, gained, base_gain * 1.5)
    model = SpeechToLandmarks.load(gained)
    assert model.mouth_gain == pytest.approx(base_gain * 1.5)
    audio = load_audio(SAMPLE_SPEECH)
    face0 = load_template()["points3d"]
    plain = mouth_openness(shipped.animate_speech(audio, 30.0, face0)[0])
    wider = mouth_openness(model.animate_speech(audio, 30.0, face0)[0])
    assert wider.std() > 1.2 * plain.std()
    assert np.corrcoef(plain, wider)[0, 1] > 0.95
    assert (wider < CLOSED_OPENNESS).mean() >= 0.8 * (plain < CLOSED_OPENNESS).mean()


def test_calibrating_without_scores_is_a_one_line_error(tmp_path):
    from core.errors import SpaceStudioError
    from core.training.crossval_gain import calibrate

    with pytest.raises(SpaceStudioError, match="run space-studio train s2l-crossval first"):
        calibrate(tmp_path, tmp_path)


def test_the_card_gives_the_gain_and_the_amplitude_weight_in_its_command():
    from core.audio.features import FeatureStats
    from core.training.train_s2l import Split, TrainConfig, model_card

    split = Split([], [], {}, FeatureStats(np.zeros(40, np.float32), np.ones(40, np.float32)))
    metrics = {"held_out": {}, "held_out_mean": {}, "steps": 3}
    card = model_card(split, TrainConfig(validation_speakers=(), mouth_gain=1.662, amplitude_weight=0.5), metrics, "abc")
    assert "--amplitude-weight 0.5 --mouth-gain 1.662 --all-speakers" in card
    assert "--mouth-gain" not in model_card(split, TrainConfig(validation_speakers=()), metrics, "abc")
