"""Per-video-frame audio features: 40 MFCCs and log-energy.

One feature vector per video frame at any fps: frame ``i`` is a 1024-sample
window centred on the middle of video frame ``i`` (time ``(i + 0.5) / fps``).
The hop ``sr / fps`` is generally fractional (533.3 samples at 30 fps), so the
windows are placed by rounding each centre rather than with a fixed integer hop.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from core.audio.audio_io import Audio

N_MFCC = 40
N_FFT = 1024
N_MELS = 64
# Frames are transformed in chunks so an hour of audio never builds a 400 MB frame matrix.
_CHUNK = 4096
_EPS = 1e-10


def frame_count(duration: float, fps: float) -> int:
    """T = ceil(duration * fps), tolerant of float noise (3.0 s × 30 fps = 90)."""
    return max(0, math.ceil(round(duration * fps, 6)))


def mfcc_per_frame(audio: Audio, fps: float = 30.0) -> np.ndarray:
    """T×40 float32 MFCCs, one row per video frame (T = ceil(duration * fps))."""
    mel_db = _log_mel_frames(audio, fps)
    return (mel_db @ _dct_matrix()).astype(np.float32)


def log_energy_per_frame(audio: Audio, fps: float = 30.0) -> np.ndarray:
    """T float32 log10 mean-square energy of the same windows (silence ≈ -10)."""
    out = [np.log10(np.mean(f * f, axis=1) + _EPS) for f in _frame_chunks(audio, fps)]
    return _concat(out, 0)


def utterance_normalized(features: np.ndarray, floor: float = 1e-2) -> np.ndarray:
    """Per-utterance mean/variance normalization (CMVN) of T×D features.

    Removes the microphone, room and voice colouring that differ between
    recordings, so a model trained on a few speakers hears the phonetic changes.
    ``floor`` keeps near-constant dimensions (digital silence) from blowing up.
    """
    features = np.asarray(features, np.float32)
    if len(features) == 0:
        return features
    std = np.maximum(features.std(axis=0), floor)
    return ((features - features.mean(axis=0)) / std).astype(np.float32)


@dataclass(frozen=True)
class FeatureStats:
    """Per-dimension mean and std used to standardise MFCCs for the models."""

    mean: np.ndarray
    std: np.ndarray

    @classmethod
    def fit(cls, features: np.ndarray) -> FeatureStats:
        """Stats over rows of an N×D array."""
        return cls(features.mean(0).astype(np.float32), (features.std(0) + 1e-5).astype(np.float32))

    def apply(self, features: np.ndarray) -> np.ndarray:
        """Standardise T×D features."""
        return ((features - self.mean) / self.std).astype(np.float32)

    def to_dict(self) -> dict[str, list[float]]:
        """Plain lists, storable inside a weights_only checkpoint."""
        return {"mean": self.mean.tolist(), "std": self.std.tolist()}

    @classmethod
    def from_dict(cls, data: dict[str, list[float]]) -> FeatureStats:
        """Inverse of to_dict."""
        return cls(np.asarray(data["mean"], np.float32), np.asarray(data["std"], np.float32))


def _log_mel_frames(audio: Audio, fps: float) -> np.ndarray:
    mel = _mel_matrix(audio.sample_rate)
    window = _window()
    out = []
    for frames in _frame_chunks(audio, fps):
        power = np.abs(np.fft.rfft(frames * window, axis=1)) ** 2
        out.append(10.0 * np.log10(np.maximum(power @ mel, _EPS)))
    return _concat(out, N_MELS)


def _frame_chunks(audio: Audio, fps: float) -> Iterator[np.ndarray]:
    """Yield chunks of 1024-sample windows centred on each video frame."""
    if fps <= 0:
        raise ValueError(f"fps must be positive, got {fps}")
    count = frame_count(audio.duration, fps)
    half = N_FFT // 2
    padded = np.pad(audio.samples.astype(np.float32), (half, half + N_FFT))
    offsets = np.arange(N_FFT)
    for start in range(0, count, _CHUNK):
        idx = np.arange(start, min(count, start + _CHUNK))
        centres = np.round((idx + 0.5) * audio.sample_rate / fps).astype(np.int64)
        centres = np.minimum(centres, len(audio.samples))
        yield padded[centres[:, None] + offsets]  # centre c sits at padded index c + half


def _concat(parts: list[np.ndarray], width: int) -> np.ndarray:
    if not parts:
        return np.zeros((0, width) if width else (0,), np.float32)
    return np.concatenate(parts).astype(np.float32)


@lru_cache(maxsize=1)
def _window() -> np.ndarray:
    return np.hanning(N_FFT + 1)[:-1].astype(np.float32)


@lru_cache(maxsize=4)
def _mel_matrix(sample_rate: int) -> np.ndarray:
    import librosa

    return librosa.filters.mel(sr=sample_rate, n_fft=N_FFT, n_mels=N_MELS).T.astype(np.float32)


@lru_cache(maxsize=1)
def _dct_matrix() -> np.ndarray:
    """Orthonormal DCT-II (N_MELS → N_MFCC), as librosa.feature.mfcc uses."""
    from scipy.fft import dct

    return dct(np.eye(N_MELS), type=2, norm="ortho", axis=0)[:, :N_MFCC].astype(np.float32)
