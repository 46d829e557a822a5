"""Features of a long line are computed a block at a time, with the loudness gain applied per
block instead of to a scaled copy of the line (issue 16): the results must not change."""

from __future__ import annotations

import numpy as np

import core.audio.features as features
import core.audio.voice_activity as voice_activity_module
from core.audio.audio_io import Audio, load_audio
from core.audio.features import mfcc_per_frame
from core.audio.loudness import loudness_gain, normalized_loudness
from core.audio.voice_activity import rms_per_frame, voice_activity
from core.timebase import frame_count
from tests.core.audio.speech_fixture import espeak_wav


def _quiet_speech(tmp_path) -> Audio:
    speech = load_audio(espeak_wav(tmp_path / "s.wav", "A quiet line, spoken far from the microphone."))
    pause = np.zeros(12000, np.float32)
    return Audio(np.concatenate([pause, speech.samples * 0.02, pause]))


def test_gain_per_block_equals_the_normalized_copy(tmp_path, monkeypatch):
    audio = _quiet_speech(tmp_path)
    gain = loudness_gain(audio)
    assert gain > 10, "the quiet line should be lifted"
    louder = normalized_loudness(audio)
    monkeypatch.setattr(features, "_CHUNK", 17)  # many blocks, edges inside words
    np.testing.assert_array_equal(mfcc_per_frame(audio, 30.0, gain), mfcc_per_frame(louder, 30.0))
    np.testing.assert_array_equal(voice_activity(audio.samples, 16000, 30.0, gain=gain),
                                  voice_activity(louder.samples, 16000, 30.0))


def test_mfcc_blocks_equal_one_block_at_any_fps(tmp_path, monkeypatch):
    audio = _quiet_speech(tmp_path)
    for fps in (24.0, 29.97, 30.0):
        whole = mfcc_per_frame(audio, fps)
        monkeypatch.setattr(features, "_CHUNK", 13)
        blocked = mfcc_per_frame(audio, fps)
        monkeypatch.undo()
        assert len(whole) == frame_count(audio.duration, fps)
        np.testing.assert_allclose(blocked, whole, atol=1e-4)


def test_mfcc_reports_progress_per_block(tmp_path, monkeypatch):
    audio = _quiet_speech(tmp_path)
    monkeypatch.setattr(features, "_CHUNK", 40)
    reports: list[tuple[int, int]] = []
    mfcc = mfcc_per_frame(audio, 30.0, progress=lambda done, total: reports.append((done, total)))
    assert len(reports) == -(-len(mfcc) // 40)
    assert reports[-1] == (len(mfcc), len(mfcc)) and [d for d, _t in reports] == sorted(d for d, _t in reports)


def test_rms_in_blocks_matches_the_definition(monkeypatch):
    rng = np.random.default_rng(3)
    samples = (rng.normal(size=16000 * 3) * np.linspace(0.001, 0.5, 16000 * 3)).astype(np.float32)
    monkeypatch.setattr(voice_activity_module, "_RMS_BLOCK_FRAMES", 7)
    rms = rms_per_frame(samples, 16000, 30.0, n_frames=95)  # 5 frames past the end
    edges = np.minimum(np.round(np.arange(96) * 16000 / 30.0).astype(int), len(samples))
    expected = [np.sqrt(np.mean(samples[a:b].astype(np.float64) ** 2)) if b > a else 0.0
                for a, b in zip(edges[:-1], edges[1:])]
    np.testing.assert_allclose(rms, expected, rtol=1e-9, atol=1e-12)
    assert rms[-5:].tolist() == [0.0] * 5
