"""load_audio: every format and rate becomes 16 kHz mono float32; bad files say why."""

from __future__ import annotations

import numpy as np
import pytest
import soundfile as sf

from core.audio.audio_io import load_audio
from core.errors import AudioError
from tests.core.audio.speech_fixture import espeak_wav, ffmpeg_convert


@pytest.fixture(scope="module")
def speech_wav(tmp_path_factory):
    return espeak_wav(tmp_path_factory.mktemp("speech") / "speech.wav")


@pytest.mark.parametrize("suffix", ["mp3", "flac", "ogg", "m4a"])
def test_compressed_formats_match_the_wav(speech_wav, tmp_path, suffix):
    ref = load_audio(speech_wav)
    audio = load_audio(ffmpeg_convert(speech_wav, tmp_path / f"s.{suffix}"))
    assert audio.sample_rate == 16000 and audio.samples.dtype == np.float32
    assert audio.samples.ndim == 1
    # Codecs pad a few ms of priming; the speech itself must be the same length.
    assert abs(audio.duration - ref.duration) < 0.1
    n = min(len(ref.samples), len(audio.samples))
    rms = lambda x: np.sqrt(np.mean(x[:n] ** 2))  # noqa: E731
    assert rms(audio.samples) == pytest.approx(rms(ref.samples), rel=0.25)


@pytest.mark.parametrize("rate", [8000, 44100])
def test_other_rates_and_stereo_become_16k_mono(speech_wav, tmp_path, rate):
    ref = load_audio(speech_wav)
    path = ffmpeg_convert(speech_wav, tmp_path / f"s{rate}.wav", "-ar", str(rate), "-ac", "2")
    audio = load_audio(path)
    assert audio.sample_rate == 16000 and audio.samples.ndim == 1
    assert audio.duration == pytest.approx(ref.duration, abs=0.01)


def test_silence_is_valid(tmp_path):
    path = tmp_path / "silence.wav"
    sf.write(path, np.zeros(48000, np.float32), 48000)
    audio = load_audio(path)
    assert audio.duration == pytest.approx(1.0)
    assert not audio.samples.any()


def test_missing_file_names_it(tmp_path):
    with pytest.raises(AudioError, match="not found.*nope.wav"):
        load_audio(tmp_path / "nope.wav")


@pytest.mark.parametrize("suffix", ["wav", "mp3"])
def test_corrupt_file_is_an_audio_error(tmp_path, suffix):
    path = tmp_path / f"corrupt.{suffix}"
    path.write_bytes(b"RIFF\x00\x00garbage" * 50)
    with pytest.raises(AudioError, match=f"corrupt.{suffix}") as info:
        load_audio(path)
    assert "\n" not in str(info.value)


def test_empty_file_is_an_audio_error(tmp_path):
    path = tmp_path / "empty.wav"
    sf.write(path, np.zeros(0, np.float32), 16000)
    with pytest.raises(AudioError, match="empty"):
        load_audio(path)


def test_all_nan_is_an_audio_error(tmp_path):
    path = tmp_path / "nan.wav"
    sf.write(path, np.full(1600, np.nan, np.float32), 16000, subtype="FLOAT")
    with pytest.raises(AudioError, match="NaN"):
        load_audio(path)
