"""The one timebase: frame counts with one rounding rule, frame times, resampling."""

from __future__ import annotations

import numpy as np
import soundfile as sf

from core.audio.audio_io import load_audio
from core.audio.features import mfcc_per_frame
from core.audio.voice_activity import voice_activity
from core.timebase import frame_count, frame_times, resample_series, resample_valid, stretch_frames


def test_float_noise_never_adds_a_frame_and_a_partial_frame_always_does():
    assert frame_count(3.0, 30.0) == 90
    assert frame_count(0.1 * 3, 10.0) == 3  # 0.30000000000000004 s
    assert frame_count(2.0 + 1e-9, 25.0) == 50
    assert frame_count(2.001, 25.0) == 51
    assert frame_count(0.0, 30.0) == 0
    assert frame_count(-1.0, 30.0) == 0


def test_features_and_voice_activity_count_the_same_frames(tmp_path):
    # 1.2345 s of a tone at 16 kHz: a duration that ends inside a frame at 30 fps.
    rate, n = 16000, 19752
    path = tmp_path / "tone.wav"
    sf.write(path, 0.3 * np.sin(np.arange(n) * 2 * np.pi * 220 / rate).astype(np.float32), rate)
    audio = load_audio(path)
    expected = frame_count(n / rate, 30.0)
    assert expected == 38
    assert len(mfcc_per_frame(audio, 30.0)) == expected
    assert len(voice_activity(audio.samples, audio.sample_rate, 30.0)) == expected


def test_frame_times_start_each_frame():
    np.testing.assert_allclose(frame_times(4, 25.0), [0.0, 0.04, 0.08, 0.12])


def test_resampling_keeps_the_span_and_the_ends():
    values = np.arange(10, dtype=np.float64)[:, None] * np.ones((1, 2))
    up = resample_series(values, 25.0, 50.0)
    assert up.shape == (20, 2)
    assert up[0, 0] == 0.0 and up[-1, 0] == 9.0  # the first and last frames keep their place
    assert np.all(np.diff(up[:, 0]) >= 0)
    down = resample_series(values, 50.0, 25.0)
    assert down.shape == (5, 2)
    np.testing.assert_allclose(resample_series(values, 30.0, 30.0), values)


def test_a_resampled_frame_is_valid_only_between_valid_frames():
    valid = np.array([True, True, False, True, True, True])
    out = resample_valid(valid, 10.0, 20.0)
    assert len(out) == 12
    assert not out[3:6].any() and out[0] and out[-1]


def test_stretching_maps_first_to_first_and_last_to_last():
    values = np.array([[0.0], [1.0], [4.0]])
    out = stretch_frames(values, 5)
    np.testing.assert_allclose(out[:, 0], [0.0, 0.5, 1.0, 2.5, 4.0])


def test_fit_length_cuts_holds_the_last_row_or_gives_zeros() -> None:
    from core.timebase import fit_length

    rows = np.arange(6.0).reshape(3, 2)
    assert np.array_equal(fit_length(rows, 2), rows[:2])
    assert np.array_equal(fit_length(rows, 5), np.vstack([rows, rows[-1:], rows[-1:]]))
    assert fit_length(np.zeros((0, 6)), 4).shape == (4, 6)
