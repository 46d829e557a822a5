"""Shipped S2L weights: load checks, determinism, silence closed, speech opens the mouth.

Speed (≥ 200× real time) is measured by benchmarks/bench_pipeline.py, never asserted here."""

from __future__ import annotations

import shutil

import numpy as np
import pytest
import torch

from core.audio.audio_io import Audio, load_audio
from core.audio.features import log_energy_per_frame, mfcc_per_frame
from core.errors import ModelWeightsError
from core.landmarks.face_template import load_template
from core.landmarks.face_geometry import mouth_openness
from core.motion.s2l_inference import DEFAULT_WEIGHTS, SpeechToLandmarks
from tests.core.audio.speech_fixture import espeak_wav

torch.set_num_threads(1)

needs_weights = pytest.mark.skipif(not DEFAULT_WEIGHTS.is_file(), reason="weights/s2l/s2l_small.pt not shipped")


@pytest.fixture(scope="module")
def model():
    return SpeechToLandmarks.load()


@pytest.fixture(scope="module")
def closed_face0() -> np.ndarray:
    """The template face with its lips closed (lower inner lip on the upper one)."""
    face = np.asarray(load_template()["points3d"], np.float32).copy()
    face[[67, 66, 65], 1] = face[[61, 62, 63], 1]
    return face


@pytest.fixture(scope="module")
def speech_with_pauses(tmp_path_factory) -> Audio:
    """1 s silence, espeak-ng speech, 2 s silence."""
    speech = load_audio(espeak_wav(tmp_path_factory.mktemp("s2l") / "s.wav",
                                   "Open your mouth wide and say papa, mama, and banana."))
    pause = np.zeros(16000, np.float32)
    return Audio(np.concatenate([pause, speech.samples, pause, pause]))


def test_missing_weights_raise(tmp_path):
    with pytest.raises(ModelWeightsError, match="not found"):
        SpeechToLandmarks.load(tmp_path / "absent.pt")


@needs_weights
def test_tampered_weights_raise(tmp_path):
    copy = tmp_path / "s2l_small.pt"
    shutil.copy(DEFAULT_WEIGHTS, copy)
    (tmp_path / "s2l_small.pt.sha256").write_text("0" * 64 + "  s2l_small.pt\n")
    with pytest.raises(ModelWeightsError, match="Checksum mismatch"):
        SpeechToLandmarks.load(copy)


@needs_weights
def test_shapes_and_determinism(model, closed_face0, speech_with_pauses):
    mfcc = mfcc_per_frame(speech_with_pauses, 30.0)
    a = model.predict(mfcc, closed_face0)
    b = model.predict(mfcc, closed_face0)
    assert a.shape == (len(mfcc), 68, 2) and a.dtype == np.float32
    np.testing.assert_array_equal(a, b)


@needs_weights
def test_silence_keeps_mouth_closed_and_speech_opens_it(model, closed_face0, speech_with_pauses):
    # The product path: prediction plus the mouth resting where no voice is heard.
    motion, mfcc = model.animate_speech(speech_with_pauses, 30.0, closed_face0)
    energy = log_energy_per_frame(speech_with_pauses, 30.0)
    openness = mouth_openness(motion)
    # The known pauses: 1 s before the speech, the last 1.5 s after it (clear of the hangover).
    silent = np.concatenate([openness[:25], openness[-45:]])
    voiced = openness[energy > np.percentile(energy, 60)]
    assert silent.max() < 0.02, "mouth open in silence"
    assert voiced.mean() > silent.mean() + 0.04, "speech does not open the mouth"
    assert openness.std() > 0.02
    assert len(motion) == len(mfcc)


@needs_weights
def test_speech_drowned_in_noise_still_moves_the_mouth(model, closed_face0, speech_with_pauses):
    # 0 dB SNR white noise: the loudness VAD alone hears almost nothing and would rest the mouth
    # all along; PhoneNet's ear takes over and the pauses still close.
    clean = speech_with_pauses.samples
    words = np.abs(clean) > 0
    noise = np.random.default_rng(0).normal(0, np.sqrt(np.mean(clean[words] ** 2)), len(clean))
    noisy = Audio((clean + noise).astype(np.float32))
    motion, mfcc = model.animate_speech(noisy, 30.0, closed_face0)
    openness = mouth_openness(motion)
    assert openness[35:-70].mean() > 0.04, "the words do not open the mouth"
    assert np.median(openness[-40:]) < 0.02, "the mouth does not rest after the line"


@needs_weights
def test_an_open_mouthed_portrait_starts_open_and_rests_closed(model, closed_face0, speech_with_pauses):
    portrait = closed_face0.copy()
    portrait[[65, 66, 67, 55, 56, 57, 58, 59], 1] += 0.12  # photographed mid-word
    motion, _ = model.animate_speech(speech_with_pauses, 30.0, portrait)
    openness = mouth_openness(motion)
    assert openness[0] > 0.5 * mouth_openness(portrait[None, :, :2])[0]
    assert openness[5:25].max() < 0.02, "the mouth does not settle before the speech"
