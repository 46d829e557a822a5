"""mfcc_per_frame: one 40-d vector per video frame at any fps; energy marks silence."""

from __future__ import annotations

import math

import numpy as np
import pytest

from core.audio.audio_io import Audio, load_audio
from core.audio.features import FeatureStats, log_energy_per_frame, mfcc_per_frame
from tests.core.audio.speech_fixture import espeak_wav


@pytest.fixture(scope="module")
def speech(tmp_path_factory):
    return load_audio(espeak_wav(tmp_path_factory.mktemp("speech") / "speech.wav"))


@pytest.mark.parametrize("fps", [24.0, 25.0, 30.0, 60.0, 29.97])
def test_one_vector_per_video_frame(speech, fps):
    mfcc = mfcc_per_frame(speech, fps)
    assert mfcc.shape == (math.ceil(speech.duration * fps), 40)
    assert mfcc.dtype == np.float32 and np.isfinite(mfcc).all()


def test_exact_durations_do_not_round_up():
    audio = Audio(np.zeros(48000, np.float32))  # 3.0 s
    assert len(mfcc_per_frame(audio, 30.0)) == 90
    assert len(mfcc_per_frame(audio, 25.0)) == 75


def test_energy_separates_speech_from_silence(speech):
    silence = np.zeros(16000, np.float32)
    padded = Audio(np.concatenate([silence, speech.samples, silence]))
    energy = log_energy_per_frame(padded, 30.0)
    assert energy[:20].max() < -8  # digital silence
    assert np.median(energy[40:-40]) > -4


def test_feature_stats_round_trip(speech):
    mfcc = mfcc_per_frame(speech)
    stats = FeatureStats.fit(mfcc)
    normed = stats.apply(mfcc)
    assert np.abs(normed.mean(0)).max() < 1e-3
    again = FeatureStats.from_dict(stats.to_dict())
    np.testing.assert_allclose(again.apply(mfcc), normed)
