"""Loudness normalization: any recording level gives the same features; silence stays silent."""

from __future__ import annotations

import numpy as np

from core.audio.audio_io import Audio, load_audio
from core.audio.features import mfcc_per_frame
from core.audio.loudness import MAX_GAIN_DB, TARGET_DB, loudness_db, normalized_loudness
from tests.core.audio.speech_fixture import espeak_wav


def test_quiet_and_loud_copies_of_a_line_give_the_same_mfccs(tmp_path):
    speech = load_audio(espeak_wav(tmp_path / "s.wav", "Put the red cup on the shelf, please."))
    at_level = normalized_loudness(speech)
    assert abs(loudness_db(at_level) - TARGET_DB) < 0.1
    reference = mfcc_per_frame(at_level, 30.0)
    for gain in (0.03, 0.3, 3.0):
        copy = normalized_loudness(Audio(speech.samples * np.float32(gain), speech.sample_rate))
        np.testing.assert_allclose(mfcc_per_frame(copy, 30.0), reference, atol=1e-2)


def test_digital_silence_and_empty_audio_are_left_alone():
    silence = Audio(np.zeros(16000, np.float32))
    assert normalized_loudness(silence) is silence
    empty = Audio(np.zeros(0, np.float32))
    assert normalized_loudness(empty) is empty


def test_faint_room_tone_is_not_lifted_into_speech():
    hiss = Audio(np.random.default_rng(0).normal(0, 10 ** (-65 / 20), 16000).astype(np.float32))
    lifted = normalized_loudness(hiss)
    assert loudness_db(lifted) - loudness_db(hiss) <= MAX_GAIN_DB + 1e-3
