import numpy as np

from core.evaluation.baselines import energy_jaw, fit_energy_gain, still_face
from core.evaluation.metrics import mouth_openness
from core.evaluation.predictor import PredictionInput
from tests.core.evaluation.synthetic import face_with_openness


def _inputs() -> PredictionInput:
    rate = 16000
    loud = 0.3 * np.sin(np.arange(rate) * 2 * np.pi * 150 / rate)
    samples = np.concatenate([np.zeros(rate), loud, np.zeros(rate)]).astype(np.float32)
    return PredictionInput(samples, rate, 30.0, 90, face_with_openness(np.zeros(1))[0])


def test_still_face_repeats_the_portrait():
    inputs = _inputs()
    pred = still_face(inputs)
    assert pred.shape == (90, 68, 2)
    np.testing.assert_allclose(pred[-1], inputs.face0[:, :2], atol=1e-6)


def test_energy_jaw_opens_only_while_loud():
    openness = mouth_openness(energy_jaw(_inputs(), gain=0.25))
    assert openness[:28].max() < 0.01 and openness[62:].max() < 0.01
    assert 0.2 < openness[40:50].mean() <= 0.25 + 1e-6


def test_gain_fit_recovers_a_shared_amplitude():
    x = [np.linspace(0, 1, 10), np.linspace(0, 0.5, 7)]
    resting = [0.1, 0.02]  # each clip's own closed-mouth openness
    y = [c + 0.3 * a for c, a in zip(resting, x)]
    assert abs(fit_energy_gain(x, y) - 0.3) < 1e-9


def test_phone_visemes_close_on_bilabials_and_open_on_vowels():
    from core.audio.phone_net import PHONES
    from core.evaluation.baselines import VISEME_GAIN, phone_visemes

    said = ["SIL"] * 30 + ["AA"] * 30 + ["M"] * 30  # silence, "ah", "m"

    def posteriors(mfcc):
        out = np.zeros((len(mfcc), len(PHONES)), np.float32)
        out[np.arange(len(mfcc)), [PHONES.index(p) for p in said[: len(mfcc)]]] = 1.0
        return out

    openness = mouth_openness(phone_visemes(_inputs(), posteriors=posteriors))
    assert openness.shape == (90,)
    assert openness[:30].max() < 1e-6 and openness[60:].max() < 1e-6
    np.testing.assert_allclose(openness[30:60], VISEME_GAIN, atol=1e-5)
